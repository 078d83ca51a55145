package counter

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/internal/ident"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/reportstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/ui/view"
)

// ManagerConfig wires NewManager to the terminal's parts.
type ManagerConfig struct {
	Core      *pos.Terminal
	Staff     *staffstore.Directory
	Book      *reportstore.DayBook
	DB        *storage.Store
	Config    config.Config
	ExportDir string                                // where CSV exports go
	CheckKeys func(config.WeChat) []view.KeyFinding // cli.CheckKeyFiles, adapted; nil: no checks
	Actor     func() string                         // the cashier signed in at the counter (Till.Cashier); nil: nobody
	Drawer    Drawer                                // the cash drawer (through the printer); nil: none
	// Finder finds sales of other counters for refunds (cli.SaleFinder: the
	// [replica] server); nil: WeChat's order query alone.
	Finder pos.SaleFinder
}

// Manager is the back end of the manager screens (the window's Manager) on
// the real payment core, staff directory, day book and audit trail.
type Manager struct {
	c   ManagerConfig
	cfg config.Config
}

// NewManager returns the manager back end described by c.
func NewManager(c ManagerConfig) *Manager { return &Manager{c: c, cfg: c.Config} }

// NeedsSetup reports whether no user exists yet.
func (m *Manager) NeedsSetup() (bool, error) { return m.c.Staff.NeedsSetup() }

// Setup creates the first manager.
func (m *Manager) Setup(ctx context.Context, name, pin string) error {
	_, err := m.c.Staff.Setup(ctx, name, pin)
	return err
}

// Authorize checks a PIN for one action (audited).
func (m *Manager) Authorize(ctx context.Context, r staff.Request) (staff.Approval, error) {
	return m.c.Staff.Authorize(ctx, r)
}

// CheckPIN verifies a PIN for an action the payment core will authorise.
func (m *Manager) CheckPIN(ctx context.Context, r staff.Request) error {
	return m.c.Staff.Check(ctx, r)
}

// Actor is the cashier at the counter.
func (m *Manager) Actor() string {
	if m.c.Actor == nil {
		return ""
	}
	return m.c.Actor()
}

// FindSales finds paid sales by order number, receipt number or the last
// digits of the WeChat transaction id, over today and the previous 30 days
// (refunds of older sales: type the full order number). A full order
// number this terminal does not have is looked up as a sale of another
// counter (pos.Terminal.LookupSale: the replica, then WeChat), without
// recording anything until it is refunded.
func (m *Manager) FindSales(ctx context.Context, q string) ([]view.SaleRow, error) {
	q = strings.TrimSpace(q)
	var orders []*pos.Order
	if o, err := m.c.Core.Order(q); err == nil {
		if o.Foreign {
			return m.foreignRows(ctx, q)
		}
		orders = append(orders, o)
	} else {
		now := time.Now()
		for i := 0; i <= 30 && ctx.Err() == nil; i++ {
			day, err := m.c.Core.OrdersOnDay(report.DayOf(now.AddDate(0, 0, -i)))
			if err != nil {
				return nil, err
			}
			for _, o := range day {
				if o.State != pos.StatePaid {
					continue
				}
				if q == "" || strings.Contains(strings.ToLower(o.OutTradeNo), strings.ToLower(q)) ||
					o.ReceiptNo == q || (len(q) >= 4 && strings.HasSuffix(o.TransactionID, q)) {
					orders = append(orders, o)
				}
			}
		}
	}
	if len(orders) == 0 && fullOutTradeNo(q) && ctx.Err() == nil {
		return m.foreignRows(ctx, q)
	}
	rows := make([]view.SaleRow, 0, len(orders))
	for _, o := range orders {
		row := view.SaleRow{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, ReceiptNo: o.ReceiptNo,
			Tender: o.Tender, AmountFen: o.AmountFen, State: string(o.State), PaidAt: o.PaidAt}
		if left, err := m.c.Core.Refundable(o.OutTradeNo); err == nil && o.State == pos.StatePaid {
			row.RefundedFen = o.AmountFen - left
		}
		row.Lines, row.Discount = o.Lines, o.Discount
		if rs, err := m.c.Core.RefundsOf(o.OutTradeNo); err == nil {
			for _, r := range rs {
				if r.State == pos.RefundAbnormal {
					row.Abnormal = append(row.Abnormal, view.AbnormalRefund{OutRefundNo: r.OutRefundNo, AmountFen: r.AmountFen})
				}
				if r.State.Holds() {
					row.Returned = append(row.Returned, r.Lines...)
				}
			}
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].PaidAt.After(rows[j].PaidAt) })
	if len(rows) > 200 {
		rows = rows[:200]
	}
	return rows, ctx.Err()
}

// fullOutTradeNo is what a full out_trade_no may look like (WeChat: up
// to 32 of [0-9A-Za-z_-]); shorter queries are never sent to WeChat.
func fullOutTradeNo(q string) bool {
	return ident.Run(q, 6, 32, ident.Or(ident.Alnum, ident.Bytes("_-")))
}

