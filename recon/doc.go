// Package recon reconciles WeChat Pay's daily trade bill (对账单) with the
// terminal's own records, keeps the bills and the results, and lets a
// manager work through every difference until the day is balanced.
//
// The pieces:
//
//   - Reconcile is the engine. It reads a bill once, as a stream of Row
//     (RowReader), against the terminal's orders and refunds (Local), and
//     returns a Result: counts per Kind, the differences with advice and
//     the actions that fit, the day totals side by side per tender, and the
//     fees. It keeps only a compact index of the local side (32 bytes per
//     order plus an 8-byte hash slot), so a million-row day stays well under
//     200 MB (see BenchmarkReconcileMillion).
//   - BillStore keeps the bills, results and fetch attempts;
//     reconstore.BillBook keeps them on the terminal database (raw bills
//     gzip-compressed, each change one Update with its audit event:
//     bill.stored, recon.run, recon.query, recon.resolve). It reads orders
//     and refunds but never writes one: every order state change goes
//     through the payment core. This package links no database, so the
//     window reads its values without one.
//   - Desk runs a day's reconciliation from the stored bill and applies the
//     resolutions: query now, refund, record as manual sale, mark explained
//     with a note. A day is balanced only when every difference has a
//     resolution. Re-running a day keeps the resolutions of differences
//     that are still there (they are keyed by "<kind>/<subject>/<number>").
//   - Fetcher is the daily worker: after FetchAfter (10:00 Asia/Shanghai by
//     default) it fetches yesterday's bill and catches up missed days within
//     the retention, since the terminal's first sale. "Not ready" retries
//     after 30 minutes but never before 10:00 the next day (BillsReadyAt,
//     when WeChat says bills can be fetched); a definite refusal
//     (ErrRefused: a date WeChat will not serve, no permission) after 1 h,
//     doubling per refusal up to 24 h, without holding up later days; "no
//     trades" is stored and not asked again; anything else (offline, 5xx,
//     a bill that does not parse or whose summary does not match) after 5
//     minutes; its Status is
//     for the status bar. A bill is stored only once it has been read to
//     the end with a matching summary, and a result only from a stored
//     bill: never a partial result.
//   - CheckFundFlow holds a day's trade bill (the merchant's, all
//     terminals) against the basic account's fund-flow bill (recon/live
//     FundFlow downloads and reads it; a sub-merchant's is its own, from
//     v3's sub-merchant fund-flow bill; v2 has none for a sub-merchant,
//     ErrNoFundFlowSource): each payment must be credited its
//     应结订单金额 less its fee, each refund debited its 退款金额 (not
//     申请退款金额: a NOCASH coupon's part goes back from WeChat) less the
//     fee given back, with the trade bill's fees; a different fee is
//     KindFeeMismatch, a different, missing or unbilled movement
//     KindSettlementMismatch, each with advice; the day's net and fee
//     totals are compared too. These kinds are kept out of Kinds (the
//     terminal's trade-bill result). The Fetcher runs it after each
//     day's reconciliation when its source is a FundFlowSource
//     (FetchFundFlow; a fund flow that could not be fetched is retried
//     by the next Cycle for a week) and stores it (BillStore.SaveFundFlow);
//     `wxpos reconcile` and the reconciliation screen show it.
//
// Package recon/live connects the interfaces to the WeChat client
// (BillSource, Operator.Query, the wechat/bill parser) and to pos.Terminal
// (refunds, and sales recorded from the bill: Recorder).
//
// # Matching rules
//
// Payments match by out_trade_no, refunds by out_refund_no. A bill row is
// this terminal's when a local record has its number, or else when its
// device_info is this terminal's id, or (no device_info) its out_trade_no
// carries the terminal's prefix "P<store>-<terminal>-" (TerminalOf);
// other rows count as KindOtherTerminal and only add to the other-terminal
// fees. Cash never reaches WeChat: it appears in the totals only.
//
//	bill SUCCESS, local PAID, same amount        matched
//	bill SUCCESS, local PAID, other amount       amount mismatch
//	bill SUCCESS, no local record                WeChat-only (refund or record the sale)
//	bill SUCCESS, local REVERSED/CLOSED/FAILED   WeChat-only (money arrived, no sale)
//	bill SUCCESS, local still open (UNKNOWN…)    status mismatch (query)
//	bill REVOKED, local PAID                     status mismatch
//	bill REVOKED, local not paid                 matched
//	local PAID (not cash), absent from the bill  local-only (query; may be forced-paid)
//	refund row, local refund agrees              matched
//	refund row, no local refund / states differ  status mismatch (subject refund)
//	refund amounts differ                        amount mismatch (subject refund)
//	local refund SUCCESS/PROCESSING, not billed  status mismatch (subject refund)
//
// # Choices on points docs/wechatpay/PROTOCOL.md marks unconfirmed
//
//   - Day assignment. The bill puts a payment on the day of its success time
//     and a refund on the day of its request time (交易时间). The local side
//     of day D is read from D-1 to D+1 (orders by their creation-day index,
//     refunds by creation time), every record can match a row, but only
//     records whose own time (paid at, else created at; refund created at)
//     falls on D can be reported missing. A payment at 23:59:59 that WeChat
//     books after midnight is therefore matched on D+1's bill rather than
//     being reported twice; the local-only difference it leaves on D is
//     resolved automatically by "query now" when WeChat says it was paid on
//     another day.
//   - Amounts compared: 订单金额 (order total; the legacy layout's 总金额)
//     against the local amount, because coupons reduce only 应结订单金额;
//     for refunds 申请退款金额 when present, else 退款金额.
//   - REVOKED rows (paid, then reversed) are treated as "no money": the
//     sandbox writes them that way; real bills are believed to as well.
//   - 退款状态 at bill time may be PROCESSING; a local SUCCESS against a
//     billed PROCESSING is a match. FAIL/REFUNDCLOSE/CLOSED against a local
//     refund that holds money is a status mismatch.
//   - A refund still SUBMITTED locally (queued, maybe never sent) is not
//     reported when the bill lacks it: the outbox will send it and the bill
//     of the day WeChat receives it will show it.
//   - "No bill" (v3 NO_STATEMENT_EXIST, v2 20002 "No Bill Exist") means no
//     trade that day: the day is reconciled against an empty bill, so
//     forced-paid orders still surface. v3 STATEMENT_CREATING and v2 20001
//     mean not ready yet.
//   - Retention: 90 days back from today ("3 months").
//   - Fees keep the bill's five decimals of a yuan as thousandths of a fen.
//   - Record as manual sale goes through the payment core (SaleRecorder;
//     recon/live.Recorder calls pos.Terminal.RecordBillSale): state PAID by
//     the moves of pos.BillTable, the bill's amount and transaction id,
//     audited as order.recorded, with a sale receipt; it changes a local
//     record only when that says no money moved (FAILED, REVERSED, CLOSED).
//     A refund of a WeChat-only payment first records the sale, then
//     refunds it through pos.Terminal so its limits, outbox and audit apply.
package recon
