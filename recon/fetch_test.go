package recon_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/reconstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

type fakeSource struct {
	bills map[recon.Day]string
	errs  map[recon.Day]error
	asked []recon.Day
}

func (s *fakeSource) DownloadBill(ctx context.Context, d recon.Day) ([]byte, error) {
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("download without a deadline")
	}
	s.asked = append(s.asked, d)
	if err := s.errs[d]; err != nil {
		return nil, err
	}
	b, ok := s.bills[d]
	if !ok {
		return nil, recon.ErrNoTrades
	}
	return []byte(b), nil
}

// parseOK accepts any text but "bad", which fails like a malformed file.
func parseOK(r io.Reader) (recon.RowReader, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if string(b) == "bad" {
		return nil, errors.New("line 3 column 7: not an amount")
	}
	return recon.NewRows(nil), nil
}

func TestFetcherCycle(t *testing.T) {
	today := recon.Day("20261126")
	offline := errors.New("dial tcp: network is unreachable")
	tests := []struct {
		name       string
		now        time.Time
		firstSale  recon.Day // "" = no sales at all
		bills      map[recon.Day]string
		errs       map[recon.Day]error
		wantAsked  []recon.Day
		wantStored []recon.Day
		wantState  recon.FetchState
		wantNext   time.Time
	}{
		{
			name: "before ten nothing new", now: today.Start().Add(9 * time.Hour), firstSale: today.Add(-1),
			wantState: recon.FetchIdle, wantNext: today.Start().Add(10 * time.Hour),
		},
		{
			name: "after ten fetches yesterday", now: today.Start().Add(10*time.Hour + time.Minute), firstSale: today.Add(-1),
			bills: map[recon.Day]string{today.Add(-1): "ok"}, wantAsked: []recon.Day{today.Add(-1)}, wantStored: []recon.Day{today.Add(-1)},
			wantState: recon.FetchIdle, wantNext: today.Add(1).Start().Add(10 * time.Hour),
		},
		{
			name: "catches up missed days since the first sale", now: today.Start().Add(11 * time.Hour), firstSale: today.Add(-3),
			bills:     map[recon.Day]string{today.Add(-3): "ok", today.Add(-1): "ok"},
			wantAsked: []recon.Day{today.Add(-3), today.Add(-2), today.Add(-1)}, wantStored: []recon.Day{today.Add(-3), today.Add(-2), today.Add(-1)},
			wantState: recon.FetchIdle,
		},
		{
			name: "catch-up stops at the retention", now: today.Start().Add(11 * time.Hour), firstSale: today.Add(-200),
			wantState: recon.FetchIdle,
		},
		{
			name: "not ready waits half an hour and stores nothing", now: today.Start().Add(10*time.Hour + time.Minute), firstSale: today.Add(-2),
			bills: map[recon.Day]string{today.Add(-2): "ok", today.Add(-1): "ok"}, errs: map[recon.Day]error{today.Add(-1): recon.ErrNotReady},
			wantAsked: []recon.Day{today.Add(-2), today.Add(-1)}, wantStored: []recon.Day{today.Add(-2)},
			wantState: recon.FetchNotReady, wantNext: today.Start().Add(10*time.Hour + 31*time.Minute),
		},
		{
			name: "offline stops the catch-up and retries soon", now: today.Start().Add(12 * time.Hour), firstSale: today.Add(-2),
			errs:      map[recon.Day]error{today.Add(-2): offline},
			wantAsked: []recon.Day{today.Add(-2)}, wantState: recon.FetchFailed, wantNext: today.Start().Add(12*time.Hour + 5*time.Minute),
		},
		{
			name: "a malformed bill is not stored", now: today.Start().Add(12 * time.Hour), firstSale: today.Add(-1),
			bills: map[recon.Day]string{today.Add(-1): "bad"}, wantAsked: []recon.Day{today.Add(-1)}, wantState: recon.FetchFailed,
			wantNext: today.Start().Add(12*time.Hour + 5*time.Minute),
		},
		{
			name: "a malformed bill does not block the days after it", now: today.Start().Add(12 * time.Hour), firstSale: today.Add(-3),
			bills:     map[recon.Day]string{today.Add(-3): "bad", today.Add(-2): "ok", today.Add(-1): "ok"},
			wantAsked: []recon.Day{today.Add(-3), today.Add(-2), today.Add(-1)}, wantStored: []recon.Day{today.Add(-2), today.Add(-1)},
			wantState: recon.FetchFailed, wantNext: today.Start().Add(12*time.Hour + 5*time.Minute),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := storagetest.Open(t)
			if tc.firstSale != "" {
				putOrder(t, s, storage.Order{OutTradeNo: "PS1-T1-00000001", Tender: "cash", State: "PAID", AmountFen: 1, CreatedAt: tc.firstSale.Start().Add(time.Hour)})
			}
			src := &fakeSource{bills: tc.bills, errs: tc.errs}
			var seen []recon.Status
			f := &recon.Fetcher{
				Desk:   &recon.Desk{Book: reconstore.NewBillBook(s, func() time.Time { return tc.now }), Terminal: term, Parse: parseOK},
				Source: src, Now: func() time.Time { return tc.now },
				OnStatus: func(st recon.Status) { seen = append(seen, st) },
			}
			next := f.Cycle(context.Background())
			if tc.name == "catch-up stops at the retention" {
				if len(src.asked) != 90 || src.asked[0] != today.Add(-90) {
					t.Fatalf("asked %d days from %v, want the 90 days of retention", len(src.asked), src.asked[:1])
				}
			} else if !slices.Equal(src.asked, tc.wantAsked) {
				t.Fatalf("asked %v, want %v", src.asked, tc.wantAsked)
			}
			for _, d := range tc.wantStored {
				if !f.Desk.Book.HasBill(d) {
					t.Errorf("bill %s not stored", d)
				}
				if _, err := f.Desk.Book.Result(d); err != nil {
					t.Errorf("day %s not reconciled: %v", d, err)
				}
			}
			for _, d := range tc.wantAsked {
				if !slices.Contains(tc.wantStored, d) && tc.name != "catch-up stops at the retention" {
					if f.Desk.Book.HasBill(d) {
						t.Errorf("bill %s stored after a failed fetch", d)
					}
					if _, err := f.Desk.Book.Result(d); !errors.Is(err, recon.ErrNoResult) {
						t.Errorf("day %s has a result after a failed fetch: %v", d, err)
					}
				}
			}
			st := f.Status()
			if st.State != tc.wantState || len(seen) == 0 || seen[len(seen)-1] != st {
				t.Fatalf("status %+v (seen %d), want %s", st, len(seen), tc.wantState)
			}
			if !tc.wantNext.IsZero() && !next.Equal(tc.wantNext) {
				t.Fatalf("next run %v, want %v", next, tc.wantNext)
			}
			if st.State != recon.FetchIdle && st.Err == "" {
				t.Fatal("a waiting status must say why")
			}
		})
	}
}

