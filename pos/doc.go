// Package pos is the payment core of the terminal: sales, tenders (WeChat
// scan, WeChat QR, cash), the payment and refund state machines of
// docs/DESIGN.md §4, the recovery worker, the outbox, receipts and the event
// stream the UI renders. It knows nothing of Fyne or HTTP: WeChat is a
// Gateway (package paygate adapts the wechat client, postest fakes it) and
// persistence is a Store (package posstore puts it on package storage, so
// pos itself links no database and the window can use its values).
//
// # How a payment survives anything
//
// Every state change goes through one function (Terminal.move): it checks
// the flow's table (ScanTable, QRTable, CashTable, RefundTable; BillTable
// for the corrections a manager records from the WeChat bill), then
// writes the order record, an audit event, the open index, the outbox entry
// and, on PAID, the receipt in one bbolt transaction — and only then does
// the caller make the network call the new state announces. The
// out_trade_no / out_refund_no is minted from a persistent sequence before
// any call and reused on every retry, which is what makes retries
// idempotent (see Numbers below). After a crash the
// recovery worker (Terminal.Start; Terminal.Recover for `wxpos recover`)
// resumes each open order from its last written state: SUBMITTING and
// CREATING become UNKNOWN, UNKNOWN is queried before anything else, a
// queued reverse/close/refund is resent with backoff. A Gateway error is
// "outcome unknown" unless it is a *DeclineError or ErrOrderNotExist /
// ErrOrderPaid, so a surprise can only make the core ask again, never
// conclude.
//
// # Using it
//
//	t, _ := pos.New(posstore.New(db), gateway, pos.Config{StoreID: "S01", TerminalID: "T01"})
//	t.Start(ctx)                                // recovery worker
//	events := t.Subscribe(ctx)                  // state changes for the screen
//	p, err := t.BeginScan(ctx, sale, code)      // or BeginQR, PayCash
//	p.Cancel()                                  // cashier: reverse / close
//	o, err := p.Wait(ctx)                       // PAID, FAILED, REVERSED, CLOSED, UNKNOWN, or a queued REVERSING/CLOSING
//	r, err := t.Refund(ctx, pos.RefundOrder{…}) // manager-approved
//	os, err := t.Unacknowledged()               // outcomes settled while nobody watched (a QR paid while the app was down)
//	t.Acknowledge(no, cashier)                  // the screen has shown one: audited, durable
//
// Amounts are int64 fen; ParseYuan/FormatYuan convert exactly.
//
// # States: one type, named once
//
// The payment and refund states are named in package state, a leaf below
// both pos and storage: storage cannot import pos, yet its records must
// carry the typed state. storage.Order.State is a state.Order and
// storage.Refund.State a state.Refund; State and RefundState here are
// aliases of them (StatePaid is state.Paid), so a state is typed from the
// disk to the screen (ui.State is the same alias) and never converted on
// the way. pos owns what the states mean: the transition tables of
// state.go and the one function that moves along them. A state spelled as
// a string anywhere but package state fails storage's
// TestStatesSpelledOnce; the head office's SQL spells them from the same
// constants (replica.sqlStates).
//
// # Numbers
//
// An out_trade_no is "P<store>-<terminal>-<epoch>-<sequence>", an
// out_refund_no the same with "R", e.g. "PS01-T01-K7QZ2M-00000042": store
// and terminal ids of 1–6 letters or digits, the database's epoch (6 of
// [A-Z2-7], random, minted when the database is created and again by every
// restore) and a sequence of at least 8 digits — at most 32 characters of
// [0-9A-Za-z-], inside WeChat's [0-9A-Za-z_-|*]. The sequence starts again
// in a new or restored database; the epoch is what keeps a number from
// ever being minted twice for the merchant. A number is minted inside the
// commit that records the order's or refund's first state (Change.Mint),
// before any call: durable with the intent, at no commit of its own. Numbers minted before the
// epoch existed ("PS01-T01-00000042") stay valid and are never minted
// again (a migrated database keeps its sequence and gets an epoch). Code
// that reads a number relies only on the "P<store>-<terminal>-" prefix
// (recon.TerminalOf) and the digit tail, which both formats share.
//
// A receipt number stays human: "<store>-<terminal>-<sequence>"
// ("S01-T01-000124"). A restored database continues the backup's receipt
// sequence but cannot know what was printed after the backup, and no gap
// is provably wide enough, so once a database has been restored its
// receipt numbers carry the restore generation: "S01-T01-2-000124" after
// the second. A restore sets the generation above both the backup's and
// the replaced database's, so a number printed before is never printed
// again.
//
// # Choices where the protocol is unconfirmed (docs/wechatpay/PROTOCOL.md)
//
//   - Password wait: poll every 5 s for 30 s (the 2021 micropay guide; the
//     2025 page says 10 s / 45 s) — both are Config fields.
//   - A scan order that is still USERPAYING or NOTPAY, or that WeChat does
//     not know, at the end of the wait is reversed, not declared failed:
//     the reverse blocks the number against a late request. WeChat's "no
//     such order" is trusted as final only NotExistGrace (60 s) after the
//     request's own deadline; until then the reverse is retried.
//   - Without any answer at the end of the wait the order stays UNKNOWN
//     (shown to the cashier); the recovery worker keeps querying and a
//     manager may force it. A cashier cancel reverses at once.
//   - ORDERPAID on a payment means the same number was already paid: it is
//     treated as outcome-unknown, and the query that follows finds it.
//   - FREQUENCY_LIMITED, SYSTEMERROR, BANKERROR, BIZERR_NEED_RETRY and a v2
//     reverse with recall=Y are retried later with the same number.
//   - Close: WeChat may answer SUCCESS to a close within 5 minutes of
//     creation and leave the order payable, so CLOSED is written only after a
//     query says CLOSED (or the order's time_expire has passed); ORDERPAID
//     on close makes the order PAID. time_expire is at least 5.5 minutes
//     ahead (WeChat refuses less than 5).
//   - A lost prepay answer is resent with the same parameters (up to 3
//     times; WeChat returns the same code_url for a re-entry); after that
//     the order is UNKNOWN and recovery closes it.
//   - A refund WeChat refuses outright ends CLOSED with its code; an
//     ABNORMAL refund keeps holding its amount against the sale. The
//     one-minute spacing between refunds of one order is not enforced
//     locally (WeChat's FREQUENCY_LIMITED is retried).
//   - A payment code is never stored: only its last four digits and an
//     HMAC of it (keyed by store and terminal id) for the used-once check.
//   - A trade found under a sale's number is accepted only if it is this
//     sale's. Every order carries a random identity tag (Order.Attach,
//     "wxpos:" + 26 base32 characters), sent as WeChat's attach, which
//     every query echoes; WeChat's query never returns the payment code,
//     so for scan orders the tag sent with the code stands in for its last
//     four digits, and for QR a code_url answer to our own prepay proves
//     the order was made with our parameters. Every answer that would
//     settle a state — the pay answer, the password-wait and recovery
//     queries, the query after a refused reverse or a close, the QR poll —
//     is compared on amount, attach (when WeChat gives one, and always for
//     a paid trade) and trade type. A mismatch moves the order to CONFLICT
//     ("this order number belongs to another payment"): never paid, no
//     receipt, nothing reversed or closed on it, an order.conflict audit
//     event with both amounts and WeChat's transaction id, left out of
//     recovery and kept in the open index for the manager's in-doubt list,
//     where force void acknowledges it (→ FAILED) and force paid is
//     refused. Orders from before tags are compared on amount and type.
//   - No reverse or close is sent on an order WeChat never answered about
//     (Order.Confirmed unset: a cashier cancel or a manager's force void
//     while unanswered): it is queried first, since a reverse of another
//     payment's paid order would refund that customer.
//   - OUT_TRADE_NO_USED: WeChat answers a reused out_trade_no with other
//     parameters (amount, body, attach, code) with OUT_TRADE_NO_USED — v2
//     err_code, v3 HTTP 403 (PROTOCOL A.6.1, B.7); v3 Native prepay is also
//     reported to answer INVALID_REQUEST "201 商户订单号重复" (PROTOCOL A.9
//     and SDK issue threads), which paygate reads as the same. Neither is a
//     failure here: the order goes UNKNOWN and the query that follows
//     compares (CONFLICT) or adopts the trade (the same sale). The sandbox
//     answers the same (403 OUT_TRADE_NO_USED / err_code OUT_TRADE_NO_USED,
//     checked before the order's own state).
//   - RefundAny refuses (ErrTradeConflict) a sale the replica knows under
//     a number when WeChat's order there has another amount or transaction
//     id; reconciliation's "record sale" refuses a bill payment whose
//     amount differs from the local sale under the same number.
//
// # WeChat coupons
//
// A customer may pay part of a WeChat sale with a coupon. AmountFen stays
// the order total WeChat knows (what the bill's 订单金额 and every refund
// request are measured against); CouponFen is what the coupon paid, from
// WeChat's answer about the paid order, and MerchantCouponFen the part the
// merchant funds (NOCASH), which WeChat does not settle: PayerFen is what
// the customer paid, SettledFen what the merchant is paid. A refund is
// asked against the total and the coupon goes back in proportion
// (CouponShare predicts it the way the sandbox computes it; WeChat's split
// replaces the prediction when it answers), so the customer gets
// Refund.PayerFen. Receipts print 微信优惠 and 实付; the X and Z reports
// the coupons, what customers paid and what was received.
//
// # Business days
//
// A sale belongs to one business day, fixed on the order (BusinessDay) in
// the commit that records it PAID: the day it was paid (Asia/Shanghai) —
// or, after that day's Z report, the next day that is still open. So a
// sale at 23:00 on D after the Z of D belongs to D+1: the Z of D stays
// exact, an X of D still matches it, and D+1's X and Z count the sale. A
// refund likewise, fixed when it succeeds. The Z marks its day closed in
// its own commit (storage.Tx.CloseDay) and the store decides the day
// inside the PAID commit; bbolt runs one writer at a time, so no sale can
// slip into a closed day. The receipt carries the business day and prints
// it when it is not the receipt's date.
//
// # A full disk
//
// BeginScan, BeginQR and Refund (of a WeChat sale) first ask the Store for
// Room: if the disk could not take the outcome they fail with ErrDiskFull
// ("disk full: free space on <dir> before taking WeChat payments") before
// a number is minted or WeChat is asked. The bbolt store keeps a reserve file
// that storage gives up when a commit finds the disk full, so an outcome
// WeChat has already decided is still written. If even that fails, the
// Payment ends with a *NotRecordedError ("paid at WeChat, not recorded —
// free space and run `wxpos recover`"), its snapshot says so, and the
// database keeps the state before the call, from which recovery asks
// WeChat again.
//
// # Refunding a sale taken at another counter
//
// Terminal.RefundAny refunds a sale this database does not have. It asks a
// SaleFinder (the store's PostgreSQL replica when configured, else none)
// and, whether or not that knows the sale, WeChat's order query by
// out_trade_no: the order must be paid, and WeChat's amount and
// transaction id are what is recorded. The sale is then written here as a
// Foreign order in one transaction with an "order.adopt" audit event
// naming the approving manager — before the refund is persisted and sent —
// and refunded by the normal flow. Choices:
//
//   - A foreign order is not a sale of this terminal: no sale receipt is
//     issued here and it is kept out of the day index, so X/Z reports,
//     day lookups and the day's reconciliation never count it. The refund
//     made here is this terminal's refund and counts in its report.
//   - Limits count the refunds the finder knows from every terminal
//     (matched by out_refund_no with the local ones). A refund made at a
//     counter that has not replicated yet is unknown: WeChat refuses a
//     refund beyond what is really left, which ends CLOSED, no money moved.
//   - A finder that is down (or slower than Config.FinderTimeout, 5 s) is
//     logged and skipped; WeChat unreachable means no adoption at all.
//   - WeChat's query does not say scan or QR through the Gateway: the
//     tender is the finder's when it knows it, else WeChat scan. A cash
//     sale of another counter cannot be refunded here (its drawer has it).
//
// # Events
//
// Subscribe delivers every committed change with a snapshot of the record
// and the outbox length. A subscriber more than 256 events behind loses
// some (a payment never waits for the screen); the next event it reads
// carries the full current state.
package pos
