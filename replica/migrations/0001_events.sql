-- The replicated audit trail: every terminal's append-only events, keyed by
-- the terminal and its own event sequence. Rows are only ever inserted.
CREATE TABLE events (
    store_id      text        NOT NULL,
    terminal_id   text        NOT NULL,
    seq           bigint      NOT NULL CHECK (seq > 0),
    at            timestamptz NOT NULL,
    kind          text        NOT NULL,
    ref           text        NOT NULL DEFAULT '',
    actor         text        NOT NULL DEFAULT '',
    from_state    text        NOT NULL DEFAULT '',
    to_state      text        NOT NULL DEFAULT '',
    reason        text        NOT NULL DEFAULT '',
    data          jsonb,
    digest        bytea       NOT NULL,
    replicated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id, seq)
);
CREATE INDEX events_ref ON events (ref) WHERE ref <> '';
CREATE INDEX events_kind_at ON events (kind, at);

-- One row per terminal: how far it has replicated and how far behind it
-- was at its last push (for the head-office view of lag).
CREATE TABLE terminals (
    store_id          text        NOT NULL,
    terminal_id       text        NOT NULL,
    pushed_seq        bigint      NOT NULL DEFAULT 0,
    local_seq         bigint      NOT NULL DEFAULT 0,
    oldest_pending_at timestamptz,
    last_push_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (store_id, terminal_id)
);
