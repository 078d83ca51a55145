package recon

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/wxpos/wxpos/internal/ctxtime"
)

// ErrNotReady is returned by a BillSource when WeChat has not generated the
// bill yet (v3 STATEMENT_CREATING, or asked before 10:00): retry later.
var ErrNotReady = errors.New("bill not ready yet")

// ErrNoTrades is returned by a BillSource when WeChat has no bill for the
// day because nothing was paid or refunded (v3 NO_STATEMENT_EXIST, v2 "No
// Bill Exist"/20002). The day is then reconciled against an empty bill.
var ErrNoTrades = errors.New("no bill: no trade that day")

// ErrRefused is returned by a BillSource when WeChat refuses the day's
// bill for good (a date it will not serve, no permission, a parameter it
// rejects): asking again in five minutes gets the same answer, so the
// fetcher waits hours and goes on with the other days.
var ErrRefused = errors.New("bill refused by WeChat")

// BillsReadyAt is when WeChat's bill of a day can be fetched: it starts
// generating it at 09:00 the next day and tells merchants to fetch after
// 10:00 (Asia/Shanghai). A "not ready" answer before then is retried then,
// not every half hour.
const BillsReadyAt = 10 * time.Hour

// BillSource downloads the ALL trade bill of a day as plain text. Errors
// that are neither ErrNotReady nor ErrNoTrades (offline, timeout, 5xx, a bad
// hash) mean "try again later".
type BillSource interface {
	DownloadBill(ctx context.Context, day Day) ([]byte, error)
}

// BillStreamer is a BillSource that can also write the bill into w as it
// downloads it (same errors). The fetcher then keeps the bill in a
// temporary file while it checks and stores it, never whole in memory: a
// merchant number shared by many tills has days of tens of MB.
type BillStreamer interface {
	BillSource
	DownloadBillTo(ctx context.Context, day Day, w io.Writer) error
}

// FundFlowSource is a BillSource that also fetches the basic account's
// fund-flow bill of a day (live.Source does). Errors as DownloadBill's;
// ErrNoFundFlowSource when this merchant's fund flow cannot be fetched
// (the client cannot, or a sub-merchant's is not its provider's to
// fetch).
type FundFlowSource interface {
	FundFlow(ctx context.Context, day Day) ([]FlowRow, error)
}

// ErrNoFundFlowSource is returned by FetchFundFlow when the bill source
// fetches no fund-flow bills.
var ErrNoFundFlowSource = errors.New("no fund-flow bills from this source")

// fundFlowRetryDays is how many days back Cycle checks a fund flow that is
// still missing (its bill was not ready, or the network dropped, when the
// trade bill was fetched).
const fundFlowRetryDays = 7

// FetchState is what the fetch worker is doing, for the status bar.
type FetchState string

// Fetch states.
const (
	FetchIdle     FetchState = "idle"      // everything fetched; waits for the next day
	FetchWorking  FetchState = "fetching"  // downloading or reconciling
	FetchNotReady FetchState = "not_ready" // WeChat has not made the bill yet; retry at NextAt
	FetchFailed   FetchState = "failed"    // offline or a bad bill; retry at NextAt
)

// Status is the fetch worker's state as shown in the status bar.
type Status struct {
	State  FetchState
	Day    Day       // the day being fetched or that failed
	NextAt time.Time // when the worker tries again
	Err    string    // why it waits, when it does
	// Open is the number of unresolved differences over the reconciled
	// days the worker knows of (refreshed after each reconciliation).
	Open int
}

// Fetcher is the automatic daily bill worker: after FetchAfter (Asia/
// Shanghai) it fetches the previous day's bill, catches up missed days
// within the retention, stores each bill and reconciles it. A day whose
// download fails or is not ready is retried later; no result is stored
// for a day until its whole bill has been read and checked.
type Fetcher struct {
	Desk   *Desk
	Source BillSource
	// FetchAfter is the time of day (since midnight, Asia/Shanghai) after
	// which yesterday's bill is fetched; default 10 h.
	FetchAfter time.Duration
	// Retention is how many days back bills can be fetched; default 90
	// (WeChat keeps three months).
	Retention int
	// RetryNotReady and RetryFailed are the waits after "not ready" (30 min,
	// and never before BillsReadyAt of the next day) and after a failure
	// (5 min).
	RetryNotReady, RetryFailed time.Duration
	// RetryRefused is the first wait after WeChat refused a day's bill
	// (ErrRefused; default 1 h); it doubles with each refusal, up to 24 h.
	RetryRefused time.Duration
	// CallTimeout bounds one download; default 2 min.
	CallTimeout time.Duration
	// Now and Wait are the clock; nil means the real one.
	Now  func() time.Time
	Wait func(ctx context.Context, d time.Duration) error
	// OnStatus, if set, is called (from the worker goroutine) on every
	// status change. It must not block.
	OnStatus func(Status)
	Logger   *slog.Logger

	mu     sync.Mutex
	status Status
}

