-- Head-office queries that read what they answer, not all history.
--
-- The functions below run as their owner, the admin (SECURITY DEFINER):
-- a terminal's push or the receiver's insert fires them, and they keep
-- tables those roles may not write or see whole (the roll-ups, the
-- pending flag), reading the sale's tender across stores.
--
-- A refund counts under its sale's tender. The refunding terminal knows it
-- (its own sale, or the one it adopted), so the row carries it. From an
-- older wxpos it comes NULL and is filled when the row is written: the
-- replicated sale's tender, else 'unknown' — fixed then, as the report's
-- roll-up counts it.
ALTER TABLE refunds ADD COLUMN tender text;
UPDATE refunds r SET tender = coalesce((SELECT o.tender FROM orders o WHERE o.out_trade_no = r.out_trade_no), 'unknown');
ALTER TABLE refunds ALTER COLUMN tender SET NOT NULL;

CREATE FUNCTION refunds_fill_tender() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NEW.tender IS NULL THEN
        NEW.tender := coalesce((SELECT o.tender FROM orders o WHERE o.out_trade_no = NEW.out_trade_no), 'unknown');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER refunds_fill_tender BEFORE INSERT OR UPDATE ON refunds
    FOR EACH ROW EXECUTE FUNCTION refunds_fill_tender();

-- hq reconcile: a day's orders and refunds by creation time, of the chain
-- or of one store.
CREATE INDEX orders_created_at ON orders (created_at);
CREATE INDEX orders_store_created_at ON orders (store_id, created_at);
CREATE INDEX refunds_created_at ON refunds (created_at);
CREATE INDEX refunds_store_created_at ON refunds (store_id, created_at);
-- hq report: what WeChat announced that no terminal has replicated. A
-- notification is pending from its arrival until its order or refund is
-- replicated (the triggers below clear it), so the report reads only the
-- few pending ones, by the time it uses, and checks each against the
-- projections (a push and a notification committed at the same instant
-- may leave one pending that is not).
ALTER TABLE notifications ADD COLUMN pending boolean NOT NULL DEFAULT false;
UPDATE notifications n SET pending = true
WHERE CASE WHEN n.kind = 'pay' THEN NOT EXISTS (SELECT 1 FROM orders o WHERE o.out_trade_no = n.out_trade_no)
    ELSE NOT EXISTS (SELECT 1 FROM refunds r WHERE r.out_refund_no = n.out_refund_no) END;
CREATE INDEX notifications_pending_at ON notifications ((coalesce(success_time, received))) WHERE pending;

CREATE FUNCTION notifications_pending() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    NEW.pending := CASE WHEN NEW.kind = 'pay' THEN NOT EXISTS (SELECT 1 FROM orders o WHERE o.out_trade_no = NEW.out_trade_no)
        ELSE NOT EXISTS (SELECT 1 FROM refunds r WHERE r.out_refund_no = NEW.out_refund_no) END;
    RETURN NEW;
END
$$;
CREATE TRIGGER notifications_pending BEFORE INSERT ON notifications
    FOR EACH ROW EXECUTE FUNCTION notifications_pending();
-- hq report: the resolutions after a terminal's reconciliation run.
CREATE INDEX events_recon_resolve ON events (store_id, terminal_id, seq) WHERE kind = 'recon.resolve';

-- Daily roll-ups of the report's money, kept by triggers in the same
-- transaction as the projection rows they sum (so at push time, whatever
-- writes the rows), keyed as the report's lines: the Shanghai business day
-- a sale was paid or a refund succeeded, store, terminal, the sale's
-- tender, training. A row whose count came back to 0 stays, and the report
-- leaves it out.
CREATE TABLE hq_sales_daily (
    day         date    NOT NULL,
    store_id    text    NOT NULL,
    terminal_id text    NOT NULL,
    tender      text    NOT NULL,
    training    boolean NOT NULL,
    sale_count  bigint  NOT NULL,
    sale_fen    bigint  NOT NULL,
    PRIMARY KEY (day, store_id, terminal_id, tender, training)
);
CREATE TABLE hq_refunds_daily (
    day          date    NOT NULL,
    store_id     text    NOT NULL,
    terminal_id  text    NOT NULL,
    tender       text    NOT NULL,
    training     boolean NOT NULL,
    refund_count bigint  NOT NULL,
    refund_fen   bigint  NOT NULL,
    PRIMARY KEY (day, store_id, terminal_id, tender, training)
);

