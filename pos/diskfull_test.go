package pos_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// TestDiskFull_RefusedBeforeAnyCall opens the database wanting more free
// space than any disk has (the real statfs check, the real error): scan,
// QR and refund are refused before a number is minted or WeChat is asked.
func TestDiskFull_RefusedBeforeAnyCall(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, true)
	paid := paidScan(t, r, 1000, 1)
	calls := func() int {
		n := 0
		for _, op := range []postest.Op{postest.OpPay, postest.OpCreateQR, postest.OpQuery, postest.OpRefund} {
			n += r.gw.Calls(op)
		}
		return n
	}
	before := calls()

	// The disk fills up under the terminal.
	path := r.db.Path()
	r.term.Close()
	r.db.Close()
	full, err := storage.Open(path, &storage.Options{MinFree: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { full.Close() })
	r.db, r.store = full, posstore.New(full)
	r.term = r.newTerminal(r.store, r.gw)

	tests := []struct {
		name string
		do   func() error
	}{
		{"scan", func() error { _, err := r.term.BeginScan(ctx, sale(500), postest.Code(postest.Success, 2)); return err }},
		{"QR", func() error { _, err := r.term.BeginQR(ctx, sale(500)); return err }},
		{"refund", func() error {
			_, err := r.term.Refund(ctx, pos.RefundOrder{Cashier: "alice", OutTradeNo: paid.OutTradeNo, AmountFen: 100, Reason: "退货", Approval: manager})
			return err
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if !errors.Is(err, pos.ErrDiskFull) {
				t.Fatalf("got %v, want ErrDiskFull", err)
			}
			want := "free space on " + filepath.Dir(path) + " before taking WeChat payments"
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		})
	}
	if n := calls(); n != before {
		t.Errorf("%d calls to WeChat on a full disk, want none", n-before)
	}
	open, _ := r.term.OpenOrders()
	rs, _ := r.term.RefundsOf(paid.OutTradeNo)
	if len(open) != 0 || len(rs) != 0 {
		t.Errorf("records written on a full disk: %d orders, %d refunds", len(open), len(rs))
	}
}

// TestDiskFull_PaidNotRecorded: WeChat takes the money, the disk refuses
// the PAID commit. The payment says so (not a bare UNKNOWN), nothing is
// charged twice, the database stays readable in its last committed state,
// and once space is free `wxpos recover` books the sale PAID.
func TestDiskFull_PaidNotRecorded(t *testing.T) {
	r := newRig(t, true)
	fa := &postest.FullAfter{Store: r.store, After: 1} // SUBMITTING is written; the PAID commit is not
	r.term = r.newTerminal(fa, r.gw)
	code := postest.Code(postest.Success, 7)
	p, err := r.term.BeginScan(context.Background(), sale(8888), code)
	if err != nil {
		t.Fatal(err)
	}
	o, err := p.Wait(context.Background())

	var nr *pos.NotRecordedError
	if !errors.As(err, &nr) || !nr.Paid || !errors.Is(err, pos.ErrDiskFull) {
		t.Fatalf("Wait: %v, want a paid *NotRecordedError wrapping ErrDiskFull", err)
	}
	for _, s := range []string{err.Error(), o.Message} {
		if !strings.Contains(s, "paid at WeChat, not recorded — free space and run `wxpos recover`") {
			t.Errorf("message %q does not tell the cashier what happened", s)
		}
	}
	if o.State == pos.StateUnknown && o.Message == "" {
		t.Error("a bare UNKNOWN")
	}
	if o.TransactionID == "" || o.ErrorCode != "NOT_RECORDED" {
		t.Errorf("snapshot %+v does not keep WeChat's answer", o)
	}

	// The database is readable and holds the last committed state.
	r.term.Close()
	r.db = storagetest.Reopen(t, r.db)
	r.store = posstore.New(r.db)
	stored, err := r.store.Order(o.OutTradeNo)
	if err != nil || stored.State != pos.StateSubmitting {
		t.Fatalf("stored order %+v %v, want SUBMITTING", stored, err)
	}

	// Space freed: recovery asks WeChat and books it, once.
	r.term = r.newTerminal(r.store, r.gw)
	r.recover()
	stored, err = r.store.Order(o.OutTradeNo)
	if err != nil || stored.State != pos.StatePaid || stored.ReceiptNo == "" || stored.TransactionID != o.TransactionID {
		t.Fatalf("after recover %+v %v, want PAID with a receipt and transaction %s", stored, err, o.TransactionID)
	}
	if n := r.gw.Charged(code); n != 1 {
		t.Errorf("customer charged %d times", n)
	}
}