// foreignRows looks a full order number up as a sale of another counter.
// Not found anywhere is no rows, not an error.
func (m *Manager) foreignRows(ctx context.Context, no string) ([]view.SaleRow, error) {
	l, err := m.c.Core.LookupSale(ctx, no, m.c.Finder)
	if errors.Is(err, pos.ErrNotFound) {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	o := l.Order
	row := view.SaleRow{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, ReceiptNo: o.ReceiptNo,
		Tender: o.Tender, AmountFen: o.AmountFen, RefundedFen: l.RefundedFen, State: string(o.State), PaidAt: o.PaidAt,
		Foreign: o.Foreign}
	if o.OriginTerminalID != "" {
		row.Origin = o.OriginStoreID + "/" + o.OriginTerminalID
	}
	return []view.SaleRow{row}, nil
}

// Refund runs the core's refund flow; a sale of another counter is first
// confirmed with WeChat and recorded here as foreign (pos.Terminal.RefundAny).
func (m *Manager) Refund(ctx context.Context, r pos.RefundOrder) (*pos.Refund, error) {
	return m.c.Core.RefundAny(ctx, r, m.c.Finder)
}

// SettleAbnormalRefund settles an ABNORMAL refund through the core
// (pos.Terminal.SettleAbnormalRefund).
func (m *Manager) SettleAbnormalRefund(ctx context.Context, s pos.AbnormalSettlement) (*pos.Refund, error) {
	return m.c.Core.SettleAbnormalRefund(ctx, s)
}

// RefundRecord reads a refund's current state.
func (m *Manager) RefundRecord(_ context.Context, no string) (*pos.Refund, error) {
	return m.c.Core.RefundRecord(no)
}

// Receipt reads a stored receipt.
func (m *Manager) Receipt(_ context.Context, no string) (*receipt.Receipt, error) {
	return m.c.Core.Receipt(no)
}

// Unknown lists the payments in doubt, oldest first: UNKNOWN, and CONFLICT
// (the order number is another payment's at WeChat; the manager
// acknowledges it with force void). It reads through the payment core in
// one read: a screen never opens a transaction of its own (one opened
// inside another deadlocks with a write that grows the map).
func (m *Manager) Unknown(ctx context.Context) ([]*pos.Order, error) {
	open, err := m.c.Core.OpenOrders()
	if err != nil {
		return nil, err
	}
	var out []*pos.Order
	for _, o := range open {
		if o.State == pos.StateUnknown || o.State == pos.StateConflict {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out, ctx.Err()
}

// ForcePaid records an UNKNOWN payment as paid on a manager's word.
func (m *Manager) ForcePaid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error) {
	return m.c.Core.ForcePaid(ctx, no, a, reason)
}

// ForceVoid gives up on an UNKNOWN payment (reverse/close queued).
func (m *Manager) ForceVoid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error) {
	return m.c.Core.ForceVoid(ctx, no, a, reason)
}

// Days is the day book.
func (m *Manager) Days() view.DayBook {
	if m.c.Book == nil {
		return nil
	}
	return m.c.Book
}

func (m *Manager) exportFile(name string, write func(f *os.File) error) (string, error) {
	dir := m.c.ExportDir
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return "", err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return path, err
}

// ExportReport writes r as CSV into the export directory.
func (m *Manager) ExportReport(r *report.Report) (string, error) {
	name := fmt.Sprintf("x-%s-%s.csv", r.Day, r.TakenAt.In(tz.Shanghai).Format("150405"))
	if r.Kind == receipt.ReportZ {
		name = fmt.Sprintf("z-%06d-%s.csv", r.ZNo, r.Day)
	}
	return m.exportFile(name, func(f *os.File) error { return report.WriteCSV(f, r, m.csvLang()) })
}

// csvLang is the header language of the files the manager exports: the
// window's language (csvout: Chinese headers for zh-CN, English for en).
func (m *Manager) csvLang() csvout.Lang { return csvout.LangOf(m.cfg.UI.Locale) }

// Settings returns the configuration in force.
func (m *Manager) Settings() config.Config { return m.cfg }

// CheckKeys checks merchant key files.
func (m *Manager) CheckKeys(w config.WeChat) []view.KeyFinding {
	if m.c.CheckKeys == nil {
		return nil
	}
	return m.c.CheckKeys(w)
}

// SaveSettings writes c to the config file (config.Save: checked exactly
// as loading would, atomically; the training default path when none was
// loaded) and records which settings changed in the audit trail. The
// running terminal keeps its settings until restarted, except the language.
// A configuration the checks refuse wraps view.ErrSettingsInvalid.
func (m *Manager) SaveSettings(_ context.Context, c config.Config, by string) error {
	if c.Path == "" {
		c.Path = m.cfg.Path
	}
	path, err := config.Save(c)
	if errors.Is(err, config.ErrInvalid) {
		return fmt.Errorf("%w: %w", view.ErrSettingsInvalid, err)
	}
	if err != nil {
		return err
	}
	changed := config.Changed(m.cfg, c)
	m.cfg = c
	m.cfg.Path = path
	return staffstore.Record(m.c.DB, storage.Event{Kind: staff.KindSettings, Ref: path, Actor: by, Reason: strings.Join(changed, ",")})
}

// SaveLanguage keeps the cashier's language choice in the config file
// (audited like any settings change, by "counter").
func (m *Manager) SaveLanguage(ctx context.Context, l view.Lang) error {
	c := m.cfg
	c.UI.Locale = string(l)
	return m.SaveSettings(ctx, c, "counter")
}

// Drawer opens a cash drawer; *escpos.Printer satisfies it.
type Drawer interface {
	OpenDrawer(ctx context.Context) error
}

// OpenDrawer pulses the drawer and appends a drawer.open event naming the
// approving manager and the cashier at the counter.
func (m *Manager) OpenDrawer(ctx context.Context, ap staff.Approval) error {
	if m.c.Drawer == nil {
		return view.ErrNoDrawer
	}
	err := m.c.Drawer.OpenDrawer(ctx)
	reason := "opened"
	if err != nil {
		reason = "failed: " + err.Error()
	}
	if aerr := staffstore.Record(m.c.DB, storage.Event{Kind: "drawer.open", Actor: ap.Approver, Ref: ap.Actor, Reason: reason}); aerr != nil && err == nil {
		err = fmt.Errorf("drawer opened but not recorded: %w", aerr)
	}
	return err
}

// Trail reads the audit trail.
func (m *Manager) Trail(f staff.Filter) ([]view.AuditEvent, error) {
	events, err := staffstore.Trail(m.c.DB, f)
	if err != nil {
		return nil, err
	}
	out := make([]view.AuditEvent, len(events))
	for i, e := range events {
		out[i] = view.AuditEvent{Seq: e.Seq, Time: e.Time, Kind: e.Kind, Ref: e.Ref, Actor: e.Actor,
			From: e.From, To: e.To, Reason: e.Reason, Data: e.Data}
	}
	return out, nil
}

// HistoryColumns are the columns of ExportHistory's file. The transaction
// id is cut to its last four digits: whole, a spreadsheet reads its 28
// digits as a number and shows 4.2E+27.
var HistoryColumns = []csvout.Column{
	{Key: "time", ZH: "时间"}, {Key: "out_trade_no", ZH: "单号"}, {Key: "receipt_no", ZH: "小票号"},
	{Key: "tender", ZH: "支付方式"}, {Key: "state", ZH: "状态"}, {Key: "reason", ZH: "原因"},
	{Key: "amount_yuan", ZH: "金额（元）"}, {Key: "amount_fen", ZH: "金额（分）"},
	{Key: "refunded_yuan", ZH: "已退款（元）"}, {Key: "refunded_fen", ZH: "已退款（分）"},
	{Key: "transaction_last4", ZH: "交易号后4位"},
}

// WriteHistoryCSV writes records under package csvout's rules; states,
// tenders and reasons are the codes the core uses.
func WriteHistoryCSV(w io.Writer, records []view.Record, lang csvout.Lang) error {
	cw := csvout.New(w, lang, HistoryColumns)
	for _, r := range records {
		last4 := r.TransactionID
		if n := len(last4); n > 4 {
			last4 = last4[n-4:]
		}
		cw.Row(r.Time.In(tz.Shanghai).Format(time.RFC3339), r.OutTradeNo, r.ReceiptNo, string(r.Tender), string(r.State), string(r.Reason),
			csvout.Yuan(r.AmountFen), csvout.Fen(r.AmountFen), csvout.Yuan(r.RefundedFen), csvout.Fen(r.RefundedFen), last4)
	}
	return cw.Flush()
}

// ExportHistory writes the sales history shows as CSV into the export
// directory.
func (m *Manager) ExportHistory(records []view.Record) (string, error) {
	name := "sales-" + time.Now().In(tz.Shanghai).Format("20060102-150405") + ".csv"
	return m.exportFile(name, func(f *os.File) error { return WriteHistoryCSV(f, records, m.csvLang()) })
}

// ExportTrail writes events as CSV into the export directory.
func (m *Manager) ExportTrail(events []view.AuditEvent) (string, error) {
	recs := make([]storage.Event, len(events))
	for i, e := range events {
		recs[i] = storage.Event{Seq: e.Seq, Time: e.Time, Kind: e.Kind, Ref: e.Ref, Actor: e.Actor,
			From: e.From, To: e.To, Reason: e.Reason, Data: e.Data}
	}
	name := "audit-" + time.Now().In(tz.Shanghai).Format("20060102-150405") + ".csv"
	return m.exportFile(name, func(f *os.File) error { return staffstore.WriteCSV(f, recs, tz.Shanghai, m.csvLang()) })
}
