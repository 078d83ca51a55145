package staffstore_test

import (
	"context"
	"errors"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/shiftstore"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
)

// TestPaymentCoreRefundNeedsManager drives pos.Terminal.Refund through the
// PaymentAuthorizer: the logged-in cashier cannot refund with their own PIN,
// a manager's PIN elevates the one refund and both names are on record.
func TestPaymentCoreRefundNeedsManager(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	cashier, err := f.dir.Login(ctx, "Li", "1357")
	if err != nil {
		t.Fatal(err)
	}
	clk := postest.NewAutoClock(f.clk.Now())
	term, err := pos.New(posstore.New(f.db), postest.NewGateway(clk.Now), pos.Config{
		StoreID: "S1", TerminalID: "T1", Clock: clk,
		Authorizer: staffstore.PaymentAuthorizer{Dir: f.dir, Actor: func() string { return cashier.Name }},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { term.Close() })
	if _, err := shiftstore.New(f.db, f.dir, nil).Open(ctx, "Li", "1357", 0); err != nil {
		t.Fatal(err) // with staff, the core sells only for the cashier signed in
	}
	sale, err := term.PayCash(ctx, pos.Sale{AmountFen: 2000, Cashier: cashier.Name}, 2000)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		approval pos.Approval
		want     error
	}{
		{"no PIN", pos.Approval{User: "Li"}, staff.ErrBadPIN},
		{"cashier's own PIN", pos.Approval{User: "Li", Credential: "1357"}, staff.ErrForbidden},
		{"manager, wrong PIN", pos.Approval{User: "Wang", Credential: "2460"}, staff.ErrBadPIN},
		{"manager PIN", pos.Approval{User: "Wang", Credential: "2468"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := term.Refund(ctx, pos.RefundOrder{OutTradeNo: sale.OutTradeNo, AmountFen: 500, Reason: "damaged", Approval: tt.approval})
			if tt.want != nil {
				if !errors.Is(err, tt.want) || !errors.Is(err, pos.ErrNotAuthorised) {
					t.Fatalf("Refund = %v, want %v and pos.ErrNotAuthorised", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.AuthorisedBy != "Wang" || r.State != pos.RefundSuccess {
				t.Fatalf("refund %+v", r)
			}
		})
	}
	rs, _ := term.RefundsOf(sale.OutTradeNo)
	if len(rs) != 1 {
		t.Fatalf("%d refunds stored, want only the approved one", len(rs))
	}
	ov := events(t, f.db, staff.KindOverride)
	if len(ov) != 1 || ov[0].Actor != "Wang" || ov[0].Ref != sale.OutTradeNo {
		t.Fatalf("override events %+v", ov)
	}
}
