-- Projections: the latest known record of every order and refund, upserted
-- from the terminals' databases as their events replicate. src_seq is the
-- terminal's event sequence the snapshot was taken at; an older snapshot
-- never overwrites a newer one. record keeps the whole stored record
-- (minus the keyed payment-code hash) for lookups.
CREATE TABLE orders (
    out_trade_no   text        PRIMARY KEY,
    store_id       text        NOT NULL,
    terminal_id    text        NOT NULL,
    tender         text        NOT NULL,
    state          text        NOT NULL,
    amount_fen     bigint      NOT NULL CHECK (amount_fen >= 0),
    transaction_id text        NOT NULL DEFAULT '',
    cashier        text        NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    paid_at        timestamptz,
    training       boolean     NOT NULL DEFAULT false,
    record         jsonb       NOT NULL,
    src_seq        bigint      NOT NULL
);
CREATE INDEX orders_paid_at ON orders (paid_at) WHERE state = 'PAID';
CREATE INDEX orders_open ON orders (created_at) WHERE state NOT IN ('PAID', 'FAILED', 'REVERSED', 'CLOSED');
CREATE INDEX orders_terminal ON orders (store_id, terminal_id);

CREATE TABLE refunds (
    out_refund_no text        PRIMARY KEY,
    out_trade_no  text        NOT NULL,
    store_id      text        NOT NULL,
    terminal_id   text        NOT NULL,
    state         text        NOT NULL,
    amount_fen    bigint      NOT NULL CHECK (amount_fen >= 0),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    success_at    timestamptz,
    training      boolean     NOT NULL DEFAULT false,
    record        jsonb       NOT NULL,
    src_seq       bigint      NOT NULL
);
CREATE INDEX refunds_trade ON refunds (out_trade_no);
CREATE INDEX refunds_success_at ON refunds (success_at) WHERE state = 'SUCCESS';
CREATE INDEX refunds_open ON refunds (created_at) WHERE state NOT IN ('SUCCESS', 'CLOSED');
