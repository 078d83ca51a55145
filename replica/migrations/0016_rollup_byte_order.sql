-- hq report's money lines come out of the roll-ups in the order the report
-- lists them, with nothing to sort.
--
-- The report lists its lines by day, store, terminal and tender in byte
-- order (Go's string order, the same on every server). The roll-ups'
-- primary keys (0006) ordered the text columns by the database's collation
-- (en_US.UTF-8, say, where "s2" sorts before "S3"), so the report read each
-- roll-up in key order and then sorted 90 000 lines of a 30-day chain
-- report again — in Go, or in PostgreSQL under a COLLATE "C" that no index
-- had (an external sort on disk at the default work_mem). Keyed in "C",
-- the two roll-ups' primary keys are already in the report's order: a
-- merge of the two index scans yields its lines in order. Equality is the
-- same in every deterministic collation, so no row changes key.
ALTER TABLE hq_sales_daily
    ALTER COLUMN store_id TYPE text COLLATE "C",
    ALTER COLUMN terminal_id TYPE text COLLATE "C",
    ALTER COLUMN tender TYPE text COLLATE "C";
ALTER TABLE hq_refunds_daily
    ALTER COLUMN store_id TYPE text COLLATE "C",
    ALTER COLUMN terminal_id TYPE text COLLATE "C",
    ALTER COLUMN tender TYPE text COLLATE "C";
-- The rewrite dropped the columns' statistics: gather them again before
-- the first report plans on none.
ANALYZE hq_sales_daily;
ANALYZE hq_refunds_daily;