func TestFetcherNoTradesReconcilesEmptyBill(t *testing.T) {
	s := storagetest.Open(t)
	yesterday := recon.Day("20261125")
	putOrder(t, s, storage.Order{OutTradeNo: "PS1-T1-00000001", Tender: "wechat_scan", State: "PAID", AmountFen: 100,
		Forced: true, CreatedAt: yesterday.Start().Add(12 * time.Hour)})
	now := yesterday.End().Add(11 * time.Hour)
	f := &recon.Fetcher{Desk: &recon.Desk{Book: reconstore.NewBillBook(s, nil), Terminal: recon.TerminalOf("S1", "T1"), Parse: parseOK},
		Source: &fakeSource{}, Now: func() time.Time { return now }}
	res, err := f.FetchDay(context.Background(), yesterday, "system")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Differences) != 1 || res.Differences[0].Kind != recon.KindLocalOnly || !res.Differences[0].Forced {
		t.Fatalf("differences %+v, want the forced-paid order as local-only", res.Differences)
	}
	if st := f.Status(); st.State != "" {
		t.Fatalf("FetchDay alone must not touch the worker status: %+v", st)
	}
}

func TestParseFetchAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"10:00", 10 * time.Hour, true},
		{"09:45", 9*time.Hour + 45*time.Minute, true},
		{"25:00", 0, false},
		{"ten", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := recon.ParseFetchAfter(tc.in)
			if (err == nil) != tc.ok || got != tc.want {
				t.Fatalf("ParseFetchAfter(%q) = %v, %v", tc.in, got, err)
			}
		})
	}
}

