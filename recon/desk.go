package recon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/tz"
)

// QueryAnswer is WeChat's current view of an order.
type QueryAnswer struct {
	// State is WeChat's trade_state (SUCCESS, REFUND, NOTPAY, CLOSED,
	// REVOKED, USERPAYING, PAYERROR) or NOTEXIST when WeChat has no order.
	State         string
	AmountFen     int64
	TransactionID string
	PaidAt        time.Time
}

// StateNotExist is QueryAnswer.State when WeChat has no such order.
const StateNotExist = "NOTEXIST"

// Paid reports whether WeChat received the money.
func (a QueryAnswer) Paid() bool { return a.State == "SUCCESS" || a.State == "REFUND" }

func (a QueryAnswer) String() string {
	s := "WeChat: " + a.State
	if a.Paid() {
		s += fmt.Sprintf(" %d fen", a.AmountFen)
		if !a.PaidAt.IsZero() {
			s += " paid " + tz.Stamp(a.PaidAt)
		}
	}
	return s
}

// Operator does what resolutions need from WeChat and the payment core.
// The wiring supplies it (the WeChat client and pos.Terminal); calls run
// outside any transaction, with the caller's context.
type Operator interface {
	// Query asks WeChat about an order now.
	Query(ctx context.Context, outTradeNo string) (QueryAnswer, error)
	// Refund refunds amountFen of a local PAID sale through the payment
	// core, approved by by, and returns the out_refund_no.
	Refund(ctx context.Context, outTradeNo string, amountFen int64, by Approver, reason string) (string, error)
}

// Approver is who authorises a refund: a manager's name and credential
// (PIN). The payment core checks it; reconciliation never stores the
// credential.
type Approver struct {
	User       string
	Credential string
}

// BillSale is a WeChat-only payment to be recorded as a sale of this
// terminal: the bill's facts, who records it and why.
type BillSale struct {
	OutTradeNo    string
	Tender        receipt.Tender // the bill does not say scan or QR: the difference's tender, else QR
	AmountFen     int64
	TransactionID string
	Attach        string // the bill's 商户数据包: whose payment it is
	PaidAt        time.Time
	Actor, Note   string
	Difference    string // the difference it resolves, for the audit trail

	// CouponFen and MerchantCouponFen are the bill's coupon of the
	// payment and the merchant-funded part of it (Difference.CouponFen).
	CouponFen, MerchantCouponFen int64
}

// SaleRecorder records WeChat-only payments as sales. The payment core
// does it (recon/live.Recorder on pos.Terminal): reconciliation never
// writes an order itself, so the record goes through the core's
// transition table with its audit event and receipt. RecordSale refuses a
// local order that is paid already or still open.
type SaleRecorder interface {
	RecordSale(s BillSale) error
}

// ErrNoRecorder is returned by actions that record a sale when the desk
// has no SaleRecorder.
var ErrNoRecorder = errors.New("reconciliation: no payment core to record the sale")

// ParseFunc opens a bill's plain text as a stream of rows. The reader it
// returns must report a summary row that disagrees with the rows as an
// error at the end, so that no partial or inconsistent bill is reconciled.
type ParseFunc func(io.Reader) (RowReader, error)

// Desk runs reconciliations and resolutions on the terminal database: the
// screen and the CLI call it.
type Desk struct {
	Book     BillStore
	Terminal Terminal
	Parse    ParseFunc
	Operator Operator     // nil: query and refund are unavailable
	Sales    SaleRecorder // nil: recording a sale (and refunding a WeChat-only payment) is unavailable
}

// ErrNoOperator is returned by actions that need WeChat when the desk has
// no Operator.
var ErrNoOperator = errors.New("reconciliation: no connection to WeChat configured")

// Reconcile reconciles day from its stored bill and the local records and
// stores the result (keeping resolutions of differences still present).
func (k *Desk) Reconcile(day Day, actor string) (*Result, error) {
	plain, info, err := k.Book.OpenBill(day)
	if err != nil {
		return nil, err
	}
	local, err := k.Book.LocalDay(day)
	if err != nil {
		return nil, err
	}
	var rows RowReader = NewRows(nil)
	if !info.NoBill {
		if rows, err = k.Parse(plain); err != nil {
			return nil, fmt.Errorf("bill %s: %w", day, err)
		}
	}
	res, err := Reconcile(day, k.Terminal, local, rows)
	if err != nil {
		return nil, err
	}
	res.BillSHA1 = info.SHA1
	if err := k.Book.SaveResult(res, actor); err != nil {
		return nil, err
	}
	return k.Book.Result(day)
}

func (k *Desk) difference(day Day, id string) (*Difference, error) {
	res, err := k.Book.Result(day)
	if err != nil {
		return nil, err
	}
	d := res.Difference(id)
	if d == nil {
		return nil, fmt.Errorf("%w: %s on %s", ErrUnknownDifference, id, day)
	}
	if d.Resolved() {
		return nil, fmt.Errorf("%w: %s", ErrAlreadyResolved, id)
	}
	return d, nil
}

