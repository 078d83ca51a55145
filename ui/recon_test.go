package ui

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
)

type fakeReconciler struct {
	mu      sync.Mutex
	res     *recon.Result
	calls   []recon.Action
	fetched []recon.Day
}

// flowReconciler is a fakeReconciler with a fund-flow check.
type flowReconciler struct {
	*fakeReconciler
	flow *recon.FundFlowCheck
}

func (f flowReconciler) FundFlow(_ context.Context, d recon.Day) (*recon.FundFlowCheck, error) {
	if f.flow == nil || f.flow.Day != d {
		return nil, recon.ErrNoFundFlow
	}
	return f.flow, nil
}

func (f *fakeReconciler) Days(context.Context) ([]recon.DaySummary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return []recon.DaySummary{{Day: f.res.Day, Counts: f.res.Counts, Differences: len(f.res.Differences), Open: f.res.Open()}}, nil
}

func (f *fakeReconciler) Result(context.Context, recon.Day) (*recon.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := *f.res
	c.Differences = append([]recon.Difference(nil), f.res.Differences...)
	return &c, nil
}

func (f *fakeReconciler) Fetch(ctx context.Context, d recon.Day) (*recon.Result, error) {
	f.mu.Lock()
	f.fetched = append(f.fetched, d)
	f.mu.Unlock()
	return f.Result(ctx, d)
}

func (f *fakeReconciler) Resolve(ctx context.Context, d recon.Day, id string, a recon.Action, note string, _ recon.Approver) (*recon.Result, string, error) {
	f.mu.Lock()
	f.calls = append(f.calls, a)
	f.res.Differences[0].Resolution = &recon.Resolution{Action: a, Actor: "boss", Note: "WeChat: SUCCESS"}
	f.mu.Unlock()
	res, err := f.Result(ctx, d)
	return res, "WeChat: SUCCESS", err
}

// buttons returns the buttons under o, depth first.
func buttons(o fyne.CanvasObject) []*keyButton {
	var out []*keyButton
	switch v := o.(type) {
	case *keyButton:
		out = append(out, v)
	case *fyne.Container:
		for _, c := range v.Objects {
			out = append(out, buttons(c)...)
		}
	}
	return out
}

func TestReconScreen(t *testing.T) {
	h := newHarness(t, WithLanguage(LangEN))
	day := recon.Day("20261125")
	f := &fakeReconciler{res: &recon.Result{Day: day, BillRows: 7,
		Counts: map[recon.Kind]int{recon.KindMatched: 5, recon.KindLocalOnly: 1, recon.KindOtherTerminal: 1},
		Totals: []recon.TenderTotal{{Tender: receipt.TenderWeChatScan, LocalCount: 6, LocalFen: 6000, BillCount: 5, BillFen: 5000, InBill: true}},
		Differences: []recon.Difference{{ID: "local_only/order/PS1-T1-00000002", Kind: recon.KindLocalOnly, Subject: recon.SubjectOrder,
			OutTradeNo: "PS1-T1-00000002", LocalFen: 1000, LocalState: "PAID", Forced: true,
			Actions: []recon.Action{recon.ActionQuery, recon.ActionExplain}}}}}
	h.term.ShowReconciliation(f)
	s := screenAs[*reconScreen](h)
	h.waitFor("result shown", func() bool { return strings.Contains(s.summary.Text, "1 open") })
	var counts []string
	for _, o := range s.counts.Objects {
		counts = append(counts, o.(*widget.Label).Text)
	}
	if got := strings.Join(counts, ","); !strings.Contains(got, "Terminal only 1") || !strings.Contains(got, "Other terminal 1") || !strings.Contains(got, "Matched 5") {
		t.Fatalf("category counts %q", got)
	}
	var query *keyButton
	for _, b := range buttons(s.diffs) {
		if b.Text == "Query now" {
			query = b
		}
	}
	if query == nil {
		t.Fatal("no Query now button on the difference")
	}
	test.Tap(query)
	h.waitFor("resolved", func() bool { return strings.Contains(s.summary.Text, "balanced") })
	if len(f.calls) != 1 || f.calls[0] != recon.ActionQuery || s.message.Text != "WeChat: SUCCESS" {
		t.Fatalf("calls %v, message %q", f.calls, s.message.Text)
	}
	for _, b := range buttons(s.diffs) {
		if b.Text == "Query now" {
			t.Fatal("a resolved difference still offers actions")
		}
	}
	h.key(fyne.KeyEscape)
	h.waitFor("back to sale", onScreen[*saleScreen](h))
}