func TestFetcherWaitsForRetryTime(t *testing.T) {
	s := storagetest.Open(t)
	today := recon.Day("20261126")
	now := today.Start().Add(11 * time.Hour)
	putOrder(t, s, storage.Order{OutTradeNo: "PS1-T1-00000001", Tender: "cash", State: "PAID", AmountFen: 1, CreatedAt: today.Add(-1).Start()})
	src := &fakeSource{errs: map[recon.Day]error{today.Add(-1): recon.ErrNotReady}}
	f := &recon.Fetcher{Desk: &recon.Desk{Book: reconstore.NewBillBook(s, nil), Terminal: term, Parse: parseOK},
		Source: src, Now: func() time.Time { return now }}
	first := f.Cycle(context.Background())
	if want := now.Add(30 * time.Minute); !first.Equal(want) {
		t.Fatalf("next %v, want %v", first, want)
	}
	now = now.Add(10 * time.Minute)
	if next := f.Cycle(context.Background()); !next.Equal(first) || len(src.asked) != 1 {
		t.Fatalf("asked again before the retry time: %d calls, next %v", len(src.asked), next)
	}
	if st := f.Status(); st.State != recon.FetchNotReady || !st.NextAt.Equal(first) {
		t.Fatalf("waiting status %+v, want not ready until %v", st, first)
	}
	now = first
	delete(src.errs, today.Add(-1))
	src.bills = map[recon.Day]string{today.Add(-1): "ok"}
	f.Cycle(context.Background())
	if len(src.asked) != 2 || !f.Desk.Book.HasBill(today.Add(-1)) || f.Status().State != recon.FetchIdle {
		t.Fatalf("after the retry time: %d calls, status %+v", len(src.asked), f.Status())
	}
}

// streamSource is a BillStreamer: the fetcher must use DownloadBillTo
// (the bill goes to a temporary file, never whole into memory) and never
// DownloadBill.
type streamSource struct {
	t    *testing.T
	bill string
	err  error // returned after writing half the bill
}

func (s *streamSource) DownloadBill(context.Context, recon.Day) ([]byte, error) {
	s.t.Error("DownloadBill called on a source that streams")
	return nil, errors.New("not this way")
}

func (s *streamSource) DownloadBillTo(ctx context.Context, _ recon.Day, w io.Writer) error {
	if _, ok := ctx.Deadline(); !ok {
		return errors.New("download without a deadline")
	}
	if s.err != nil {
		io.WriteString(w, s.bill[:len(s.bill)/2])
		return s.err
	}
	_, err := io.WriteString(w, s.bill)
	return err
}

// TestFetcherStreamsToATemporaryFile: a source that streams has its bill
// spooled to a temporary file, checked and stored from there, and the file
// is gone afterwards; a download that breaks off stores nothing and leaves
// no file either.
func TestFetcherStreamsToATemporaryFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s := storagetest.Open(t)
	day := recon.Day("20261125")
	now := day.End().Add(11 * time.Hour)
	bill := strings.Repeat("a bill line\n", 1000)
	for _, tc := range []struct {
		name string
		src  *streamSource
	}{
		{"broken off", &streamSource{t: t, bill: bill, err: errors.New("connection reset")}},
		{"whole", &streamSource{t: t, bill: bill}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &recon.Fetcher{Desk: &recon.Desk{Book: reconstore.NewBillBook(s, nil), Terminal: term, Parse: parseOK},
				Source: tc.src, Now: func() time.Time { return now }}
			_, err := f.FetchDay(context.Background(), day, "system")
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Fatalf("temporary files left: %v", left)
			}
			if tc.src.err != nil {
				if !errors.Is(err, tc.src.err) || f.Desk.Book.HasBill(day) {
					t.Fatalf("err %v, stored %v", err, f.Desk.Book.HasBill(day))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, info, err := f.Desk.Book.Bill(day)
			if err != nil || string(got) != bill || info.Size != int64(len(bill)) {
				t.Fatalf("stored %d bytes (info %+v), %v", len(got), info, err)
			}
		})
	}
}

