package view

import (
	"errors"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
)

// Lang is a UI language, named by its BCP 47 tag.
type Lang string

// Languages the catalogue carries. Chinese is the default.
const (
	LangZH Lang = "zh-CN"
	LangEN Lang = "en"
)

// KeyFinding is one result of checking merchant key files, as `wxpos
// doctor` reports it: Level is OK, INFO, WARN or FAIL.
type KeyFinding struct {
	Level, Topic, Detail, Fix string
}

// SaleRow is a sale the refund screen can pick.
type SaleRow struct {
	OutTradeNo    string
	TransactionID string
	ReceiptNo     string
	Tender        receipt.Tender
	AmountFen     int64
	RefundedFen   int64 // held by refunds that are not CLOSED
	State         string
	PaidAt        time.Time
	// Foreign marks a sale taken at another counter (found through the
	// replica or WeChat, or recorded here by an earlier refund of it);
	// Origin is "store/terminal" where it was taken, "" when unknown.
	Foreign bool
	Origin  string
	// Abnormal are the sale's refunds WeChat could not pay back (the
	// customer's card closed or frozen), for a manager to settle.
	Abnormal []AbnormalRefund
	// Lines and Discount are the sale's lines and order discount as sold
	// (none for a keyed sale); Returned are the lines given back by its
	// refunds that hold money. The refund screen prices a refund by line
	// from them (pricing.RefundLines) as the payment core will.
	Lines    []receipt.Line
	Discount *receipt.Discount
	Returned []receipt.RefundLine
}

// AbnormalRefund is an ABNORMAL refund of a sale.
type AbnormalRefund struct {
	OutRefundNo string
	AmountFen   int64
}

// AuditEvent is one line of the audit trail as the audit screen lists it.
type AuditEvent struct {
	Seq    uint64
	Time   time.Time
	Kind   string // e.g. "order.transition", "user.login"
	Ref    string // out_trade_no, out_refund_no, user name …
	Actor  string
	From   string // previous state, for transitions
	To     string // new state
	Reason string
	Data   []byte // JSON
}

// DayBook is the business day's book the day screens drive: opening
// float, cash in and out, X and Z reports. *reportstore.DayBook satisfies it.
type DayBook interface {
	Today() string
	// BusinessDay is the day a sale taken now is booked on: after the Z
	// of today, the next day.
	BusinessDay() (string, error)
	Session(day string) (*report.Session, error)
	Open(day, by string, floatFen int64) (*report.Session, error)
	Move(day string, m report.Move) error
	X(day, operator string) (*report.Report, error)
	Close(day, by string, counted *int64) (*report.Report, error)
	ZByNo(no int64) (*report.Report, error)
	Zs(limit int) ([]report.ZSummary, error)
}

// ErrNoDrawer is returned by OpenDrawer when no printer (and so no drawer)
// is configured.
var ErrNoDrawer = errors.New("no cash drawer: configure a receipt printer")

// ErrSettingsInvalid wraps a settings change the configuration refuses.
var ErrSettingsInvalid = errors.New("settings not saved")
