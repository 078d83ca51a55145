package sandbox

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var testNow = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

// TestLegacyLedgerConverted opens a data directory holding the ledger.json
// of an older release (a paid order, its refund, a spent code, a pending
// notification, a moved clock): everything is found through the new
// indexes and the JSON file is set aside, so it is read once.
func TestLegacyLedgerConverted(t *testing.T) {
	dir := t.TempDir()
	code := NewCode(ScenarioSuccess)
	o := &order{OutTradeNo: "L1000001", TransactionID: "4200020260302000000000000000001", TradeType: tradeMicropay,
		State: stateRefund, AmountFen: 500, RefundedFen: 100, CodeDigest: codeDigest(code), CreateTime: testNow,
		SuccessTime: testNow, EndTime: testNow, Refunds: []string{"R1"}}
	r := &refund{OutRefundNo: "R1", RefundID: "50300000000000000001", OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID,
		AmountFen: 100, TotalFen: 500, Status: refundProcessing, CreateTime: testNow, CompleteAt: testNow.Add(time.Minute)}
	old := legacyLedger{Version: 1, Seq: 7, ClockOffset: time.Hour,
		Orders: map[string]*order{o.OutTradeNo: o}, OrderSeq: []string{o.OutTradeNo},
		Refunds: map[string]*refund{"R1": r}, RefundSeq: []string{"R1"},
		UsedCodes: map[string]string{codeDigest(code): o.OutTradeNo},
		Notices:   []*notice{{ID: "EV-1", Kind: noticePay, Gen: "v3", URL: "https://example.com/n", Ref: o.OutTradeNo, Created: testNow, Due: testNow, Order: o}}}
	data, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, legacyLedgerFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{DataDir: dir, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, legacyLedgerFile)); !os.IsNotExist(err) {
		t.Fatalf("ledger.json still in place after conversion: %v", err)
	}
	if got := s.Now(); !got.Equal(testNow.Add(time.Hour)) {
		t.Fatalf("clock %v, want the saved offset", got)
	}
	s.update(func(now time.Time) bool {
		if got := s.led.findOrder(o.TransactionID, ""); got == nil || got.OutTradeNo != o.OutTradeNo {
			t.Errorf("by transaction_id: %+v", got)
		}
		if !s.led.codeUsed(codeDigest(code)) {
			t.Error("spent code forgotten")
		}
		if got := s.led.refundByID(r.RefundID); got == nil || got.Status != refundSuccess {
			t.Errorf("refund not found by id or not settled by the moved clock: %+v", got)
		}
		if n := s.led.dueNotices(now); len(n) != 1 || n[0].ID != "EV-1" {
			t.Errorf("pending notifications %+v", n)
		}
		if got := s.led.next(); got != 8 {
			t.Errorf("next identifier %d, want 8 (counter kept)", got)
		}
		return false
	})
	st := s.Ledger()
	if len(st.Orders) != 1 || len(st.Refunds) != 1 {
		t.Fatalf("ledger %+v", st)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ds, err := ReadDataState(dir)
	if err != nil || ds.Seq < 7 || ds.Orders != 1 {
		t.Fatalf("data state %+v %v", ds, err)
	}
}

// fill writes n paid payment-code orders straight into the ledger.
func fill(b testing.TB, s *Server, n int) {
	for done := 0; done < n; {
		s.update(func(now time.Time) bool {
			for i := 0; i < 1000 && done < n; i, done = i+1, done+1 {
				o := &order{OutTradeNo: fmt.Sprintf("F%09d", done), TradeType: tradeMicropay, AmountFen: 100,
					Body: "fill", Fingerprint: "fill", CreateTime: now}
				s.led.addOrder(o)
				s.led.useCode(codeDigest(fmt.Sprintf("13000%013d", done)), o.OutTradeNo)
				s.led.markPaid(o, now)
			}
			return true
		})
	}
}

// BenchmarkPayAtSize is one payment-code payment and its query, on an
// empty ledger and on one of 100k orders, in memory and in a data
// directory (fsync per commit). The goal (issue 19): within 1.2× of empty.
func BenchmarkPayAtSize(b *testing.B) {
	for _, mode := range []string{"memory", "datadir"} {
		for _, size := range []int{0, 100000} {
			b.Run(fmt.Sprintf("%s/%d", mode, size), func(b *testing.B) {
				opts := Options{}
				if mode == "datadir" {
					opts.DataDir = b.TempDir()
				}
				s, err := New(opts)
				if err != nil {
					b.Fatal(err)
				}
				defer s.Close()
				fill(b, s, size)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					no := fmt.Sprintf("B%09d", i)
					in := payInput{OutTradeNo: no, AmountFen: 100, Body: "bench", AuthCode: fmt.Sprintf("13000199%010d", i), Gen: "v3"}
					var perr *apiError
					s.update(func(now time.Time) bool {
						_, perr = s.micropay(now, in)
						return true
					})
					var o *order
					s.update(func(time.Time) bool {
						o, _ = s.query("", no)
						return false
					})
					if perr != nil || o == nil || o.State != stateSuccess {
						b.Fatal(perr, o)
					}
				}
			})
		}
	}
}
