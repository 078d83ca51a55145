-- What was sold: the lines and discounts of every paid sale and the lines
-- of every settled refund, as rows head office can sum by item and by
-- category (wxpos hq report --by item|category) and audit discounts with.
--
-- They are kept by triggers from the replicated records (orders.record,
-- refunds.record hold the lines as sold), in the pushing transaction, the
-- way 0006 keeps the roll-ups: a sale's rows follow its latest record, are
-- there while it is PAID and dated by the Shanghai day it was paid, a
-- refund's while it is SUCCESS and dated by the day it succeeded. The
-- functions run as the admin (SECURITY DEFINER): a terminal writes none of
-- these tables and reads none of them; head office's reader reads them.
--
-- A sale with lines gives one row per line: gross (before the line's own
-- discount), the line's discount, its share of the sale's discount
-- (largest remainder, ties to the earlier line: pricing.Shares) and the
-- net, so a day's nets add up to its sales. A keyed-amount sale (no lines)
-- gives one row, line 0, with no item and no name. The category is the
-- line's as sold, else the head-office catalogue's for its item, else ''.
CREATE TABLE sale_lines (
    out_trade_no       text    NOT NULL,
    line               integer NOT NULL,
    store_id           text    NOT NULL,
    terminal_id        text    NOT NULL,
    day                date    NOT NULL,
    training           boolean NOT NULL,
    item_id            text    NOT NULL,
    barcode            text    NOT NULL,
    name               text    NOT NULL,
    category           text    NOT NULL,
    unit               text    NOT NULL,
    qty                bigint  NOT NULL,
    unit_fen           bigint  NOT NULL,
    gross_fen          bigint  NOT NULL,
    line_discount_fen  bigint  NOT NULL,
    order_discount_fen bigint  NOT NULL,
    net_fen            bigint  NOT NULL,
    PRIMARY KEY (out_trade_no, line)
);
CREATE INDEX sale_lines_day ON sale_lines (day, store_id);

-- Every discount given: on a line (line ≥ 0) or on the whole sale (line
-- -1), with its reason, who gave it and the manager who approved it.
CREATE TABLE sale_discounts (
    out_trade_no text    NOT NULL,
    line         integer NOT NULL,
    store_id     text    NOT NULL,
    terminal_id  text    NOT NULL,
    day          date    NOT NULL,
    training     boolean NOT NULL,
    percent      bigint  NOT NULL,
    amount_fen   bigint  NOT NULL,
    reason       text    NOT NULL,
    given_by     text    NOT NULL,
    approved_by  text    NOT NULL,
    PRIMARY KEY (out_trade_no, line)
);
CREATE INDEX sale_discounts_day ON sale_discounts (day, store_id);

-- A settled refund's lines (the sale's line it gives back, the quantity and
-- the money); a refund by amount gives one row, line -1, with no item. The
-- item and category come from the sale's replicated line; a refund that
-- arrives before its sale is completed when the sale does.
CREATE TABLE refund_lines (
    out_refund_no text    NOT NULL,
    line          integer NOT NULL,
    out_trade_no  text    NOT NULL,
    store_id      text    NOT NULL,
    terminal_id   text    NOT NULL,
    day           date    NOT NULL,
    training      boolean NOT NULL,
    item_id       text    NOT NULL,
    name          text    NOT NULL,
    category      text    NOT NULL,
    unit          text    NOT NULL,
    qty           bigint  NOT NULL,
    amount_fen    bigint  NOT NULL,
    PRIMARY KEY (out_refund_no, line)
);
CREATE INDEX refund_lines_day ON refund_lines (day, store_id);
CREATE INDEX refund_lines_trade ON refund_lines (out_trade_no) WHERE item_id = '' AND line >= 0;

-- hq_line_category is a sold line's category: its own, else the catalogue's.
CREATE FUNCTION hq_line_category(l jsonb) RETURNS text LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT coalesce(NULLIF(l->>'category', ''),
        (SELECT c.item->>'category' FROM catalog_items c WHERE c.id = l->>'item_id' AND l->>'item_id' <> ''), '')
$$;

