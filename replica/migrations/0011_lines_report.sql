-- wxpos hq report --by item|category reads only the days asked for, and
-- from the index alone.
--
-- 0007 indexed sale_lines and refund_lines by (day, store_id), but the
-- report then visits each matching row in the table: over 30 days of a
-- quarter's history (a third of the rows) PostgreSQL rightly preferred to
-- read the whole table (Seq Scan on sale_lines in BenchmarkHQ), and on a
-- year it reads 30 days' rows scattered among every line's other columns.
-- These indexes carry the columns the report groups and sums (INCLUDE), so
-- its plan is an Index Only Scan of the days asked for — the chain's, or
-- one store's — whatever the history's length. They replace 0007's, whose
-- every use (the report; nothing else reads by day) they serve.
DROP INDEX sale_lines_day;
CREATE INDEX sale_lines_report ON sale_lines (day, store_id)
    INCLUDE (training, item_id, name, category, unit, qty, gross_fen, line_discount_fen, order_discount_fen, net_fen);

DROP INDEX refund_lines_day;
CREATE INDEX refund_lines_report ON refund_lines (day, store_id)
    INCLUDE (training, item_id, name, category, unit, qty, amount_fen);
