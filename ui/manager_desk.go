package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
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
}

// Manager is what the manager screens drive. Its methods may block on the
// database or the network; the screens call them only from goroutines
// they own. NewDesk builds the real one.
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
	Receipt(ctx context.Context, no string) (*receipt.Receipt, error)
	Unknown(ctx context.Context) ([]*pos.Order, error)
	ForcePaid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error)
	ForceVoid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error)

	// Day sessions and reports.
	Days() *report.Book
	ExportReport(r *report.Report) (path string, err error)

	// OpenDrawer opens the cash drawer for an approved manager, outside a
	// sale, and records it in the audit trail whether or not it worked.
	OpenDrawer(ctx context.Context, ap staff.Approval) error

	// Settings and the audit trail.
	Settings() config.Config
	CheckKeys(w config.WeChat) []KeyFinding
	SaveSettings(ctx context.Context, c config.Config, by string) error
	Trail(f staff.Filter) ([]storage.Event, error)
	ExportTrail(events []storage.Event) (path string, err error)
}

// DeskConfig wires NewDesk to the terminal's parts.
type DeskConfig struct {
	Core      *pos.Terminal
	Staff     *staff.Directory
	Book      *report.Book
	DB        *storage.Store
	Config    config.Config
	ExportDir string                           // where CSV exports go
	CheckKeys func(config.WeChat) []KeyFinding // cli.CheckKeyFiles, adapted; nil: no checks
	Actor     func() string                    // the cashier signed in at the counter; nil: nobody (wxpos has no cashier sign-in yet)
	Drawer    Drawer                           // the cash drawer (through the printer); nil: none
	// Finder finds sales of other counters for refunds (cli.SaleFinder: the
	// [replica] server); nil: WeChat's order query alone.
	Finder pos.SaleFinder
}

// Desk is the Manager on the real payment core, staff directory, day book
// and database.
type Desk struct {
	c   DeskConfig
	cfg config.Config
}

var _ Manager = (*Desk)(nil)

// NewDesk returns the manager back end described by c.
func NewDesk(c DeskConfig) *Desk { return &Desk{c: c, cfg: c.Config} }

// NeedsSetup reports whether no user exists yet.
func (d *Desk) NeedsSetup() (bool, error) { return d.c.Staff.NeedsSetup() }

// Setup creates the first manager.
func (d *Desk) Setup(ctx context.Context, name, pin string) error {
	_, err := d.c.Staff.Setup(ctx, name, pin)
	return err
}

// Authorize checks a PIN for one action (audited).
func (d *Desk) Authorize(ctx context.Context, r staff.Request) (staff.Approval, error) {
	return d.c.Staff.Authorize(ctx, r)
}

// CheckPIN verifies a PIN for an action the payment core will authorise.
func (d *Desk) CheckPIN(ctx context.Context, r staff.Request) error { return d.c.Staff.Check(ctx, r) }

// Actor is the cashier at the counter.
func (d *Desk) Actor() string {
	if d.c.Actor == nil {
		return ""
	}
	return d.c.Actor()
}

// FindSales finds paid sales by order number, receipt number or the last
// digits of the WeChat transaction id, over today and the previous 30 days
// (refunds of older sales: type the full order number). A full order
// number this terminal does not have is looked up as a sale of another
// counter (pos.Terminal.LookupSale: the replica, then WeChat), without
// recording anything until it is refunded.
func (d *Desk) FindSales(ctx context.Context, q string) ([]SaleRow, error) {
	q = strings.TrimSpace(q)
	var orders []*pos.Order
	if o, err := d.c.Core.Order(q); err == nil {
		if o.Foreign {
			return d.foreignRows(ctx, q)
		}
		orders = append(orders, o)
	} else {
		now := time.Now()
		for i := 0; i <= 30 && ctx.Err() == nil; i++ {
			day, err := d.c.Core.OrdersOnDay(report.DayOf(now.AddDate(0, 0, -i)))
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
	if len(orders) == 0 && outTradeNoPattern.MatchString(q) && ctx.Err() == nil {
		return d.foreignRows(ctx, q)
	}
	rows := make([]SaleRow, 0, len(orders))
	for _, o := range orders {
		row := SaleRow{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, ReceiptNo: o.ReceiptNo,
			Tender: o.Tender, AmountFen: o.AmountFen, State: string(o.State), PaidAt: o.PaidAt}
		if left, err := d.c.Core.Refundable(o.OutTradeNo); err == nil && o.State == pos.StatePaid {
			row.RefundedFen = o.AmountFen - left
		}
		rows = append(rows, row)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].PaidAt.After(rows[j].PaidAt) })
	if len(rows) > 200 {
		rows = rows[:200]
	}
	return rows, ctx.Err()
}