CREATE FUNCTION hq_lines_add(o orders) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    lines jsonb := coalesce(o.record->'lines', '[]'::jsonb);
    n     integer := jsonb_array_length(coalesce(o.record->'lines', '[]'::jsonb));
    d     date := (o.paid_at AT TIME ZONE 'Asia/Shanghai')::date;
    od    bigint := coalesce((o.record->'discount'->>'amount_fen')::bigint, 0);
    tot   bigint[];
    net   bigint[];
    rem   bigint[];
    sub   bigint := 0;
    given bigint := 0;
    q     bigint;
    best  integer;
    l     jsonb;
    i     integer;
    k     bigint;
BEGIN
    IF n = 0 THEN
        INSERT INTO sale_lines VALUES (o.out_trade_no, 0, o.store_id, o.terminal_id, d, o.training, '', '', '', '', '',
            1, o.amount_fen, o.amount_fen, 0, 0, o.amount_fen);
        RETURN;
    END IF;
    FOR i IN 1..n LOOP
        tot[i] := coalesce((lines->(i-1)->>'total_fen')::bigint, 0);
        net[i] := tot[i];
        rem[i] := 0;
        sub := sub + tot[i];
    END LOOP;
    -- pricing.Shares: the sale's discount over the lines by their totals.
    IF od > 0 AND sub > 0 THEN
        FOR i IN 1..n LOOP
            q := tot[i] * od;
            rem[i] := q % sub;
            net[i] := net[i] - q / sub;
            given := given + q / sub;
        END LOOP;
        FOR k IN 1..(od - given) LOOP
            best := NULL;
            FOR i IN 1..n LOOP
                IF net[i] > 0 AND (best IS NULL OR rem[i] > rem[best]) THEN
                    best := i;
                END IF;
            END LOOP;
            EXIT WHEN best IS NULL;
            net[best] := net[best] - 1;
            rem[best] := -1;
        END LOOP;
    END IF;
    FOR i IN 1..n LOOP
        l := lines->(i-1);
        INSERT INTO sale_lines VALUES (o.out_trade_no, i-1, o.store_id, o.terminal_id, d, o.training,
            coalesce(l->>'item_id', ''), coalesce(l->>'barcode', ''), coalesce(l->>'name', ''), hq_line_category(l),
            coalesce(l->>'unit', ''), coalesce((l->>'qty')::bigint, 0), coalesce((l->>'unit_fen')::bigint, 0),
            tot[i] + coalesce((l->'discount'->>'amount_fen')::bigint, 0), coalesce((l->'discount'->>'amount_fen')::bigint, 0),
            tot[i] - net[i], net[i]);
        IF l->'discount' IS NOT NULL AND jsonb_typeof(l->'discount') = 'object' THEN
            INSERT INTO sale_discounts VALUES (o.out_trade_no, i-1, o.store_id, o.terminal_id, d, o.training,
                coalesce((l->'discount'->>'percent')::bigint, 0), coalesce((l->'discount'->>'amount_fen')::bigint, 0),
                coalesce(l->'discount'->>'reason', ''), coalesce(l->'discount'->>'by', ''), coalesce(l->'discount'->>'approved_by', ''));
        END IF;
    END LOOP;
    IF jsonb_typeof(o.record->'discount') = 'object' THEN
        INSERT INTO sale_discounts VALUES (o.out_trade_no, -1, o.store_id, o.terminal_id, d, o.training,
            coalesce((o.record->'discount'->>'percent')::bigint, 0), od,
            coalesce(o.record->'discount'->>'reason', ''), coalesce(o.record->'discount'->>'by', ''),
            coalesce(o.record->'discount'->>'approved_by', ''));
    END IF;
END
$$;

CREATE FUNCTION hq_refund_lines_add(r refunds) RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    d     date := (r.success_at AT TIME ZONE 'Asia/Shanghai')::date;
    sold  jsonb := (SELECT o.record->'lines' FROM orders o WHERE o.out_trade_no = r.out_trade_no);
    l     jsonb;
    s     jsonb;