func (f *Fetcher) defaults() {
	if f.FetchAfter == 0 {
		f.FetchAfter = 10 * time.Hour
	}
	if f.Retention == 0 {
		f.Retention = 90
	}
	if f.RetryNotReady == 0 {
		f.RetryNotReady = 30 * time.Minute
	}
	if f.RetryFailed == 0 {
		f.RetryFailed = 5 * time.Minute
	}
	if f.RetryRefused == 0 {
		f.RetryRefused = time.Hour
	}
	if f.CallTimeout == 0 {
		f.CallTimeout = 2 * time.Minute
	}
	if f.Now == nil {
		f.Now = time.Now
	}
	if f.Wait == nil {
		f.Wait = ctxtime.Sleep
	}
	if f.Logger == nil {
		f.Logger = slog.New(slog.DiscardHandler)
	}
}

// Status returns the worker's current status.
func (f *Fetcher) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

func (f *Fetcher) setStatus(s Status) {
	f.mu.Lock()
	if s.State != FetchWorking {
		s.Open = f.openDifferences()
	} else {
		s.Open = f.status.Open
	}
	f.status = s
	cb := f.OnStatus
	f.mu.Unlock()
	if cb != nil {
		cb(s)
	}
}

func (f *Fetcher) openDifferences() int {
	days, err := f.Desk.Book.Days()
	if err != nil {
		return 0
	}
	n := 0
	for _, d := range days {
		n += d.Open
	}
	return n
}

// Latest is the newest day whose bill should exist at now.
func (f *Fetcher) Latest(now time.Time) Day {
	f.defaults()
	today := DayOf(now)
	if now.Sub(today.Start()) >= f.FetchAfter {
		return today.Add(-1)
	}
	return today.Add(-2)
}

// Due lists the days whose bill should be fetched at now, oldest first:
// the latest available day and every earlier day within the retention,
// since the terminal's first sale, that has no stored bill.
func (f *Fetcher) Due(now time.Time) ([]Day, error) {
	f.defaults()
	latest := f.Latest(now)
	first := DayOf(now).Add(-f.Retention)
	if fd, ok, err := f.Desk.Book.FirstSaleDay(); err != nil {
		return nil, err
	} else if !ok {
		first = latest // a new terminal: just the latest day
	} else if fd > latest {
		return nil, nil // the first sale is newer than any bill
	} else if fd > first {
		first = fd
	}
	var due []Day
	for d := first; d <= latest; d = d.Add(1) {
		if !f.Desk.Book.HasBill(d) {
			due = append(due, d)
		}
	}
	return due, nil
}

// Run fetches and reconciles until ctx ends.
func (f *Fetcher) Run(ctx context.Context) error {
	f.defaults()
	for {
		next := f.Cycle(ctx)
		wait := max(next.Sub(f.Now()), time.Second)
		if err := f.Wait(ctx, wait); err != nil {
			return err
		}
	}
}

