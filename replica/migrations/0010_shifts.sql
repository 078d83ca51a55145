-- Cashiers' shifts (交班) at head office: wxpos hq report --by cashier.
--
-- shifts is a projection like orders and refunds: the latest record of
-- every shift a terminal's shift.open, shift.close and shift.variance
-- events name, upserted in the push that carries them (replica/worker.go),
-- keyed by the terminal and its own shift number. src_seq is the
-- terminal's event sequence the snapshot was taken at; an older snapshot
-- never overwrites a newer one. The money columns are the shift's report as
-- frozen at its close (shift.Report): 0, and counted false, while it is
-- open. day is the business day the shift opened on. record keeps the
-- whole shift record (its report by tender and by cashier).
CREATE TABLE shifts (
    store_id     text        NOT NULL,
    terminal_id  text        NOT NULL,
    shift_no     bigint      NOT NULL CHECK (shift_no > 0),
    cashier      text        NOT NULL,
    state        text        NOT NULL,
    day          date        NOT NULL,
    opened_at    timestamptz NOT NULL,
    closed_at    timestamptz,
    closed_by    text        NOT NULL DEFAULT '',
    handed_from  bigint      NOT NULL DEFAULT 0,
    handed_to    bigint      NOT NULL DEFAULT 0,
    float_fen    bigint      NOT NULL,
    sale_count   bigint      NOT NULL DEFAULT 0,
    sale_fen     bigint      NOT NULL DEFAULT 0,
    refund_count bigint      NOT NULL DEFAULT 0,
    refund_fen   bigint      NOT NULL DEFAULT 0,
    cash_in_fen  bigint      NOT NULL DEFAULT 0,
    cash_out_fen bigint      NOT NULL DEFAULT 0,
    expected_fen bigint      NOT NULL DEFAULT 0,
    counted      boolean     NOT NULL DEFAULT false,
    counted_fen  bigint      NOT NULL DEFAULT 0,
    variance_fen bigint      NOT NULL DEFAULT 0,
    record       jsonb       NOT NULL,
    src_seq      bigint      NOT NULL,
    PRIMARY KEY (store_id, terminal_id, shift_no)
);
-- hq report --by cashier: a range of days, of the chain or of one store.
CREATE INDEX shifts_day ON shifts (day, store_id);

