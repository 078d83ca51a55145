-- hq report's reconciliation lines from the index alone.
--
-- 0009's events_recon_run finds a day's recon.run events, but each one then
-- costs a visit to its block of events: one run per terminal and day lies
-- among that day's sales, so a 30-day chain report of 500 stores read
-- ~21 000 blocks of events (1.85 s of its 2 s at load 8 on a generated
-- year: 1.1M orders, 2.6M events). Carrying at and data (the run's counts,
-- a few dozen bytes) in the index lets it be an Index Only Scan: events
-- are insert-only, so the visibility map autovacuum keeps covers them.
DROP INDEX events_recon_run;
CREATE INDEX events_recon_run ON events (ref, store_id, terminal_id, seq DESC) INCLUDE (at, data)
    WHERE kind = 'recon.run';