// Query asks WeChat about the difference's order now, records the answer
// (audited) and resolves the difference when the answer explains it: a
// local-only payment WeChat confirms as paid on another day is on that
// day's bill. Otherwise the difference stays open, showing the answer.
func (k *Desk) Query(ctx context.Context, day Day, id, actor string) (*Result, QueryAnswer, error) {
	if k.Operator == nil {
		return nil, QueryAnswer{}, ErrNoOperator
	}
	d, err := k.difference(day, id)
	if err != nil {
		return nil, QueryAnswer{}, err
	}
	ans, err := k.Operator.Query(ctx, d.OutTradeNo)
	if err != nil {
		return nil, ans, fmt.Errorf("query %s: %w", d.OutTradeNo, err)
	}
	if err := k.Book.NoteQuery(day, id, ans.String(), actor); err != nil {
		return nil, ans, err
	}
	if d.Kind == KindLocalOnly && ans.Paid() && ans.AmountFen == d.LocalFen && !ans.PaidAt.IsZero() && DayOf(ans.PaidAt) != day {
		res, err := k.Book.Resolve(day, id, Resolution{Action: ActionQuery, Actor: actor,
			Note: "paid at WeChat on " + string(DayOf(ans.PaidAt)) + ": on that day's bill", Ref: ans.TransactionID})
		return res, ans, err
	}
	res, err := k.Book.Result(day)
	return res, ans, err
}

// Refund returns the money of a WeChat-only payment: the payment is first
// recorded as a local sale (so the payment core can refund it within its
// rules), then refunded in full. The difference is resolved with the
// out_refund_no and the approver's name.
func (k *Desk) Refund(ctx context.Context, day Day, id string, by Approver, note string) (*Result, error) {
	if k.Operator == nil {
		return nil, ErrNoOperator
	}
	d, err := k.difference(day, id)
	if err != nil {
		return nil, err
	}
	if d.Kind != KindWeChatOnly || d.Subject != SubjectOrder {
		return nil, fmt.Errorf("refund %s: only a WeChat-only payment can be refunded from here", id)
	}
	actor := by.User
	if d.LocalOrder() != pos.StatePaid {
		if err := k.recordSale(d, actor, "to refund it: "+note); err != nil && !alreadyPaid(k.Book, d.OutTradeNo) {
			return nil, err
		}
	}
	no, err := k.Operator.Refund(ctx, d.OutTradeNo, d.BillFen, by, note)
	if err != nil {
		return nil, fmt.Errorf("refund %s: %w", d.OutTradeNo, err)
	}
	return k.Book.Resolve(day, id, Resolution{Action: ActionRefund, Actor: actor, Note: note, Ref: no})
}

func alreadyPaid(b BillStore, no string) bool {
	recs, err := b.OrderState(no)
	return err == nil && recs == pos.StatePaid
}

// RecordSale records a WeChat-only payment as a local sale through the
// payment core and resolves the difference.
func (k *Desk) RecordSale(day Day, id, actor, note string) (*Result, error) {
	d, err := k.difference(day, id)
	if err != nil {
		return nil, err
	}
	if err := k.recordSale(d, actor, note); err != nil {
		return nil, err
	}
	return k.Book.Resolve(day, id, Resolution{Action: ActionRecordSale, Actor: actor, Note: note, Ref: d.OutTradeNo})
}

// recordSale hands a WeChat-only payment to the SaleRecorder with the
// bill's amount, transaction id and time.
func (k *Desk) recordSale(d *Difference, actor, note string) error {
	if d.Kind != KindWeChatOnly || d.Subject != SubjectOrder {
		return fmt.Errorf("record sale %s: only a WeChat-only payment can be recorded", d.ID)
	}
	if k.Sales == nil {
		return ErrNoRecorder
	}
	tender := d.Tender
	if tender == TenderOther || tender == "" {
		tender = receipt.TenderWeChatQR
	}
	err := k.Sales.RecordSale(BillSale{OutTradeNo: d.OutTradeNo, Tender: tender, AmountFen: d.BillFen,
		CouponFen: d.CouponFen, MerchantCouponFen: d.MerchantCouponFen, TransactionID: d.TransactionID, Attach: d.Attach, PaidAt: d.Time, Actor: actor, Note: note, Difference: d.ID})
	if err != nil {
		return fmt.Errorf("record sale %s: %w", d.OutTradeNo, err)
	}
	return nil
}

// Explain marks a difference explained with a note.
func (k *Desk) Explain(day Day, id, actor, note string) (*Result, error) {
	return k.Book.Resolve(day, id, Resolution{Action: ActionExplain, Actor: actor, Note: note})
}
