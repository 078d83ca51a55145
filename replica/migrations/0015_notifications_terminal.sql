-- Each notification names the store and terminal that minted the number
-- it is about (pos.NumberPrefix: "P" or "R", store, "-", terminal, "-", …;
-- store and terminal IDs are letters and digits, so neither holds the
-- separator): a payment's sale number, a refund's refund number. NULL for a
-- number no terminal of ours minted. The columns fill themselves, for the
-- rows already recorded too.
ALTER TABLE notifications
    ADD COLUMN minted_store text GENERATED ALWAYS AS (CASE kind
        WHEN 'pay' THEN substring(out_trade_no FROM '^P([A-Za-z0-9]+)-[A-Za-z0-9]+-')
        ELSE substring(out_refund_no FROM '^R([A-Za-z0-9]+)-[A-Za-z0-9]+-') END) STORED,
    ADD COLUMN minted_terminal text GENERATED ALWAYS AS (CASE kind
        WHEN 'pay' THEN substring(out_trade_no FROM '^P[A-Za-z0-9]+-([A-Za-z0-9]+)-')
        ELSE substring(out_refund_no FROM '^R[A-Za-z0-9]+-([A-Za-z0-9]+)-') END) STORED;

-- A terminal's pull (replica.pullSince) is a range of this index: its own
-- notifications after its cursor, however many the other stores have.
CREATE INDEX notifications_minted ON notifications (minted_store, minted_terminal, seq);

-- A terminal reads the notifications about its store's numbers, now by
-- the same columns (0005 matched the numbers with LIKE; a row it could
-- read then and cannot now is one whose own number is not its store's —
-- a refund of its store's sale made by another store — which no terminal
-- of ours records).
DO $policy$
BEGIN
    EXECUTE 'DROP POLICY terminal_read ON notifications';
    EXECUTE format($p$CREATE POLICY terminal_read ON notifications FOR SELECT TO %I
        USING (minted_store = (SELECT m.store_id FROM replica_roles m WHERE m.role_name = current_user AND m.kind = 'terminal'))$p$,
        current_database() || '_terminal');
END
$policy$;

-- 0012's notifications_head told every terminal the chain's highest
-- notification seq — how many payments and refunds all the stores have had.
-- The pull above needs no chain-wide position, so nothing tells it any more.
DROP FUNCTION notifications_head();
