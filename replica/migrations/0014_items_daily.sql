-- wxpos hq report --by item|category from daily roll-ups of the lines, so
-- that 30 days read a number of rows that does not grow with the orders.
--
-- Two roll-ups, keyed as the report groups (item, name, category, unit)
-- by the lines' Shanghai day (a sale's the day it was paid, a refund's the
-- day it succeeded) and training:
--   hq_items_daily        per store: hq report --by item --store S
--   hq_items_chain_daily  the chain: hq report --by item
-- Each row holds a day's sales of the key (quantity, lines, gross, the
-- discounts, net) and its returns (quantity, lines, money), as the sums of
-- sale_lines and refund_lines (0007) over the key. A row whose line counts
-- came back to 0 stays, and the report leaves it out. A chain row is the
-- sum of its stores' rows; the chain's 30 days are days × the items the
-- chain sold, whatever the orders and the stores.
--
-- They follow the line tables whatever changes them — a push, a sale or
-- refund changed or removed, hq repair's deletes, a refund completed when
-- its sale arrives, an admin's own statement — through statement-level
-- triggers on sale_lines and refund_lines (transition tables: a
-- statement's rows summed by key, the old ones subtracted), in the same
-- transaction. A statement's sums do not go to the roll-ups at once: they
-- wait, per transaction, in hq_items_pending, and the transaction's
-- commit writes them (a deferred constraint trigger), store rows then
-- chain rows, each in key order. So:
--   - a chain row is locked from the commit's start to its end, not from a
--     push's first line across the round trip the worker's COMMIT takes
--     on a WAN link: every store's pushes write the same chain rows (the
--     day's best sellers), and would otherwise queue behind each other for
--     a round trip each;
--   - two commits lock the rows they share in the same order (one
--     statement per table, sorted), so concurrent pushes cannot deadlock
--     on them, whatever order their lines came in;
--   - a push writes each key once per table, not once per line.
-- The functions run as the admin (SECURITY DEFINER), like 0006's: no
-- terminal writes or reads the roll-ups or the pending sums; head office's
-- reader reads the roll-ups.
CREATE TABLE hq_items_daily (
    store_id       text    NOT NULL,
    day            date    NOT NULL,
    training       boolean NOT NULL,
    item_id        text    NOT NULL,
    name           text    NOT NULL,
    category       text    NOT NULL,
    unit           text    NOT NULL,
    qty            bigint  NOT NULL,
    lines          bigint  NOT NULL,
    gross_fen      bigint  NOT NULL,
    discount_fen   bigint  NOT NULL,
    net_fen        bigint  NOT NULL,
    returned_qty   bigint  NOT NULL,
    returned_lines bigint  NOT NULL,
    returned_fen   bigint  NOT NULL,
    PRIMARY KEY (store_id, day, training, item_id, name, category, unit)
) WITH (fillfactor = 80); -- room on the page for a day's updates (HOT: the key is all that is indexed)
CREATE TABLE hq_items_chain_daily (
    day            date    NOT NULL,
    training       boolean NOT NULL,
    item_id        text    NOT NULL,
    name           text    NOT NULL,
    category       text    NOT NULL,
    unit           text    NOT NULL,
    qty            bigint  NOT NULL,
    lines          bigint  NOT NULL,
    gross_fen      bigint  NOT NULL,
    discount_fen   bigint  NOT NULL,
    net_fen        bigint  NOT NULL,
    returned_qty   bigint  NOT NULL,
    returned_lines bigint  NOT NULL,
    returned_fen   bigint  NOT NULL,
    PRIMARY KEY (day, training, item_id, name, category, unit)
) WITH (fillfactor = 80);

-- A transaction's changes not yet written to the roll-ups (its own rows:
-- none is left at its commit), a row per statement and key, and the one
-- row per transaction whose deferred trigger writes them.
CREATE TABLE hq_items_pending (
    xid            xid8    NOT NULL,
    store_id       text    NOT NULL,
    day            date    NOT NULL,
    training       boolean NOT NULL,
    item_id        text    NOT NULL,
    name           text    NOT NULL,
    category       text    NOT NULL,
    unit           text    NOT NULL,
    qty            bigint  NOT NULL,
    lines          bigint  NOT NULL,
    gross_fen      bigint  NOT NULL,
    discount_fen   bigint  NOT NULL,
    net_fen        bigint  NOT NULL,
    returned_qty   bigint  NOT NULL,
    returned_lines bigint  NOT NULL,
    returned_fen   bigint  NOT NULL
);
CREATE INDEX hq_items_pending_xid ON hq_items_pending (xid);
CREATE TABLE hq_items_flush (xid xid8 PRIMARY KEY);