// TestFetcherBacksOffDefiniteAnswers: a bill not generated yet is asked
// for again at WeChat's generation time, not every half hour before it; a
// day WeChat refuses for good waits 1 h, 2 h, 4 h … (at most 24 h) and does
// not hold up the days after it; a day without trades is stored as such and
// never asked for again.
func TestFetcherBacksOffDefiniteAnswers(t *testing.T) {
	today := recon.Day("20261126")
	refused := fmt.Errorf("%w: wechat: v3 tradebill: HTTP 400 INVALID_REQUEST: 非法的账单日期", recon.ErrRefused)
	newFetcher := func(t *testing.T, now *time.Time, src *fakeSource, firstSale recon.Day) *recon.Fetcher {
		s := storagetest.Open(t)
		putOrder(t, s, storage.Order{OutTradeNo: "PS1-T1-00000001", Tender: "cash", State: "PAID", AmountFen: 1, CreatedAt: firstSale.Start().Add(time.Hour)})
		return &recon.Fetcher{Desk: &recon.Desk{Book: reconstore.NewBillBook(s, nil), Terminal: term, Parse: parseOK},
			Source: src, Now: func() time.Time { return *now }}
	}
	t.Run("not ready before the generation time", func(t *testing.T) {
		now := today.Start().Add(8*time.Hour + 5*time.Minute)
		src := &fakeSource{errs: map[recon.Day]error{today.Add(-1): recon.ErrNotReady}}
		f := newFetcher(t, &now, src, today.Add(-1))
		f.FetchAfter = 8 * time.Hour // a manager who asks early
		if next, want := f.Cycle(context.Background()), today.Start().Add(recon.BillsReadyAt); !next.Equal(want) {
			t.Fatalf("next %v, want the generation time %v", next, want)
		}
	})
	t.Run("refused waits longer each time and lets later days through", func(t *testing.T) {
		now := today.Start().Add(11 * time.Hour)
		src := &fakeSource{bills: map[recon.Day]string{today.Add(-1): "ok"}, errs: map[recon.Day]error{today.Add(-2): refused}}
		f := newFetcher(t, &now, src, today.Add(-2))
		for i, wait := range []time.Duration{time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 16 * time.Hour, 24 * time.Hour, 24 * time.Hour} {
			asked := len(src.asked)
			f.Cycle(context.Background())
			st := f.Desk.Book.FetchStatusOf(today.Add(-2))
			if !st.NextAt.Equal(now.Add(wait)) || len(src.asked) == asked {
				t.Fatalf("refusal %d: next %v, want %v later (%d asks)", i+1, st.NextAt, wait, len(src.asked))
			}
			if fs := f.Status(); fs.State != recon.FetchFailed || !strings.Contains(fs.Err, "INVALID_REQUEST") || fs.Day != today.Add(-2) {
				t.Fatalf("status %+v must say the day is refused and why", fs)
			}
			if !f.Desk.Book.HasBill(today.Add(-1)) {
				t.Fatal("a refused day held up the day after it")
			}
			before := askedFor(src, today.Add(-2))
			now = now.Add(wait / 2)
			if f.Cycle(context.Background()); askedFor(src, today.Add(-2)) != before {
				t.Fatal("asked again before the wait was over")
			}
			now = st.NextAt
		}
		delete(src.errs, today.Add(-2)) // WeChat serves it after all: the refusals count starts again
		src.errs[today.Add(-2)] = recon.ErrNotReady
		f.Cycle(context.Background())
		if st := f.Desk.Book.FetchStatusOf(today.Add(-2)); st.Refusals != 0 || !st.NextAt.Equal(now.Add(30*time.Minute)) {
			t.Fatalf("after another answer: %+v", st)
		}
	})
	t.Run("no trades is stored once", func(t *testing.T) {
		now := today.Start().Add(11 * time.Hour)
		src := &fakeSource{} // every day: ErrNoTrades
		f := newFetcher(t, &now, src, today.Add(-1))
		f.Cycle(context.Background())
		now = now.Add(6 * time.Hour)
		f.Cycle(context.Background())
		if len(src.asked) != 1 || !f.Desk.Book.HasBill(today.Add(-1)) || f.Status().State != recon.FetchIdle {
			t.Fatalf("asked %v, status %+v: want one ask and the day stored as without trades", src.asked, f.Status())
		}
		if _, info, err := f.Desk.Book.Bill(today.Add(-1)); err != nil || !info.NoBill {
			t.Fatalf("stored %+v, %v: want NoBill", info, err)
		}
	})
}

