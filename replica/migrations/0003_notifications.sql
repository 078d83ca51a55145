-- WeChat Pay's payment and refund notifications for the whole chain, as
-- the receiver (wxpos notify serve with the store's PostgreSQL) recorded
-- them: verified, decrypted, our merchant's; each a hint that the terminal
-- which made the order confirms by query. seq orders them for consumers
-- (inserts are serialised, so seq is also commit order); id and dedupe_key
-- (kind/number/state) keep a retry or a replay from being recorded twice.
CREATE TABLE notifications (
    seq            bigserial   PRIMARY KEY,
    id             text        NOT NULL UNIQUE,
    dedupe_key     text        NOT NULL UNIQUE,
    api            text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('pay', 'refund')),
    event          text        NOT NULL DEFAULT '',
    mchid          text        NOT NULL,
    out_trade_no   text        NOT NULL DEFAULT '',
    out_refund_no  text        NOT NULL DEFAULT '',
    transaction_id text        NOT NULL DEFAULT '',
    refund_id      text        NOT NULL DEFAULT '',
    state          text        NOT NULL,
    total_fen      bigint      NOT NULL DEFAULT 0,
    refund_fen     bigint      NOT NULL DEFAULT 0,
    attach         text        NOT NULL DEFAULT '',
    success_time   timestamptz,
    received       timestamptz NOT NULL
);
CREATE INDEX notifications_trade ON notifications (out_trade_no);
CREATE INDEX notifications_refund ON notifications (out_refund_no) WHERE out_refund_no <> '';

-- Deliveries the receiver refused (tampered, stale, foreign, malformed),
-- for the operator; the newest MaxRefusals are kept.
CREATE TABLE notification_refusals (
    seq      bigserial   PRIMARY KEY,
    api      text        NOT NULL,
    id       text        NOT NULL DEFAULT '',
    reason   text        NOT NULL,
    detail   text        NOT NULL,
    status   integer     NOT NULL,
    remote   text        NOT NULL DEFAULT '',
    received timestamptz NOT NULL
);

-- Each consumer's position in notifications (its last seq handled): a
-- terminal's replication worker ("terminal:S01/T01"), HQ tools.
CREATE TABLE notify_cursors (
    consumer text   PRIMARY KEY,
    seq      bigint NOT NULL
);
