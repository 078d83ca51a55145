-- Trust between stores. The admin role that runs the migrations owns every
-- table (an owner is not subject to row-level security); nobody else does.
-- Three group roles per database, named after it so that several chains
-- can share one server, carry the privileges:
--   <db>_terminal  a terminal's login (wxpos hq enrol STORE TERMINAL): it
--                  inserts its own events and upserts its own orders,
--                  refunds, position and notification cursor; it reads its
--                  store's orders, refunds and events (a refund at another
--                  counter of the store) and the catalogue; nothing of
--                  another store, and it never updates or deletes an event.
--   <db>_reader    head office's reports (wxpos hq enrol --reader NAME):
--                  reads everything, writes nothing.
--   <db>_receiver  the notification receiver (wxpos hq enrol --receiver
--                  NAME): records WeChat's notifications and refusals.
-- replica_roles maps each login to what it is; the policies bind a
-- terminal's rows to its store and terminal through it (current_user).
CREATE TABLE replica_roles (
    role_name   text        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('terminal', 'reader', 'receiver')),
    store_id    text        NOT NULL DEFAULT '',
    terminal_id text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'terminal') = (store_id <> '' AND terminal_id <> ''))
);
CREATE UNIQUE INDEX replica_roles_terminal ON replica_roles (store_id, terminal_id) WHERE kind = 'terminal';

ALTER TABLE replica_roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
ALTER TABLE terminals ENABLE ROW LEVEL SECURITY;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
ALTER TABLE refunds ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notification_refusals ENABLE ROW LEVEL SECURITY;
ALTER TABLE notify_cursors ENABLE ROW LEVEL SECURITY;

DO $roles$
DECLARE
    t text := current_database() || '_terminal';
    r text := current_database() || '_reader';
    n text := current_database() || '_receiver';
    g text;
    -- The calling terminal's store and terminal (NULL for any other role).
    my_store text := '(SELECT m.store_id FROM replica_roles m WHERE m.role_name = current_user AND m.kind = ''terminal'')';
    my_term  text := '(SELECT m.terminal_id FROM replica_roles m WHERE m.role_name = current_user AND m.kind = ''terminal'')';
BEGIN
    IF length(current_database()) > 40 THEN
        RAISE EXCEPTION 'database name % is longer than 40 characters: role names are made from it', current_database();
    END IF;
    FOREACH g IN ARRAY ARRAY[t, r, n] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
        EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), g);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', g);
        EXECUTE format('GRANT SELECT ON schema_migrations, replica_roles TO %I', g);
        EXECUTE format('CREATE POLICY %I ON replica_roles FOR SELECT TO %I USING (role_name = current_user)', 'own_' || g, g);
    END LOOP;
    -- Only the groups connect; a login of another database's chain does not.
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM PUBLIC', current_database());

    -- Terminal: insert-only events of its own; its store's readable.
    EXECUTE format('GRANT SELECT, INSERT ON events TO %I', t);
    EXECUTE format('CREATE POLICY terminal_read ON events FOR SELECT TO %I USING (store_id = %s)', t, my_store);
    EXECUTE format('CREATE POLICY terminal_insert ON events FOR INSERT TO %I WITH CHECK (store_id = %s AND terminal_id = %s)', t, my_store, my_term);
    -- Its own position.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (pushed_seq, local_seq, oldest_pending_at, last_push_at) ON terminals TO %I', t);
    EXECUTE format('CREATE POLICY terminal_own ON terminals TO %I USING (store_id = %s AND terminal_id = %s) WITH CHECK (store_id = %s AND terminal_id = %s)',
        t, my_store, my_term, my_store, my_term);
    -- Projections: its store's readable; written only for numbers it minted
    -- (pos.NumberPrefix: P or R, store, terminal), so no terminal can take
    -- another's number first and block its upsert.
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (tender, state, amount_fen, transaction_id, cashier, created_at, updated_at, paid_at, training, record, src_seq) ON orders TO %I', t);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (out_trade_no, state, amount_fen, created_at, updated_at, success_at, training, record, src_seq) ON refunds TO %I', t);
    EXECUTE format('CREATE POLICY terminal_read ON orders FOR SELECT TO %I USING (store_id = %s)', t, my_store);
    EXECUTE format('CREATE POLICY terminal_read ON refunds FOR SELECT TO %I USING (store_id = %s)', t, my_store);
    EXECUTE format($p$CREATE POLICY terminal_insert ON orders FOR INSERT TO %I WITH CHECK (store_id = %s AND terminal_id = %s
        AND out_trade_no LIKE 'P' || store_id || '-' || terminal_id || '-%%')$p$, t, my_store, my_term);
    EXECUTE format($p$CREATE POLICY terminal_insert ON refunds FOR INSERT TO %I WITH CHECK (store_id = %s AND terminal_id = %s
        AND out_refund_no LIKE 'R' || store_id || '-' || terminal_id || '-%%')$p$, t, my_store, my_term);
    EXECUTE format('CREATE POLICY terminal_update ON orders FOR UPDATE TO %I USING (store_id = %s AND terminal_id = %s)', t, my_store, my_term);
    EXECUTE format('CREATE POLICY terminal_update ON refunds FOR UPDATE TO %I USING (store_id = %s AND terminal_id = %s)', t, my_store, my_term);
    -- Notifications about its store's numbers, and its own cursor.
    EXECUTE format('GRANT SELECT ON notifications TO %I', t);
    EXECUTE format($p$CREATE POLICY terminal_read ON notifications FOR SELECT TO %I
        USING (out_trade_no LIKE 'P' || %s || '-%%' OR out_refund_no LIKE 'R' || %s || '-%%')$p$, t, my_store, my_store);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE (seq) ON notify_cursors TO %I', t);
    EXECUTE format($p$CREATE POLICY terminal_own ON notify_cursors TO %I
        USING (consumer = 'terminal:' || %s || '/' || %s) WITH CHECK (consumer = 'terminal:' || %s || '/' || %s)$p$,
        t, my_store, my_term, my_store, my_term);
    -- The catalogue: head office writes it (admin), every terminal reads it.
    EXECUTE format('GRANT SELECT ON catalog_categories, catalog_items TO %I', t);

    -- Reader: everything, read-only.
    EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', r);
    FOREACH g IN ARRAY ARRAY['events', 'terminals', 'orders', 'refunds', 'notifications', 'notification_refusals', 'notify_cursors'] LOOP
        EXECUTE format('CREATE POLICY reader_all ON %I FOR SELECT TO %I USING (true)', g, r);
    END LOOP;
    EXECUTE format('CREATE POLICY reader_all ON replica_roles FOR SELECT TO %I USING (true)', r);

    -- Receiver: records notifications and refusals (keeping the newest).
    EXECUTE format('GRANT SELECT, INSERT ON notifications TO %I', n);
    EXECUTE format('GRANT SELECT, INSERT, DELETE ON notification_refusals TO %I', n);
    EXECUTE format('GRANT USAGE ON SEQUENCE notifications_seq_seq, notification_refusals_seq_seq TO %I', n);
    EXECUTE format('CREATE POLICY receiver_all ON notifications TO %I USING (true) WITH CHECK (true)', n);
    EXECUTE format('CREATE POLICY receiver_all ON notification_refusals TO %I USING (true) WITH CHECK (true)', n);
END
$roles$;