CREATE FUNCTION hq_sales_add(o orders, sign integer) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO hq_sales_daily VALUES ((o.paid_at AT TIME ZONE 'Asia/Shanghai')::date, o.store_id, o.terminal_id,
        o.tender, o.training, sign, sign * o.amount_fen)
    ON CONFLICT (day, store_id, terminal_id, tender, training) DO UPDATE SET
        sale_count = hq_sales_daily.sale_count + excluded.sale_count, sale_fen = hq_sales_daily.sale_fen + excluded.sale_fen
$$;

CREATE FUNCTION hq_refunds_add(r refunds, sign integer) RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO hq_refunds_daily VALUES ((r.success_at AT TIME ZONE 'Asia/Shanghai')::date, r.store_id, r.terminal_id,
        r.tender, r.training, sign, sign * r.amount_fen)
    ON CONFLICT (day, store_id, terminal_id, tender, training) DO UPDATE SET
        refund_count = hq_refunds_daily.refund_count + excluded.refund_count,
        refund_fen = hq_refunds_daily.refund_fen + excluded.refund_fen
$$;

CREATE FUNCTION hq_orders_rollup() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state = 'PAID' AND OLD.paid_at IS NOT NULL THEN
        PERFORM hq_sales_add(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'PAID' AND NEW.paid_at IS NOT NULL THEN
        PERFORM hq_sales_add(NEW, 1);
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE notifications SET pending = false WHERE pending AND kind = 'pay' AND out_trade_no = NEW.out_trade_no;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION hq_refunds_rollup() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state = 'SUCCESS' AND OLD.success_at IS NOT NULL THEN
        PERFORM hq_refunds_add(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'SUCCESS' AND NEW.success_at IS NOT NULL THEN
        PERFORM hq_refunds_add(NEW, 1);
    END IF;
    IF TG_OP = 'INSERT' THEN
        UPDATE notifications SET pending = false
        WHERE pending AND kind = 'refund' AND out_refund_no = NEW.out_refund_no AND out_refund_no <> '';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_rollup AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION hq_orders_rollup();
CREATE TRIGGER refunds_rollup AFTER INSERT OR UPDATE OR DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION hq_refunds_rollup();

INSERT INTO hq_sales_daily
SELECT (paid_at AT TIME ZONE 'Asia/Shanghai')::date, store_id, terminal_id, tender, training, count(*), sum(amount_fen)
FROM orders WHERE state = 'PAID' AND paid_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
INSERT INTO hq_refunds_daily
SELECT (r.success_at AT TIME ZONE 'Asia/Shanghai')::date, r.store_id, r.terminal_id, r.tender, r.training,
    count(*), sum(r.amount_fen)
FROM refunds r WHERE r.state = 'SUCCESS' AND r.success_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5;

-- Functions run as the admin are the admin's alone: no role may call
-- hq_sales_add to write figures of its own into the roll-ups.
REVOKE EXECUTE ON FUNCTION hq_sales_add(orders, integer), hq_refunds_add(refunds, integer), refunds_fill_tender(),
    notifications_pending(), hq_orders_rollup(), hq_refunds_rollup() FROM PUBLIC;

-- Head office reads the roll-ups; a terminal writes a refund's tender.
-- Nobody else sees the roll-ups: they sum every store.
DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT ON hq_sales_daily, hq_refunds_daily TO %I', current_database() || '_reader');
    EXECUTE format('GRANT UPDATE (tender) ON refunds TO %I', current_database() || '_terminal');
END
$grants$;