-- A statement's lines as pending sums: the rows it wrote added, the rows
-- it removed subtracted (an UPDATE both). Each branch is static SQL, so
-- its plan is kept; most statements of a push change one line, and many
-- none (a sale's refunds completed when it arrives: usually there are
-- none), which then costs an empty insert.
CREATE FUNCTION hq_items_sale_lines() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO hq_items_pending
        SELECT pg_current_xact_id(), store_id, day, training, item_id, name, category, unit, sum(qty), count(*), sum(gross_fen),
            sum(line_discount_fen + order_discount_fen), sum(net_fen), 0, 0, 0
        FROM new_rows GROUP BY store_id, day, training, item_id, name, category, unit;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO hq_items_pending
        SELECT pg_current_xact_id(), store_id, day, training, item_id, name, category, unit, -sum(qty), -count(*), -sum(gross_fen),
            -sum(line_discount_fen + order_discount_fen), -sum(net_fen), 0, 0, 0
        FROM old_rows GROUP BY store_id, day, training, item_id, name, category, unit;
    ELSE
        INSERT INTO hq_items_pending
        SELECT pg_current_xact_id(), store_id, day, training, item_id, name, category, unit, sum(s * qty), sum(s), sum(s * gross_fen),
            sum(s * (line_discount_fen + order_discount_fen)), sum(s * net_fen), 0, 0, 0
        FROM (SELECT 1 AS s, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows) x
        GROUP BY store_id, day, training, item_id, name, category, unit;
    END IF;
    IF FOUND THEN
        INSERT INTO hq_items_flush VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE FUNCTION hq_items_refund_lines() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO hq_items_pending
        SELECT pg_current_xact_id(), store_id, day, training, item_id, name, category, unit, 0, 0, 0, 0, 0,
            sum(qty), count(*), sum(amount_fen)
        FROM new_rows GROUP BY store_id, day, training, item_id, name, category, unit;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO hq_items_pending
        SELECT pg_current_xact_id(), store_id, day, training, item_id, name, category, unit, 0, 0, 0, 0, 0,
            -sum(qty), -count(*), -sum(amount_fen)
        FROM old_rows GROUP BY store_id, day, training, item_id, name, category, unit;
    ELSE
        INSERT INTO hq_items_pending
        SELECT pg_current_xact_id(), store_id, day, training, item_id, name, category, unit, 0, 0, 0, 0, 0,
            sum(s * qty), sum(s), sum(s * amount_fen)
        FROM (SELECT 1 AS s, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows) x
        GROUP BY store_id, day, training, item_id, name, category, unit;
    END IF;
    IF FOUND THEN
        INSERT INTO hq_items_flush VALUES (pg_current_xact_id()) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;