func TestReconMessagesComplete(t *testing.T) {
	for k, tr := range reconMessages {
		if tr.zh == "" || tr.en == "" {
			t.Errorf("%s: empty text", k)
		}
		if a, b := verbRe.FindAllString(tr.zh, -1), verbRe.FindAllString(tr.en, -1); strings.Join(a, ",") != strings.Join(b, ",") {
			t.Errorf("%s: verbs differ: %v %v", k, a, b)
		}
	}
}

func TestReconStatusText(t *testing.T) {
	at := recon.Day("20261126").Start().Add(10*time.Hour + 30*time.Minute)
	tests := []struct {
		name string
		st   recon.Status
		want string
	}{
		{"idle and balanced", recon.Status{State: recon.FetchIdle}, ""},
		{"idle with open differences", recon.Status{State: recon.FetchIdle, Open: 2}, "2 reconciliation differences open"},
		{"not ready", recon.Status{State: recon.FetchNotReady, NextAt: at}, "Bill not ready, retry at 10:30"},
		{"offline", recon.Status{State: recon.FetchFailed, NextAt: at}, "Bill download failed, retry at 10:30"},
		{"working", recon.Status{State: recon.FetchWorking, Day: "20261125"}, "Fetching the 2026-11-25 bill"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := reconStatusText(newCatalog(LangEN), tc.st); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// The manager menu opens reconciliation when the terminal has it, and says
// so plainly when it does not.
func TestManagerMenuOpensReconciliation(t *testing.T) {
	w := newMgrWorld(t)
	for _, tc := range []struct {
		name   string
		opts   []Option
		opened bool
	}{
		{"connected", []Option{WithLanguage(LangEN), WithReconciler(&fakeReconciler{res: &recon.Result{Day: "20261125"}})}, true},
		{"not connected", []Option{WithLanguage(LangEN)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, tc.opts...)
			h.term.ShowManager(w.desk)
			home := screenAs[*managerHome](h)
			var btn *keyButton
			h.waitFor("menu", func() bool {
				for _, b := range buttons(home.body) {
					if strings.HasSuffix(b.Text, "  Reconciliation") {
						btn = b
					}
				}
				return btn != nil
			})
			test.Tap(btn)
			if tc.opened {
				screenAs[*reconScreen](h)
				h.key(fyne.KeyEscape) // 返回 goes back where it came from: the menu, not the sale
				h.waitFor("back to the menu", onScreen[*managerHome](h))
				return
			}
			if home.message.Text != h.term.mt(msgMgrReconOff) {
				t.Errorf("message %q", home.message.Text)
			}
		})
	}
}

// The status bar speaks up about the daily bill and head-office replication
// only when they need attention.
func TestStatusBarBackgroundWorkers(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name     string
		bill     recon.Status
		rep      ReplicaStatus
		want     []string
		wantWarn bool
	}{
		{"all healthy", recon.Status{}, ReplicaStatus{}, nil, false},
		{"bill failed, hq offline", recon.Status{State: recon.FetchFailed, NextAt: now.Add(5 * time.Minute)},
			ReplicaStatus{Err: errors.New("dial tcp: refused"), Pending: 12}, []string{"Bill download failed, retry at", "HQ sync offline (12 waiting)"}, true},
		{"hq behind", recon.Status{}, ReplicaStatus{Pending: 3, OldestPendingAt: now.Add(-5 * time.Minute)},
			[]string{"HQ sync behind: 3 events, 5 min"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, WithLanguage(LangEN),
				WithBillStatus(func() recon.Status { return tc.bill }),
				WithReplicaStatus(func() ReplicaStatus { return tc.rep }))
			var text string
			var warn bool
			h.waitFor("background line", func() bool {
				text = h.term.bar.Background()
				warn = h.term.bar.background.Color == colorWarning
				return len(tc.want) == 0 || text != ""
			})
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("status bar %q lacks %q", text, w)
				}
			}
			if len(tc.want) == 0 && text != "" {
				t.Errorf("healthy workers made the bar say %q", text)
			}
			if warn != tc.wantWarn {
				t.Errorf("warn = %v, want %v", warn, tc.wantWarn)
			}
		})
	}
}

