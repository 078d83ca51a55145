package pos_test

import (
	"context"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/receipt"
)

func TestScanFlow(t *testing.T) {
	type fault struct {
		op postest.Op
		f  []postest.Fault
	}
	tests := []struct {
		name      string
		sc        postest.Scenario
		faults    []fault
		down      bool // network off for the whole live flow
		want      pos.State
		wantCode  string
		ledger    pos.TradeStatus // "" = WeChat has no order
		charged   int
		afterRecv pos.State // state after a recovery run ("" = same as want)
	}{
		{name: "paid at once", sc: postest.Success, want: pos.StatePaid, ledger: pos.TradeSuccess, charged: 1},
		{name: "password then paid", sc: postest.UserPayingSuccess, want: pos.StatePaid, ledger: pos.TradeSuccess, charged: 1},
		{name: "password never entered: reversed", sc: postest.UserPayingTimeout, want: pos.StateReversed, ledger: pos.TradeRevoked},
		{name: "insufficient balance", sc: postest.NotEnough, want: pos.StateFailed, wantCode: "NOTENOUGH"},
		{name: "expired code", sc: postest.AuthCodeExpired, want: pos.StateFailed, wantCode: "AUTHCODEEXPIRE"},
		{name: "SYSTEMERROR but paid: query finds it", sc: postest.SystemErrorThenSuccess, want: pos.StatePaid, ledger: pos.TradeSuccess, charged: 1},
		{name: "answer lost after charge", sc: postest.Success, faults: []fault{{postest.OpPay, []postest.Fault{postest.DropAfter}}},
			want: pos.StatePaid, ledger: pos.TradeSuccess, charged: 1},
		{name: "request lost before WeChat: reversed to block, failed", sc: postest.Success,
			faults: []fault{{postest.OpPay, []postest.Fault{postest.DropBefore}}}, want: pos.StateReversing, afterRecv: pos.StateFailed, wantCode: "ORDER_NOT_EXIST"},
		{name: "answer lost, queries lost: unknown, recovery finds paid", sc: postest.Success,
			faults: []fault{{postest.OpPay, []postest.Fault{postest.DropAfter}},
				{postest.OpQuery, []postest.Fault{postest.DropBefore, postest.DropBefore, postest.DropBefore, postest.DropBefore, postest.DropBefore, postest.DropBefore, postest.DropBefore}}},
			want: pos.StateUnknown, ledger: pos.TradeSuccess, charged: 1, afterRecv: pos.StatePaid},
		{name: "password timeout, reverse lost: queued, recovery reverses", sc: postest.UserPayingTimeout,
			faults: []fault{{postest.OpReverse, []postest.Fault{postest.DropBefore}}},
			want:   pos.StateReversing, ledger: pos.TradeRevoked, afterRecv: pos.StateReversed},
		{name: "password timeout, reverse answer lost: retried, idempotent", sc: postest.UserPayingTimeout,
			faults: []fault{{postest.OpReverse, []postest.Fault{postest.DropAfter}}},
			want:   pos.StateReversing, ledger: pos.TradeRevoked, afterRecv: pos.StateReversed},
		{name: "offline: unknown, recovery resolves once online", sc: postest.Success, down: true,
			want: pos.StateUnknown, afterRecv: pos.StateFailed, wantCode: "ORDER_NOT_EXIST"},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, false)
			for _, f := range tc.faults {
				r.gw.Inject(f.op, f.f...)
			}
			r.gw.SetDown(tc.down)
			code := postest.Code(tc.sc, i)
			p, err := r.term.BeginScan(context.Background(), sale(1234), code)
			if err != nil {
				t.Fatal(err)
			}
			o := r.wait(p)
			if o.State != tc.want {
				t.Fatalf("state %s (%s %s), want %s", o.State, o.ErrorCode, o.Message, tc.want)
			}
			r.gw.SetDown(false)
			final := tc.want
			if tc.afterRecv != "" {
				r.clk.SetAuto(true)
				r.recover()
				final = tc.afterRecv
				if o, err = r.term.Order(p.OutTradeNo()); err != nil {
					t.Fatal(err)
				}
				if o.State != final {
					t.Fatalf("after recovery: state %s (%s), want %s", o.State, o.Message, final)
				}
			}
			if tc.wantCode != "" && o.ErrorCode != tc.wantCode {
				t.Errorf("error code %q, want %q", o.ErrorCode, tc.wantCode)
			}
			st, ok := r.gw.Status(o.OutTradeNo)
			if tc.ledger == "" && ok && st.Paid() {
				t.Errorf("ledger has %s, want nothing paid", st)
			}
			if tc.ledger != "" && st != tc.ledger {
				t.Errorf("ledger %s, want %s", st, tc.ledger)
			}
			if n := r.gw.Charged(code); n != tc.charged {
				t.Errorf("code charged %d times, want %d", n, tc.charged)
			}
			checkReceipt(t, r, o)
		})
	}
}

func checkReceipt(t *testing.T, r *rig, o *pos.Order) {
	t.Helper()
	if o.State != pos.StatePaid {
		if o.ReceiptNo != "" {
			t.Errorf("%s has receipt %s", o.State, o.ReceiptNo)
		}
		return
	}
	rc, err := r.term.Receipt(o.ReceiptNo)
	if err != nil {
		t.Fatalf("receipt %q: %v", o.ReceiptNo, err)
	}
	if rc.TotalFen != o.AmountFen || rc.OutTradeNo != o.OutTradeNo || rc.TransactionID != o.TransactionID {
		t.Errorf("receipt %+v does not match order %+v", rc, o)
	}
}