-- At the commit: the transaction's pending sums into the store roll-up,
-- then the chain's, each in one statement in key order (see above); sums
-- that cancel out lock nothing.
CREATE FUNCTION hq_items_flush() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me xid8 := pg_current_xact_id();
BEGIN
    DELETE FROM hq_items_flush WHERE xid = me;
    INSERT INTO hq_items_daily AS t
    SELECT * FROM (
        SELECT store_id, day, training, item_id, name, category, unit, sum(qty)::bigint AS qty, sum(lines)::bigint AS lines,
            sum(gross_fen)::bigint AS gross_fen, sum(discount_fen)::bigint AS discount_fen, sum(net_fen)::bigint AS net_fen,
            sum(returned_qty)::bigint AS returned_qty, sum(returned_lines)::bigint AS returned_lines,
            sum(returned_fen)::bigint AS returned_fen
        FROM hq_items_pending WHERE xid = me
        GROUP BY store_id, day, training, item_id, name, category, unit) s
    WHERE (qty, lines, gross_fen, discount_fen, net_fen, returned_qty, returned_lines, returned_fen) <> (0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY store_id, day, training, item_id, name, category, unit
    ON CONFLICT (store_id, day, training, item_id, name, category, unit) DO UPDATE SET
        qty = t.qty + excluded.qty, lines = t.lines + excluded.lines, gross_fen = t.gross_fen + excluded.gross_fen,
        discount_fen = t.discount_fen + excluded.discount_fen, net_fen = t.net_fen + excluded.net_fen,
        returned_qty = t.returned_qty + excluded.returned_qty, returned_lines = t.returned_lines + excluded.returned_lines,
        returned_fen = t.returned_fen + excluded.returned_fen;
    INSERT INTO hq_items_chain_daily AS t
    SELECT * FROM (
        SELECT day, training, item_id, name, category, unit, sum(qty)::bigint AS qty, sum(lines)::bigint AS lines,
            sum(gross_fen)::bigint AS gross_fen, sum(discount_fen)::bigint AS discount_fen, sum(net_fen)::bigint AS net_fen,
            sum(returned_qty)::bigint AS returned_qty, sum(returned_lines)::bigint AS returned_lines,
            sum(returned_fen)::bigint AS returned_fen
        FROM hq_items_pending WHERE xid = me
        GROUP BY day, training, item_id, name, category, unit) s
    WHERE (qty, lines, gross_fen, discount_fen, net_fen, returned_qty, returned_lines, returned_fen) <> (0, 0, 0, 0, 0, 0, 0, 0)
    ORDER BY day, training, item_id, name, category, unit
    ON CONFLICT (day, training, item_id, name, category, unit) DO UPDATE SET
        qty = t.qty + excluded.qty, lines = t.lines + excluded.lines, gross_fen = t.gross_fen + excluded.gross_fen,
        discount_fen = t.discount_fen + excluded.discount_fen, net_fen = t.net_fen + excluded.net_fen,
        returned_qty = t.returned_qty + excluded.returned_qty, returned_lines = t.returned_lines + excluded.returned_lines,
        returned_fen = t.returned_fen + excluded.returned_fen;
    DELETE FROM hq_items_pending WHERE xid = me;
    RETURN NULL;
END
$$;

-- A TRUNCATE fires no row's trigger: it would leave the roll-ups behind.
CREATE FUNCTION hq_items_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'TRUNCATE %: hq_items_daily and hq_items_chain_daily sum its rows; DELETE them instead', TG_TABLE_NAME;
END
$$;

CREATE TRIGGER items_insert AFTER INSERT ON sale_lines REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hq_items_sale_lines();
CREATE TRIGGER items_update AFTER UPDATE ON sale_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hq_items_sale_lines();
CREATE TRIGGER items_delete AFTER DELETE ON sale_lines REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hq_items_sale_lines();
CREATE TRIGGER items_truncate BEFORE TRUNCATE ON sale_lines FOR EACH STATEMENT EXECUTE FUNCTION hq_items_no_truncate();
CREATE TRIGGER items_insert AFTER INSERT ON refund_lines REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hq_items_refund_lines();
CREATE TRIGGER items_update AFTER UPDATE ON refund_lines REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hq_items_refund_lines();
CREATE TRIGGER items_delete AFTER DELETE ON refund_lines REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION hq_items_refund_lines();
CREATE TRIGGER items_truncate BEFORE TRUNCATE ON refund_lines FOR EACH STATEMENT EXECUTE FUNCTION hq_items_no_truncate();
CREATE CONSTRAINT TRIGGER items_flush AFTER INSERT ON hq_items_flush DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION hq_items_flush();

-- The lines already replicated (the triggers above hold the line tables
-- until this commits).
INSERT INTO hq_items_daily
SELECT store_id, day, training, item_id, name, category, unit, sum(qty), sum(lines), sum(gross_fen), sum(discount_fen), sum(net_fen),
    sum(returned_qty), sum(returned_lines), sum(returned_fen)
FROM (
    SELECT store_id, day, training, item_id, name, category, unit, qty, 1 AS lines, gross_fen,
        line_discount_fen + order_discount_fen AS discount_fen, net_fen, 0 AS returned_qty, 0 AS returned_lines, 0 AS returned_fen
    FROM sale_lines
    UNION ALL
    SELECT store_id, day, training, item_id, name, category, unit, 0, 0, 0, 0, 0, qty, 1, amount_fen
    FROM refund_lines) x
GROUP BY store_id, day, training, item_id, name, category, unit;
INSERT INTO hq_items_chain_daily
SELECT day, training, item_id, name, category, unit, sum(qty), sum(lines), sum(gross_fen), sum(discount_fen), sum(net_fen),
    sum(returned_qty), sum(returned_lines), sum(returned_fen)
FROM hq_items_daily GROUP BY day, training, item_id, name, category, unit;

-- The report no longer reads the lines: 0011's covering indexes (every
-- column it summed, written with each line) go, and the lines keep 0007's
-- plain index by day and store for whoever reads them by day.
DROP INDEX sale_lines_report;
CREATE INDEX sale_lines_day ON sale_lines (day, store_id);
DROP INDEX refund_lines_report;
CREATE INDEX refund_lines_day ON refund_lines (day, store_id);

REVOKE EXECUTE ON FUNCTION hq_items_sale_lines(), hq_items_refund_lines(), hq_items_flush(), hq_items_no_truncate() FROM PUBLIC;

-- Head office reads the roll-ups; nobody else (they sum every store).
DO $grants$
BEGIN
    EXECUTE format('GRANT SELECT ON hq_items_daily, hq_items_chain_daily TO %I', current_database() || '_reader');
END
$grants$;
