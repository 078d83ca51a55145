package ui

import (
	"context"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
)

// Manager is what the manager screens drive. Its methods may block on the
// database or the network; the screens call them only from goroutines
// they own. counter.Manager is the real one; tests may use a fake.
type Manager interface {
	// Staff.
	NeedsSetup() (bool, error)
	Setup(ctx context.Context, name, pin string) error
	Authorize(ctx context.Context, r staff.Request) (staff.Approval, error)
	// CheckPIN verifies a PIN and role without recording an approval (the
	// payment core records refunds and force actions itself).
	CheckPIN(ctx context.Context, r staff.Request) error
	// Actor is who is working at the counter ("" when nobody logged in).
	Actor() string

	// Refunds and payments in doubt.
	FindSales(ctx context.Context, query string) ([]SaleRow, error)
	Refund(ctx context.Context, r pos.RefundOrder) (*pos.Refund, error)
	RefundRecord(ctx context.Context, outRefundNo string) (*pos.Refund, error)
	// SettleAbnormalRefund settles a refund WeChat could not pay back: to
	// the customer's other debit card or back to the store's account.
	SettleAbnormalRefund(ctx context.Context, s pos.AbnormalSettlement) (*pos.Refund, error)
	Receipt(ctx context.Context, no string) (*receipt.Receipt, error)
	Unknown(ctx context.Context) ([]*pos.Order, error)
	ForcePaid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error)
	ForceVoid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error)

	// Day sessions and reports.
	Days() DayBook
	ExportReport(r *report.Report) (path string, err error)

	// OpenDrawer opens the cash drawer for an approved manager, outside a
	// sale, and records it in the audit trail whether or not it worked
	// (ErrNoDrawer without a printer).
	OpenDrawer(ctx context.Context, ap staff.Approval) error

	// Settings and the audit trail.
	Settings() config.Config
	CheckKeys(w config.WeChat) []KeyFinding
	// SaveSettings writes the settings (ErrSettingsInvalid when the checks
	// refuse them) and audits which changed.
	SaveSettings(ctx context.Context, c config.Config, by string) error
	Trail(f staff.Filter) ([]AuditEvent, error)
	ExportTrail(events []AuditEvent) (path string, err error)
	// ExportHistory writes the sales history shows as CSV.
	ExportHistory(records []Record) (path string, err error)
}