BEGIN
    IF jsonb_array_length(coalesce(r.record->'lines', '[]'::jsonb)) = 0 THEN
        INSERT INTO refund_lines VALUES (r.out_refund_no, -1, r.out_trade_no, r.store_id, r.terminal_id, d, r.training,
            '', '', '', '', 0, r.amount_fen);
        RETURN;
    END IF;
    FOR l IN SELECT * FROM jsonb_array_elements(r.record->'lines') LOOP
        s := sold->((l->>'line')::integer);
        INSERT INTO refund_lines VALUES (r.out_refund_no, (l->>'line')::integer, r.out_trade_no, r.store_id, r.terminal_id, d,
            r.training, coalesce(s->>'item_id', ''), coalesce(s->>'name', l->>'name', ''),
            CASE WHEN s IS NULL THEN '' ELSE hq_line_category(s) END, coalesce(l->>'unit', s->>'unit', ''),
            coalesce((l->>'qty')::bigint, 0), coalesce((l->>'amount_fen')::bigint, 0))
        ON CONFLICT (out_refund_no, line) DO UPDATE SET qty = refund_lines.qty + excluded.qty,
            amount_fen = refund_lines.amount_fen + excluded.amount_fen;
    END LOOP;
END
$$;

CREATE FUNCTION hq_orders_lines() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state AND NEW.paid_at IS NOT DISTINCT FROM OLD.paid_at
        AND NEW.training = OLD.training AND NEW.amount_fen = OLD.amount_fen
        AND NEW.record->'lines' IS NOT DISTINCT FROM OLD.record->'lines'
        AND NEW.record->'discount' IS NOT DISTINCT FROM OLD.record->'discount' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM sale_lines WHERE out_trade_no = OLD.out_trade_no;
        DELETE FROM sale_discounts WHERE out_trade_no = OLD.out_trade_no;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'PAID' AND NEW.paid_at IS NOT NULL THEN
        PERFORM hq_lines_add(NEW);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        -- refunds replicated before their sale: their lines' items now
        UPDATE refund_lines rl SET item_id = coalesce(NEW.record->'lines'->rl.line->>'item_id', ''),
            name = coalesce(NEW.record->'lines'->rl.line->>'name', rl.name),
            category = hq_line_category(NEW.record->'lines'->rl.line),
            unit = CASE WHEN rl.unit = '' THEN coalesce(NEW.record->'lines'->rl.line->>'unit', '') ELSE rl.unit END
        WHERE rl.out_trade_no = NEW.out_trade_no AND rl.item_id = '' AND rl.line >= 0
            AND NEW.record->'lines'->rl.line IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION hq_refunds_lines() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.state IS NOT DISTINCT FROM OLD.state AND NEW.success_at IS NOT DISTINCT FROM OLD.success_at
        AND NEW.training = OLD.training AND NEW.amount_fen = OLD.amount_fen AND NEW.out_trade_no = OLD.out_trade_no
        AND NEW.record->'lines' IS NOT DISTINCT FROM OLD.record->'lines' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM refund_lines WHERE out_refund_no = OLD.out_refund_no;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state = 'SUCCESS' AND NEW.success_at IS NOT NULL THEN
        PERFORM hq_refund_lines_add(NEW);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_lines AFTER INSERT OR UPDATE OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION hq_orders_lines();
CREATE TRIGGER refunds_lines AFTER INSERT OR UPDATE OR DELETE ON refunds
    FOR EACH ROW EXECUTE FUNCTION hq_refunds_lines();

-- The sales and refunds already replicated.
DO $fill$
DECLARE
    o orders;
    r refunds;
BEGIN
    FOR o IN SELECT * FROM orders WHERE state = 'PAID' AND paid_at IS NOT NULL LOOP
        PERFORM hq_lines_add(o);
    END LOOP;
    FOR r IN SELECT * FROM refunds WHERE state = 'SUCCESS' AND success_at IS NOT NULL LOOP
        PERFORM hq_refund_lines_add(r);
    END LOOP;
END
$fill$;

REVOKE EXECUTE ON FUNCTION hq_line_category(jsonb), hq_lines_add(orders), hq_refund_lines_add(refunds),
    hq_orders_lines(), hq_refunds_lines() FROM PUBLIC;

-- Head office reads them; nobody else (they hold every store's sales).
DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT ON sale_lines, sale_discounts, refund_lines TO %I', current_database() || '_reader');
END
$grants$;
