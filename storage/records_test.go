package storage_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

func TestOrderRecords(t *testing.T) {
	s := storagetest.Open(t)
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	put := func(no string, st state.Order, open bool, day string) {
		t.Helper()
		err := s.Update(func(tx *storage.Tx) error {
			return tx.PutOrder(&storage.Order{OutTradeNo: no, State: st, AmountFen: 100, CreatedAt: now, Open: open, Day: day})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put("P1", "SUBMITTING", true, "20261125")
	put("P2", "PAID", false, "20261125")
	put("P3", "UNKNOWN", true, "20261126")
	put("P1", "PAID", false, "20261125") // P1 settles: leaves the open index

	s = storagetest.Reopen(t, s)
	tests := []struct {
		name string
		fn   func(tx *storage.Tx) ([]*storage.Order, error)
		want []string
	}{
		{"open index", (*storage.Tx).OpenOrders, []string{"P3"}},
		{"day 25", func(tx *storage.Tx) ([]*storage.Order, error) { return tx.OrdersOnDay("20261125") }, []string{"P1", "P2"}},
		{"day 26", func(tx *storage.Tx) ([]*storage.Order, error) { return tx.OrdersOnDay("20261126") }, []string{"P3"}},
		{"empty day", func(tx *storage.Tx) ([]*storage.Order, error) { return tx.OrdersOnDay("20261127") }, nil},
		{"all", func(tx *storage.Tx) ([]*storage.Order, error) {
			var all []*storage.Order
			err := tx.EachOrder(func(o *storage.Order) error { all = append(all, o); return nil })
			return all, err
		}, []string{"P1", "P2", "P3"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []*storage.Order
			if err := s.View(func(tx *storage.Tx) error { var err error; got, err = tc.fn(tx); return err }); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d orders, want %v", len(got), tc.want)
			}
			for i, o := range got {
				if o.OutTradeNo != tc.want[i] || o.V != storage.OrderVersion {
					t.Fatalf("order %d = %s v%d, want %s v%d", i, o.OutTradeNo, o.V, tc.want[i], storage.OrderVersion)
				}
			}
		})
	}
	err := s.View(func(tx *storage.Tx) error {
		o, err := tx.GetOrder("P1")
		if err != nil || o.State != "PAID" || o.Open {
			t.Errorf("P1: %+v %v", o, err)
		}
		_, err = tx.GetOrder("P9")
		if !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("missing order: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUseCodeOnce(t *testing.T) {
	s := storagetest.Open(t)
	use := func(hash, no string) bool {
		var ok bool
		if err := s.Update(func(tx *storage.Tx) error { var err error; ok, err = tx.UseCode(hash, no); return err }); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !use("h1", "P1") {
		t.Fatal("first use refused")
	}
	s = storagetest.Reopen(t, s)
	if use("h1", "P2") {
		t.Fatal("second use accepted after restart")
	}
	if !use("h2", "P2") {
		t.Fatal("other code refused")
	}
}

func TestRefundRecords(t *testing.T) {
	s := storagetest.Open(t)
	err := s.Update(func(tx *storage.Tx) error {
		for _, r := range []*storage.Refund{
			{OutRefundNo: "R1", OutTradeNo: "P1", State: "SUCCESS", AmountFen: 10},
			{OutRefundNo: "R2", OutTradeNo: "P1", State: "PROCESSING", AmountFen: 20, Open: true},
			{OutRefundNo: "R3", OutTradeNo: "P2", State: "SUBMITTED", AmountFen: 30, Open: true},
		} {
			if err := tx.PutRefund(r); err != nil {
				return err
			}
		}
		return tx.PutRefund(&storage.Refund{OutRefundNo: "R2", OutTradeNo: "P1", State: "SUCCESS", AmountFen: 20})
	})
	if err != nil {
		t.Fatal(err)
	}
	s = storagetest.Reopen(t, s)
	err = s.View(func(tx *storage.Tx) error {
		rs, err := tx.RefundsOf("P1")
		if err != nil || len(rs) != 2 || rs[0].OutRefundNo != "R1" || rs[1].State != "SUCCESS" {
			t.Errorf("refunds of P1: %+v %v", rs, err)
		}
		open, err := tx.OpenRefunds()
		if err != nil || len(open) != 1 || open[0].OutRefundNo != "R3" {
			t.Errorf("open refunds: %+v %v", open, err)
		}
		if orders, _ := tx.OpenOrders(); len(orders) != 0 {
			t.Errorf("refunds leaked into open orders: %+v", orders)
		}
		var all []string
		err = tx.EachRefund(func(r *storage.Refund) error {
			all = append(all, r.OutRefundNo+"/"+string(r.State)+map[bool]string{true: "/open"}[r.Open])
			return nil
		})
		if got := strings.Join(all, " "); err != nil || got != "R1/SUCCESS R2/SUCCESS R3/SUBMITTED/open" {
			t.Errorf("each refund (no index keys): %q %v", got, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOutbox(t *testing.T) {
	s := storagetest.Open(t)
	at := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	err := s.Update(func(tx *storage.Tx) error {
		if err := tx.PutOutbox(&storage.OutboxEntry{Kind: "reverse", Ref: "P1", NextAt: at}); err != nil {
			return err
		}
		if err := tx.PutOutbox(&storage.OutboxEntry{Kind: "refund", Ref: "R1", NextAt: at}); err != nil {
			return err
		}
		return tx.PutOutbox(&storage.OutboxEntry{Kind: "reverse", Ref: "P1", Attempts: 2, NextAt: at.Add(time.Minute), LastError: "offline"})
	})
	if err != nil {
		t.Fatal(err)
	}
	s = storagetest.Reopen(t, s)
	err = s.Update(func(tx *storage.Tx) error {
		all, err := tx.Outbox()
		if err != nil || len(all) != 2 || all[1].Attempts != 2 || all[1].LastError != "offline" {
			t.Errorf("outbox %+v %v", all, err)
		}
		if err := tx.DeleteOutbox("reverse", "P1"); err != nil {
			return err
		}
		if err := tx.DeleteOutbox("reverse", "P9"); err != nil {
			t.Errorf("deleting a missing entry: %v", err)
		}
		if n, _ := tx.OutboxLen(); n != 1 {
			t.Errorf("outbox length %d after delete", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReceiptsAreImmutable(t *testing.T) {
	s := storagetest.Open(t)
	r := &receipt.Receipt{No: "S01-T01-000001", Kind: receipt.KindSale, TotalFen: 1234, Tender: receipt.TenderCash,
		Lines: []receipt.Line{{Name: "茶", Qty: 2, UnitFen: 617, TotalFen: 1234}}}
	if err := s.Update(func(tx *storage.Tx) error { return tx.PutReceipt(r) }); err != nil {
		t.Fatal(err)
	}
	changed := *r
	changed.TotalFen = 1
	err := s.Update(func(tx *storage.Tx) error { return tx.PutReceipt(&changed) })
	if !errors.Is(err, storage.ErrReceiptExists) {
		t.Fatalf("overwrite: %v", err)
	}
	s = storagetest.Reopen(t, s)
	_ = s.View(func(tx *storage.Tx) error {
		got, err := tx.GetReceipt(r.No)
		if err != nil || got.TotalFen != 1234 || len(got.Lines) != 1 || got.Lines[0].Name != "茶" {
			t.Errorf("receipt %+v %v", got, err)
		}
		return nil
	})
}