-- Sales and refunds per cashier and day, kept by triggers in the pushing
-- transaction like 0006's roll-ups, with the same rules: a sale counts on
-- the Shanghai day it was paid under its cashier (orders.cashier), a
-- refund on the day it succeeded under the cashier who made it (its
-- record's cashier); '' for records from before sign-in. A row whose
-- counts came back to zero stays, and the report leaves it out.
CREATE TABLE hq_cashier_daily (
    day          date    NOT NULL,
    store_id     text    NOT NULL,
    terminal_id  text    NOT NULL,
    cashier      text    NOT NULL,
    training     boolean NOT NULL,
    sale_count   bigint  NOT NULL,
    sale_fen     bigint  NOT NULL,
    refund_count bigint  NOT NULL,
    refund_fen   bigint  NOT NULL,
    PRIMARY KEY (day, store_id, terminal_id, cashier, training)
);

CREATE FUNCTION hq_cashier_add(d date, store text, term text, who text, tr boolean, sc bigint, sf bigint, rc bigint, rf bigint)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO hq_cashier_daily VALUES (d, store, term, who, tr, sc, sf, rc, rf)
    ON CONFLICT (day, store_id, terminal_id, cashier, training) DO UPDATE SET
        sale_count = hq_cashier_daily.sale_count + excluded.sale_count,
        sale_fen = hq_cashier_daily.sale_fen + excluded.sale_fen,
        refund_count = hq_cashier_daily.refund_count + excluded.refund_count,
        refund_fen = hq_cashier_daily.refund_fen + excluded.refund_fen
$$;

CREATE FUNCTION hq_cashier_orders() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state AND NEW.paid_at IS NOT DISTINCT FROM OLD.paid_at
        AND NEW.amount_fen = OLD.amount_fen AND NEW.cashier = OLD.cashier AND NEW.training = OLD.training THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.state = 'PAID' AND OLD.paid_at IS NOT NULL THEN
        PERFORM hq_cashier_add((OLD.paid_at AT TIME ZONE 'Asia/Shanghai')::date, OLD.store_id, OLD.terminal_id, OLD.cashier,
            OLD.training, -1, -OLD.amount_fen, 0, 0);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'PAID' AND NEW.paid_at IS NOT NULL THEN
        PERFORM hq_cashier_add((NEW.paid_at AT TIME ZONE 'Asia/Shanghai')::date, NEW.store_id, NEW.terminal_id, NEW.cashier,
            NEW.training, 1, NEW.amount_fen, 0, 0);
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION hq_cashier_refunds() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state AND NEW.success_at IS NOT DISTINCT FROM OLD.success_at
        AND NEW.amount_fen = OLD.amount_fen AND NEW.training = OLD.training
        AND NEW.record->>'cashier' IS NOT DISTINCT FROM OLD.record->>'cashier' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' AND OLD.state = 'SUCCESS' AND OLD.success_at IS NOT NULL THEN
        PERFORM hq_cashier_add((OLD.success_at AT TIME ZONE 'Asia/Shanghai')::date, OLD.store_id, OLD.terminal_id,
            coalesce(OLD.record->>'cashier', ''), OLD.training, 0, 0, -1, -OLD.amount_fen);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'SUCCESS' AND NEW.success_at IS NOT NULL THEN
        PERFORM hq_cashier_add((NEW.success_at AT TIME ZONE 'Asia/Shanghai')::date, NEW.store_id, NEW.terminal_id,
            coalesce(NEW.record->>'cashier', ''), NEW.training, 0, 0, 1, NEW.amount_fen);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_cashier AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION hq_cashier_orders();
CREATE TRIGGER refunds_cashier AFTER INSERT OR UPDATE OR DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION hq_cashier_refunds();

-- The sales and refunds already replicated.
INSERT INTO hq_cashier_daily
SELECT day, store_id, terminal_id, cashier, training, sum(sc)::bigint, sum(sf)::bigint, sum(rc)::bigint, sum(rf)::bigint FROM (
    SELECT (paid_at AT TIME ZONE 'Asia/Shanghai')::date AS day, store_id, terminal_id, cashier, training,
        1 AS sc, amount_fen AS sf, 0 AS rc, 0 AS rf
    FROM orders WHERE state = 'PAID' AND paid_at IS NOT NULL
    UNION ALL
    SELECT (success_at AT TIME ZONE 'Asia/Shanghai')::date, store_id, terminal_id, coalesce(record->>'cashier', ''), training,
        0, 0, 1, amount_fen
    FROM refunds WHERE state = 'SUCCESS' AND success_at IS NOT NULL) x
GROUP BY 1, 2, 3, 4, 5;

REVOKE EXECUTE ON FUNCTION hq_cashier_add(date, text, text, text, boolean, bigint, bigint, bigint, bigint),
    hq_cashier_orders(), hq_cashier_refunds() FROM PUBLIC;

-- A terminal writes its own store and terminal's shifts and reads its
-- store's, as with orders; head office's reader reads them and the
-- roll-up; nobody else sees the roll-up (it sums every store).
ALTER TABLE shifts ENABLE ROW LEVEL SECURITY;
DO $grants$
DECLARE
    t text := current_database() || '_terminal';
    r text := current_database() || '_reader';
    my_store text := '(SELECT m.store_id FROM replica_roles m WHERE m.role_name = current_user AND m.kind = ''terminal'')';
    my_term  text := '(SELECT m.terminal_id FROM replica_roles m WHERE m.role_name = current_user AND m.kind = ''terminal'')';
BEGIN
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (cashier, state, day, opened_at, closed_at, closed_by, handed_from, handed_to, float_fen,
        sale_count, sale_fen, refund_count, refund_fen, cash_in_fen, cash_out_fen, expected_fen, counted, counted_fen, variance_fen,
        record, src_seq) ON shifts TO %I', t);
    EXECUTE format('CREATE POLICY terminal_read ON shifts FOR SELECT TO %I USING (store_id = %s)', t, my_store);
    EXECUTE format('CREATE POLICY terminal_insert ON shifts FOR INSERT TO %I WITH CHECK (store_id = %s AND terminal_id = %s)',
        t, my_store, my_term);
    EXECUTE format('CREATE POLICY terminal_update ON shifts FOR UPDATE TO %I USING (store_id = %s AND terminal_id = %s)
        WITH CHECK (store_id = %s AND terminal_id = %s)', t, my_store, my_term, my_store, my_term);
    EXECUTE format('GRANT SELECT ON shifts, hq_cashier_daily TO %I', r);
    EXECUTE format('CREATE POLICY reader_all ON shifts FOR SELECT TO %I USING (true)', r);
END
$grants$;