// Cycle fetches every due day once, oldest first, and returns when to run
// again. "Not ready" and download failures (offline, 5xx) stop the round:
// the next days would fail the same way. A bill that downloads but does
// not read (malformed, summary mismatch) is skipped until its retry time so
// that it never blocks the days after it. A day waiting for its retry time
// is left alone until then.
func (f *Fetcher) Cycle(ctx context.Context) time.Time {
	f.defaults()
	now := f.Now()
	due, err := f.Due(now)
	if err != nil {
		f.setStatus(Status{State: FetchFailed, Err: err.Error(), NextAt: now.Add(f.RetryFailed)})
		return now.Add(f.RetryFailed)
	}
	next := DayOf(now).Add(1).Start().Add(f.FetchAfter)
	if f.Latest(now) == DayOf(now).Add(-2) {
		next = DayOf(now).Start().Add(f.FetchAfter) // today's fetch time has not come yet
	}
	var failed *Status
	for _, day := range due {
		if ctx.Err() != nil {
			return now
		}
		st := f.Desk.Book.FetchStatusOf(day)
		if st.NextAt.After(now) {
			if st.NextAt.Before(next) {
				next = st.NextAt
			}
			if failed == nil {
				state := FetchFailed
				if st.NotReady {
					state = FetchNotReady
				}
				failed = &Status{State: state, Day: day, NextAt: st.NextAt, Err: st.LastErr}
			}
			continue
		}
		f.setStatus(Status{State: FetchWorking, Day: day})
		_, err := f.FetchDay(ctx, day, "system")
		if err == nil {
			continue
		}
		st.Attempts++
		st.LastAt, st.LastErr = f.Now(), err.Error()
		state := FetchFailed
		if errors.Is(err, ErrNotReady) {
			state = FetchNotReady
		}
		if errors.Is(err, ErrRefused) {
			st.Refusals++
		} else {
			st.Refusals = 0
		}
		st.NextAt, st.NotReady = f.retryAt(day, st, err), state == FetchNotReady
		if serr := f.Desk.Book.SetFetchStatus(st); serr != nil {
			f.Logger.Error("bill fetch status", "day", day, "err", serr)
		}
		f.Logger.Warn("bill fetch", "day", day, "attempt", st.Attempts, "err", err, "next", st.NextAt)
		cur := Status{State: state, Day: day, NextAt: st.NextAt, Err: err.Error()}
		if errors.Is(err, ErrBadBill) || errors.Is(err, ErrRefused) {
			if st.NextAt.Before(next) {
				next = st.NextAt
			}
			if failed == nil {
				failed = &cur
			}
			continue
		}
		f.setStatus(cur)
		return st.NextAt
	}
	f.retryFundFlows(ctx, now)
	if failed != nil {
		f.setStatus(*failed)
		return next
	}
	f.setStatus(Status{State: FetchIdle, NextAt: next})
	return next
}

// retryFundFlows checks the fund flow of the recent days whose trade bill
// is stored and whose fund flow is not; a failure waits for the next cycle.
func (f *Fetcher) retryFundFlows(ctx context.Context, now time.Time) {
	if _, ok := f.Source.(FundFlowSource); !ok {
		return
	}
	for day, i := f.Latest(now), 0; i < fundFlowRetryDays && ctx.Err() == nil; day, i = day.Add(-1), i+1 {
		if !f.Desk.Book.HasBill(day) {
			continue
		}
		if _, err := f.Desk.Book.FundFlow(day); !errors.Is(err, ErrNoFundFlow) {
			continue
		}
		if _, err := f.FetchFundFlow(ctx, day, "system"); err != nil {
			if errors.Is(err, ErrNoFundFlowSource) {
				return
			}
			f.Logger.Warn("fund flow", "day", day, "err", err)
		}
	}
}

// FetchFundFlow downloads day's fund-flow bill of the basic account and
// holds the stored trade bill of the day (the merchant's, every terminal's
// trades) against it (CheckFundFlow), storing the check. The trade bill
// must be stored first (ErrNoBill).
func (f *Fetcher) FetchFundFlow(ctx context.Context, day Day, actor string) (*FundFlowCheck, error) {
	f.defaults()
	src, ok := f.Source.(FundFlowSource)
	if !ok {
		return nil, ErrNoFundFlowSource
	}
	plain, info, err := f.Desk.Book.OpenBill(day)
	if err != nil {
		return nil, fmt.Errorf("fund flow %s: %w", day, err)
	}
	cctx, cancel := context.WithTimeout(ctx, f.CallTimeout)
	flow, err := src.FundFlow(cctx, day)
	cancel()
	if errors.Is(err, ErrNoTrades) {
		flow, err = nil, nil // nothing moved in the account that day
	}
	if err != nil {
		return nil, fmt.Errorf("fund flow %s: %w", day, err)
	}
	var rows RowReader = NewRows(nil)
	if !info.NoBill {
		if rows, err = f.Desk.Parse(plain); err != nil {
			return nil, fmt.Errorf("fund flow %s: trade bill: %w", day, err)
		}
	}
	c, err := CheckFundFlow(day, rows, flow)
	if err != nil {
		return nil, err
	}
	c.At = f.Now()
	if err := f.Desk.Book.SaveFundFlow(c, actor); err != nil {
		return nil, fmt.Errorf("fund flow %s: %w", day, err)
	}
	return c, nil
}