func askedFor(src *fakeSource, d recon.Day) int {
	n := 0
	for _, a := range src.asked {
		if a == d {
			n++
		}
	}
	return n
}

// flowSource is a fakeSource that also has fund-flow bills: a credit of
// net fen for each day it has, flowErr while set.
type flowSource struct {
	fakeSource
	net       map[recon.Day]int64
	flowErr   error
	flowAsked []recon.Day
}

func (s *flowSource) FundFlow(ctx context.Context, d recon.Day) ([]recon.FlowRow, error) {
	if _, ok := ctx.Deadline(); !ok {
		return nil, errors.New("fund flow without a deadline")
	}
	s.flowAsked = append(s.flowAsked, d)
	if s.flowErr != nil {
		return nil, s.flowErr
	}
	n, ok := s.net[d]
	if !ok {
		return nil, recon.ErrNoTrades
	}
	return []recon.FlowRow{{Time: d.Start().Add(time.Hour), BusinessID: "4200000001", Type: recon.FlowTrade, NetFen: n, Voucher: "PS1-T1-00000001"}}, nil
}

// TestFetcherChecksFundFlow: after storing and reconciling a day's trade
// bill the fetcher holds it against the day's fund flow and stores the
// check (an empty trade bill against a credit: one unbilled difference);
// a fund flow that could not be fetched is asked again by the next cycle,
// and once stored it is not asked for again.
func TestFetcherChecksFundFlow(t *testing.T) {
	s := storagetest.Open(t)
	yesterday := recon.Day("20261125")
	putOrder(t, s, storage.Order{OutTradeNo: "PS1-T1-00000001", Tender: "cash", State: "PAID", AmountFen: 1, CreatedAt: yesterday.Start().Add(time.Hour)})
	now := yesterday.End().Add(11 * time.Hour)
	src := &flowSource{fakeSource: fakeSource{bills: map[recon.Day]string{yesterday: "ok"}}, net: map[recon.Day]int64{yesterday: 994},
		flowErr: errors.New("dial tcp: network is unreachable")}
	book := reconstore.NewBillBook(s, func() time.Time { return now })
	f := &recon.Fetcher{Desk: &recon.Desk{Book: book, Terminal: term, Parse: parseOK}, Source: src, Now: func() time.Time { return now }}

	f.Cycle(context.Background())
	if _, err := book.Result(yesterday); err != nil {
		t.Fatalf("the trade bill's reconciliation waits for the fund flow: %v", err)
	}
	if _, err := book.FundFlow(yesterday); !errors.Is(err, recon.ErrNoFundFlow) {
		t.Fatalf("a fund flow stored although it could not be fetched: %v", err)
	}
	src.flowErr = nil
	now = now.Add(time.Hour)
	f.Cycle(context.Background())
	c, err := book.FundFlow(yesterday)
	if err != nil || c.Balanced() || c.FlowNetMilliFen != 994000 || len(c.Differences) != 1 ||
		c.Differences[0].Kind != recon.KindSettlementMismatch || c.Differences[0].Advice == "" {
		t.Fatalf("fund flow after the retry: %v %+v", err, c)
	}
	asked := len(src.flowAsked)
	f.Cycle(context.Background())
	if len(src.flowAsked) != asked {
		t.Fatalf("a stored fund flow was asked for again: %v", src.flowAsked)
	}
	if len(src.asked) != 1 {
		t.Fatalf("trade bill asked %v, want once", src.asked)
	}
}
