package storage_test

import (
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
)

// FindOrdersOnDay hands keep each order's brief from the day index, keeps
// it current as the order changes, and reads an index entry written
// before briefs (an empty value) from the order itself.
func TestFindOrdersOnDay(t *testing.T) {
	s := storagetest.Open(t)
	put := func(o *storage.Order) {
		t.Helper()
		if err := s.Update(func(tx *storage.Tx) error { return tx.PutOrder(o) }); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 12, 4, 2, 0, 0, 0, time.UTC)
	a := &storage.Order{OutTradeNo: "PA-1", State: state.Submitting, AmountFen: 500, CodeLast4: "1234", CreatedAt: at, Day: "20261204", Open: true}
	b := &storage.Order{OutTradeNo: "PA-2", State: state.Paid, AmountFen: 700, CreatedAt: at, Day: "20261204", ReceiptNo: "S01-T01-000002"}
	c := &storage.Order{OutTradeNo: "PA-3", State: state.Paid, AmountFen: 500, CreatedAt: at, Day: "20261205"}
	put(a)
	put(b)
	put(c)
	a.State, a.TransactionID, a.ReceiptNo, a.Open = state.Paid, "4200000000202612049876", "S01-T01-000001", false
	put(a) // the brief follows the order

	find := func(day string, keep func(storage.OrderBrief) bool) (string, []storage.OrderBrief) {
		t.Helper()
		var seen []storage.OrderBrief
		var got []string
		err := s.View(func(tx *storage.Tx) error {
			os, err := tx.FindOrdersOnDay(day, func(b storage.OrderBrief) bool { seen = append(seen, b); return keep(b) })
			for _, o := range os {
				got = append(got, o.OutTradeNo+"/"+string(o.State)+"/"+o.Day)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(got, " "), seen
	}
	got, seen := find("20261204", func(b storage.OrderBrief) bool { return b.AmountFen == 500 })
	if got != "PA-1/PAID/20261204" {
		t.Errorf("¥5.00 on 20261204: %q", got)
	}
	want := storage.OrderBrief{OutTradeNo: "PA-1", AmountFen: 500, CodeLast4: "1234", TransactionID: "4200000000202612049876", ReceiptNo: "S01-T01-000001"}
	if len(seen) != 2 || seen[0] != want || seen[1].OutTradeNo != "PA-2" || seen[1].ReceiptNo != "S01-T01-000002" {
		t.Errorf("briefs %+v, want %+v then PA-2's", seen, want)
	}

	// The index holds the brief itself: a search reads no order it drops.
	err := s.View(func(tx *storage.Tx) error {
		v, err := tx.GetRaw(storage.BucketOrdersByDay, "20261204/PA-2")
		if err == nil && !strings.Contains(string(v), "S01-T01-000002") {
			t.Errorf("index value %q holds no brief", v)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	// An entry from before briefs: empty value, the brief comes from the order.
	if err := s.Update(func(tx *storage.Tx) error { return tx.PutRaw(storage.BucketOrdersByDay, "20261204/PA-1", []byte{}) }); err != nil {
		t.Fatal(err)
	}
	if _, seen := find("20261204", func(storage.OrderBrief) bool { return false }); len(seen) != 2 || seen[0] != want {
		t.Errorf("brief of an old entry %+v, want %+v", seen, want)
	}
}
