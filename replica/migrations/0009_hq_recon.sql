-- hq report's reconciliation lines, read by the day: a terminal's runs of
-- the days in range in the order the report lists them (the newest run of
-- a day first), and the resolutions naming a day in range. Before, the
-- report read every recon.run event of the chain's history and probed the
-- events once per run.
CREATE INDEX events_recon_run ON events (ref, store_id, terminal_id, seq DESC) WHERE kind = 'recon.run';
CREATE INDEX events_recon_resolve_day ON events ((data->>'day'), store_id, terminal_id, seq)
    WHERE kind = 'recon.resolve' AND jsonb_typeof(data) = 'object';