// outTradeNoPattern is what a full out_trade_no may look like (WeChat: up
// to 32 of [0-9A-Za-z_-]); shorter queries are never sent to WeChat.
var outTradeNoPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{6,32}$`)

// foreignRows looks a full order number up as a sale of another counter.
// Not found anywhere is no rows, not an error.
func (d *Desk) foreignRows(ctx context.Context, no string) ([]SaleRow, error) {
	l, err := d.c.Core.LookupSale(ctx, no, d.c.Finder)
	if errors.Is(err, pos.ErrNotFound) {
		return nil, ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	o := l.Order
	row := SaleRow{OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, ReceiptNo: o.ReceiptNo,
		Tender: o.Tender, AmountFen: o.AmountFen, RefundedFen: l.RefundedFen, State: string(o.State), PaidAt: o.PaidAt,
		Foreign: o.Foreign}
	if o.OriginTerminalID != "" {
		row.Origin = o.OriginStoreID + "/" + o.OriginTerminalID
	}
	return []SaleRow{row}, nil
}

// Refund runs the core's refund flow; a sale of another counter is first
// confirmed with WeChat and recorded here as foreign (pos.Terminal.RefundAny).
func (d *Desk) Refund(ctx context.Context, r pos.RefundOrder) (*pos.Refund, error) {
	return d.c.Core.RefundAny(ctx, r, d.c.Finder)
}

// RefundRecord reads a refund's current state.
func (d *Desk) RefundRecord(_ context.Context, no string) (*pos.Refund, error) {
	return d.c.Core.RefundRecord(no)
}

// Receipt reads a stored receipt.
func (d *Desk) Receipt(_ context.Context, no string) (*receipt.Receipt, error) {
	return d.c.Core.Receipt(no)
}

// Unknown lists the payments in doubt, oldest first: UNKNOWN, and CONFLICT
// (the order number is another payment's at WeChat; the manager
// acknowledges it with force void). It reads through the payment core in
// one read: a screen never opens a transaction of its own (one opened
// inside another deadlocks with a write that grows the map).
func (d *Desk) Unknown(ctx context.Context) ([]*pos.Order, error) {
	open, err := d.c.Core.OpenOrders()
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
func (d *Desk) ForcePaid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error) {
	return d.c.Core.ForcePaid(ctx, no, a, reason)
}

// ForceVoid gives up on an UNKNOWN payment (reverse/close queued).
func (d *Desk) ForceVoid(ctx context.Context, no string, a pos.Approval, reason string) (*pos.Order, error) {
	return d.c.Core.ForceVoid(ctx, no, a, reason)
}

// Days is the day book.
func (d *Desk) Days() *report.Book { return d.c.Book }

func (d *Desk) exportFile(name string, write func(f *os.File) error) (string, error) {
	dir := d.c.ExportDir
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
func (d *Desk) ExportReport(r *report.Report) (string, error) {
	name := fmt.Sprintf("x-%s-%s.csv", r.Day, r.TakenAt.In(tz.Shanghai).Format("150405"))
	if r.Kind == receipt.ReportZ {
		name = fmt.Sprintf("z-%06d-%s.csv", r.ZNo, r.Day)
	}
	return d.exportFile(name, func(f *os.File) error { return report.WriteCSV(f, r, d.csvLang()) })
}

// csvLang is the header language of the files the manager exports: the
// window's language (csvout: Chinese headers for zh-CN, English for en).
func (d *Desk) csvLang() csvout.Lang { return csvout.LangOf(d.cfg.UI.Locale) }

// Settings returns the configuration in force.
func (d *Desk) Settings() config.Config { return d.cfg }

// CheckKeys checks merchant key files.
func (d *Desk) CheckKeys(w config.WeChat) []KeyFinding {
	if d.c.CheckKeys == nil {
		return nil
	}
	return d.c.CheckKeys(w)
}

// ErrSettingsInvalid wraps a settings change the configuration refuses.
var ErrSettingsInvalid = errors.New("settings not saved")

// SaveSettings validates c exactly as loading would, writes it atomically
// to the config file (training default path when none was loaded) and
// records which settings changed in the audit trail. The running terminal
// keeps its settings until restarted, except the language.
func (d *Desk) SaveSettings(_ context.Context, c config.Config, by string) error {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("%w: %v", ErrSettingsInvalid, err)
	}
	if _, err := config.Parse(buf.Bytes()); err != nil {
		return fmt.Errorf("%w: %w", ErrSettingsInvalid, err)
	}
	path := d.cfg.Path
	if path == "" {
		p, err := config.DefaultPath()
		if err != nil {
			return err
		}
		path = p
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	tmp.Close()
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	changed := changedFields(d.cfg, c)
	d.cfg = c
	d.cfg.Path = path
	return d.c.DB.Update(func(tx *storage.Tx) error {
		_, err := tx.AppendEvent(storage.Event{Kind: staff.KindSettings, Ref: path, Actor: by, Reason: strings.Join(changed, ",")})
		return err
	})
}

// changedFields names the TOML keys whose values differ (never values: some
// are key file paths, none are secrets, but the trail only needs names).
func changedFields(a, b config.Config) []string {
	var ab, bb bytes.Buffer
	toml.NewEncoder(&ab).Encode(a)
	toml.NewEncoder(&bb).Encode(b)
	parse := func(s string) map[string]string {
		m, section := map[string]string{}, ""
		for _, l := range strings.Split(s, "\n") {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "[") {
				section = strings.Trim(l, "[]") + "."
			} else if k, v, ok := strings.Cut(l, "="); ok {
				m[section+strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		return m
	}
	ma, mb := parse(ab.String()), parse(bb.String())
	var out []string
	for k, v := range mb {
		if ma[k] != v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// SaveLanguage keeps the cashier's language choice in the config file
// (audited like any settings change, by "counter").
func (d *Desk) SaveLanguage(ctx context.Context, l Lang) error {
	c := d.cfg
	c.UI.Locale = string(l)
	return d.SaveSettings(ctx, c, "counter")
}

// Drawer opens a cash drawer; *escpos.Printer satisfies it.
type Drawer interface {
	OpenDrawer(ctx context.Context) error
}

// ErrNoDrawer is returned by OpenDrawer when no printer (and so no drawer)
// is configured.
var ErrNoDrawer = errors.New("no cash drawer: configure a receipt printer")

// OpenDrawer pulses the drawer and appends a drawer.open event naming the
// approving manager and the cashier at the counter.
func (d *Desk) OpenDrawer(ctx context.Context, ap staff.Approval) error {
	if d.c.Drawer == nil {
		return ErrNoDrawer
	}
	err := d.c.Drawer.OpenDrawer(ctx)
	reason := "opened"
	if err != nil {
		reason = "failed: " + err.Error()
	}
	if aerr := d.c.DB.Update(func(tx *storage.Tx) error {
		_, err := tx.AppendEvent(storage.Event{Kind: "drawer.open", Actor: ap.Approver, Ref: ap.Actor, Reason: reason})
		return err
	}); aerr != nil && err == nil {
		err = fmt.Errorf("drawer opened but not recorded: %w", aerr)
	}
	return err
}

// Trail reads the audit trail.
func (d *Desk) Trail(f staff.Filter) ([]storage.Event, error) { return staff.Trail(d.c.DB, f) }

// ExportTrail writes events as CSV into the export directory.
func (d *Desk) ExportTrail(events []storage.Event) (string, error) {
	name := "audit-" + time.Now().In(tz.Shanghai).Format("20060102-150405") + ".csv"
	return d.exportFile(name, func(f *os.File) error { return staff.WriteCSV(f, events, tz.Shanghai, d.csvLang()) })
}

// DocSink prints a laid-out document; *escpos.Printer satisfies it.
type DocSink interface {
	Print(ctx context.Context, d receipt.Doc, o *escpos.RenderOptions) error
}

// DocPrinter lays out receipts and day reports for a paper width and sends
// them to a DocSink: it is both the Printer the screens use and the
// ReportPrinter the day screens use for X/Z reports and Z reprints.
type DocPrinter struct {
	Sink DocSink
	Cols int // 32 (58 mm) or 48 (80 mm)
}

var (
	_ Printer       = DocPrinter{}
	_ ReportPrinter = DocPrinter{}
)

// Print lays out and prints a receipt; a cash sale also opens the drawer.
func (p DocPrinter) Print(ctx context.Context, r receipt.Receipt, reprint bool) error {
	d, err := receipt.Layout(r, receipt.Options{Cols: p.Cols, Reprint: reprint, ReprintTime: reprintTime(reprint)})
	if err != nil {
		return err
	}
	kick := r.Kind == receipt.KindSale && r.Tender == receipt.TenderCash && !reprint
	return p.Sink.Print(ctx, d, &escpos.RenderOptions{KickDrawer: kick})
}

// PrintReport lays out and prints an X or Z report.
func (p DocPrinter) PrintReport(ctx context.Context, r receipt.DayReport, reprint bool) error {
	d, err := receipt.LayoutReport(r, receipt.Options{Cols: p.Cols, Reprint: reprint, ReprintTime: reprintTime(reprint)})
	if err != nil {
		return err
	}
	return p.Sink.Print(ctx, d, nil)
}

func reprintTime(reprint bool) time.Time {
	if reprint {
		return time.Now()
	}
	return time.Time{}
}