func TestScanCancelWhileWaitingReverses(t *testing.T) {
	r := newRig(t, false)
	ev := collect(t, r.term)
	ctx := context.Background()
	code := postest.Code(postest.UserPayingTimeout, 1)
	p, err := r.term.BeginScan(ctx, sale(500), code)
	if err != nil {
		t.Fatal(err)
	}
	// The flow polls on the fake clock; without advancing it, it waits.
	r.clk.WaitForWaiter(p.Done())
	if s := p.Order().State; s != pos.StateWaitingPassword {
		t.Fatalf("state %s, want WAITING_PASSWORD", s)
	}
	p.Cancel()
	o := r.wait(p)
	if o.State != pos.StateReversed {
		t.Fatalf("state %s, want REVERSED", o.State)
	}
	if st, _ := r.gw.Status(o.OutTradeNo); st != pos.TradeRevoked {
		t.Errorf("ledger %s, want REVOKED", st)
	}
	path := ev.path(o.OutTradeNo, 4)
	want := []string{"SUBMITTING", "WAITING_PASSWORD", "REVERSING", "REVERSED"}
	if len(path) != len(want) {
		t.Fatalf("events %v, want %v", path, want)
	}
	for i := range want {
		if path[i] != want[i] {
			t.Fatalf("events %v, want %v", path, want)
		}
	}
}

func TestPaymentCodeUsedOnce(t *testing.T) {
	r := newRig(t, true)
	ctx := context.Background()
	code := postest.Code(postest.NotEnough, 7)
	if _, err := r.term.PayScan(ctx, sale(100), code); err != nil {
		t.Fatal(err)
	}
	_, err := r.term.PayScan(ctx, sale(100), code)
	if !errors.Is(err, pos.ErrCodeUsed) {
		t.Fatalf("second use: %v, want ErrCodeUsed", err)
	}
	if n := r.gw.Calls(postest.OpPay); n != 1 {
		t.Errorf("%d pay calls, want 1", n)
	}
	// Survives a restart.
	r.restart()
	if _, err := r.term.PayScan(ctx, sale(100), code); !errors.Is(err, pos.ErrCodeUsed) {
		t.Fatalf("after restart: %v, want ErrCodeUsed", err)
	}
}

func TestBeginScanRejectsBadInput(t *testing.T) {
	r := newRig(t, true)
	tests := []struct {
		name string
		sale pos.Sale
		code string
		want error
	}{
		{"zero amount", sale(0), postest.Code(postest.Success, 1), pos.ErrBadAmount},
		{"alipay code", sale(100), "281234567890123456", pos.ErrBadRequest},
		{"short code", sale(100), "13000112345", pos.ErrBadRequest},
		{"lines do not add up", pos.Sale{AmountFen: 300, Cashier: "alice", Lines: []receipt.Line{{Name: "tea", Qty: 2, UnitFen: 100, TotalFen: 200}}}, postest.Code(postest.Success, 2), pos.ErrBadAmount},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := r.term.BeginScan(context.Background(), tc.sale, tc.code)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
	if n := r.gw.Calls(postest.OpPay); n != 0 {
		t.Errorf("%d pay calls for bad input", n)
	}
}

func TestOrderNumbers(t *testing.T) {
	tests := []struct{ store, term string }{{"S01", "T01"}, {"ABCDEF", "123456"}, {"1", "2"}}
	valid := regexp.MustCompile(`^P[0-9A-Za-z]{1,6}-[0-9A-Za-z]{1,6}-[A-Z2-7]{6}-[0-9]{8}$`)
	for _, tc := range tests {
		t.Run(tc.store+"/"+tc.term, func(t *testing.T) {
			r := newRig(t, true)
			r.cfg.StoreID, r.cfg.TerminalID = tc.store, tc.term
			r.term = r.newTerminal(r.store, r.gw)
			seen := map[string]bool{}
			for i := range 3 {
				o, err := r.term.PayCash(context.Background(), sale(100), 100)
				if err != nil {
					t.Fatal(err)
				}
				if !valid.MatchString(o.OutTradeNo) || seen[o.OutTradeNo] {
					t.Fatalf("order %d: number %q invalid or repeated", i, o.OutTradeNo)
				}
				seen[o.OutTradeNo] = true
			}
			r.restart()
			o, err := r.term.PayCash(context.Background(), sale(100), 100)
			if err != nil || seen[o.OutTradeNo] {
				t.Fatalf("after restart: %v, number %q reused", err, o.OutTradeNo)
			}
		})
	}
	for _, ids := range [][2]string{{"S-01", "T1"}, {"ABCDEFG", "T1"}, {"S1", "1234567"}} {
		if _, err := pos.New(newRig(t, true).store, postest.NewGateway(time.Now), pos.Config{StoreID: ids[0], TerminalID: ids[1]}); !errors.Is(err, pos.ErrBadRequest) {
			t.Errorf("ids %q: %v, want ErrBadRequest (a number must fit 32 characters)", ids, err)
		}
	}
}