// "Fetch bill now" fetches the day typed in the field, and the status line
// beside the back button is wide enough to read (it was drawn a character a
// line in an HBox).
func TestReconFetchTypedDayAndReadableMessage(t *testing.T) {
	h := newHarness(t, WithLanguage(LangEN))
	f := &fakeReconciler{res: &recon.Result{Day: "20261125", Counts: map[recon.Kind]int{}}}
	h.term.ShowReconciliation(f)
	s := screenAs[*reconScreen](h)
	h.waitFor("first result", func() bool { return s.summary.Text != "" })
	s.dayIn.SetText("2026-11-20")
	var fetch *keyButton
	for _, b := range buttons(h.w.Content()) {
		if b.Text == "Fetch bill now" {
			fetch = b
		}
	}
	if fetch == nil {
		t.Fatal("no Fetch bill now button")
	}
	test.Tap(fetch)
	h.waitFor("fetched", func() bool { f.mu.Lock(); defer f.mu.Unlock(); return len(f.fetched) == 1 })
	if f.fetched[0] != "20261120" {
		t.Fatalf("fetched %s, want the typed day 20261120", f.fetched[0])
	}
	s.message.SetText(s.rt(msgReconNone))
	if w, min := s.message.Size().Width, fyne.MeasureText("Not reconciled", theme.TextSize(), fyne.TextStyle{}).Width; w < min {
		t.Fatalf("status line %.0f px wide, narrower than two words (%.0f px)", w, min)
	}
}

// TestReconScreenShowsFundFlow: under a day's reconciliation the screen
// shows the day's fund-flow check — the nets side by side and each
// difference with what to do — and nothing for a day without one.
func TestReconScreenShowsFundFlow(t *testing.T) {
	h := newHarness(t, WithLanguage(LangEN))
	day := recon.Day("20261125")
	f := flowReconciler{fakeReconciler: &fakeReconciler{res: &recon.Result{Day: day, BillRows: 2,
		Counts: map[recon.Kind]int{recon.KindMatched: 2}}},
		flow: &recon.FundFlowCheck{Day: day, BillNetMilliFen: 2055000, FlowNetMilliFen: 2088000, BillFeeMilliFen: 12000, FlowFeeMilliFen: 12000,
			Differences: []recon.Difference{{ID: "settlement_mismatch/refund/503", Kind: recon.KindSettlementMismatch, Subject: recon.SubjectRefund,
				RefundID: "503", OutRefundNo: "RS1-T1-00000001", LocalFen: -331, BillFen: -298}}}}
	h.term.ShowReconciliation(f)
	s := screenAs[*reconScreen](h)
	h.waitFor("fund flow shown", func() bool { return len(s.flow.Objects) == 2 })
	head, line := s.flow.Objects[0].(*widget.Label).Text, s.flow.Objects[1].(*widget.Label).Text
	if !strings.Contains(head, "1 differences") || !strings.Contains(head, "20.55") || !strings.Contains(head, "20.88") {
		t.Fatalf("fund-flow head %q", head)
	}
	if !strings.Contains(line, "Settlement mismatch 503") || !strings.Contains(line, "-¥3.31") || !strings.Contains(line, "-¥2.98") ||
		!strings.Contains(line, "check coupons and the fee") {
		t.Fatalf("fund-flow difference %q", line)
	}
	f.flow = nil
	h.term.ShowReconciliation(flowReconciler{fakeReconciler: f.fakeReconciler})
	s = screenAs[*reconScreen](h)
	h.waitFor("result shown", func() bool { return strings.Contains(s.summary.Text, "balanced") })
	if len(s.flow.Objects) != 0 {
		t.Fatalf("a day without a fund-flow check shows %d lines", len(s.flow.Objects))
	}
}
