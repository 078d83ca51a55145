-- notifications_head is the highest notification seq committed as the
-- calling statement sees it: how far a terminal's worker may move its
-- cursor past notifications that are not its own, which row-level security
-- hides from it (another store's), so that its next pull reads only what
-- came since instead of every notification of the chain since its own
-- last one.
--
-- STABLE, so it reads with the calling statement's snapshot: every row up
-- to the seq it returns was committed (or rolled back) before that
-- snapshot, because the writers take notifyLock before they draw a seq
-- (0003: one writer at a time, seq in commit order), so the worker's pull
-- in the same statement has seen each of its own rows up to there. It
-- tells a terminal only how many notifications the chain has had.
CREATE FUNCTION notifications_head() RETURNS bigint LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = public, pg_temp AS $$
    SELECT coalesce(max(seq), 0) FROM notifications
$$;
REVOKE EXECUTE ON FUNCTION notifications_head() FROM PUBLIC;

DO $grants$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION notifications_head() TO %I, %I',
        current_database() || '_terminal', current_database() || '_reader');
END
$grants$;