// retryAt is when day's bill is asked for again after err, st being its
// fetch record with this attempt counted: a bill not ready yet at its
// generation time (else in RetryNotReady), a refused one after a wait that
// doubles with each refusal in a row (RetryRefused, 2×, 4× … at most
// 24 h), anything else (offline, a bad bill) after RetryFailed.
func (f *Fetcher) retryAt(day Day, st FetchStatus, err error) time.Time {
	switch {
	case errors.Is(err, ErrNotReady):
		return later(st.LastAt.Add(f.RetryNotReady), day.Add(1).Start().Add(BillsReadyAt))
	case errors.Is(err, ErrRefused):
		wait := f.RetryRefused
		for i := 1; i < st.Refusals && wait < 24*time.Hour; i++ {
			wait *= 2
		}
		return st.LastAt.Add(min(wait, 24*time.Hour))
	}
	return st.LastAt.Add(f.RetryFailed)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// ErrBadBill is wrapped by FetchDay's error for a bill that was downloaded
// but does not read: malformed, or a summary that does not match its rows.
var ErrBadBill = errors.New("bill does not read")

// FetchDay downloads day's bill, checks that it reads to the end with a
// matching summary, stores it and reconciles the day. A bill that does not
// read is not stored.
func (f *Fetcher) FetchDay(ctx context.Context, day Day, actor string) (*Result, error) {
	f.defaults()
	if !day.Valid() {
		return nil, fmt.Errorf("fetch bill: invalid day %q", day)
	}
	cctx, cancel := context.WithTimeout(ctx, f.CallTimeout)
	bill, err := f.download(cctx, day)
	cancel()
	defer bill.discard()
	info := BillInfo{Source: "download", At: f.Now()}
	switch {
	case errors.Is(err, ErrNoTrades):
		info.NoBill = true
	case err != nil:
		return nil, fmt.Errorf("fetch bill %s: %w", day, err)
	default:
		r, err := bill.open()
		if err == nil {
			err = CheckBillReader(f.Desk.Parse, r)
		}
		if err != nil {
			return nil, fmt.Errorf("fetch bill %s: %w: %w", day, ErrBadBill, err)
		}
	}
	r, err := bill.open()
	if err != nil {
		return nil, fmt.Errorf("fetch bill %s: %w", day, err)
	}
	if err := f.Desk.Book.SaveBillFrom(day, r, info, actor); err != nil {
		return nil, err
	}
	res, err := f.Desk.Reconcile(day, actor)
	if err != nil {
		return nil, err
	}
	// The fund flow is the merchant's, checked beside the terminal's
	// reconciliation; a failure is retried by the next Cycle.
	if _, err := f.FetchFundFlow(ctx, day, actor); err != nil && !errors.Is(err, ErrNoFundFlowSource) {
		f.Logger.Warn("fund flow", "day", day, "err", err)
	}
	return res, nil
}

// downloaded is a downloaded bill: in memory, or spooled to a temporary
// file by a BillStreamer. The zero value is the empty bill.
type downloaded struct {
	plain []byte
	file  *os.File
}

// download fetches day's bill, spooled to a temporary file when the
// source can stream it.
func (f *Fetcher) download(ctx context.Context, day Day) (*downloaded, error) {
	bs, ok := f.Source.(BillStreamer)
	if !ok {
		plain, err := f.Source.DownloadBill(ctx, day)
		return &downloaded{plain: plain}, err
	}
	file, err := os.CreateTemp("", "wxpos-bill-*.csv")
	if err != nil {
		return &downloaded{}, fmt.Errorf("spool bill: %w", err)
	}
	d := &downloaded{file: file}
	return d, bs.DownloadBillTo(ctx, day, file)
}

// open reads the bill from its start.
func (d *downloaded) open() (io.Reader, error) {
	if d.file == nil {
		return bytes.NewReader(d.plain), nil
	}
	if _, err := d.file.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReader(d.file), nil
}

// discard removes the temporary file, if any.
func (d *downloaded) discard() {
	if d.file != nil {
		d.file.Close()
		os.Remove(d.file.Name())
	}
}

// CheckBill reads a whole bill with parse and returns the first error,
// summary mismatches included.
func CheckBill(parse ParseFunc, plain []byte) error {
	return CheckBillReader(parse, bytes.NewReader(plain))
}

// CheckBillReader is CheckBill reading the bill from r.
func CheckBillReader(parse ParseFunc, r io.Reader) error {
	rows, err := parse(r)
	if err != nil {
		return err
	}
	var row Row
	for {
		switch err := rows.Next(&row); {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return err
		}
	}
}

// ParseFetchAfter reads the configured bill.fetch_after ("10:00", Asia/
// Shanghai) as a time of day for Fetcher.FetchAfter.
func ParseFetchAfter(hhmm string) (time.Duration, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return 0, fmt.Errorf("bill.fetch_after %q: want HH:MM", hhmm)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}
