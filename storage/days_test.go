package storage_test

import (
	"slices"
	"testing"
	"time"

	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/tz"
)

func TestBusinessDay_SkipsClosedDays(t *testing.T) {
	s := storagetest.Open(t)
	day := func(want string) {
		t.Helper()
		err := s.View(func(tx *storage.Tx) error {
			got, err := tx.BusinessDay("20261204")
			if err != nil || got != want {
				t.Errorf("BusinessDay(20261204) = %q, %v; want %q", got, err, want)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	close := func(d string) {
		t.Helper()
		if err := s.Update(func(tx *storage.Tx) error { return tx.CloseDay(d) }); err != nil {
			t.Fatal(err)
		}
	}
	day("20261204")
	close("20261204")
	day("20261205")
	close("20261205")
	close("20261207") // a later closed day does not matter
	day("20261206")
	if err := s.Update(func(tx *storage.Tx) error { return tx.CloseDay("2026-12-04") }); err == nil {
		t.Error("CloseDay accepted a day that is not yyyymmdd")
	}
}

func TestSalesAndRefundsOnDay(t *testing.T) {
	s := storagetest.Open(t)
	at := func(day string, h int) time.Time {
		d, _ := time.ParseInLocation("20060102", day, tz.Shanghai)
		return d.Add(time.Duration(h) * time.Hour)
	}
	err := s.Update(func(tx *storage.Tx) error {
		orders := []*storage.Order{
			{OutTradeNo: "P1", State: "PAID", CreatedAt: at("20261204", 10), PaidAt: at("20261204", 10), Day: "20261204"},
			// paid on the 4th after its Z: counts on the 5th
			{OutTradeNo: "P2", State: "PAID", CreatedAt: at("20261204", 23), PaidAt: at("20261204", 23), Day: "20261204", BusinessDay: "20261205"},
			{OutTradeNo: "P3", State: "UNKNOWN", CreatedAt: at("20261204", 11), Day: "20261204", Open: true},
			{OutTradeNo: "P4", State: "PAID", CreatedAt: at("20261204", 12), PaidAt: at("20261204", 12), Foreign: true},
		}
		for _, o := range orders {
			if err := tx.PutOrder(o); err != nil {
				return err
			}
		}
		refunds := []*storage.Refund{
			{OutRefundNo: "R1", OutTradeNo: "P1", State: "PROCESSING", CreatedAt: at("20261204", 20), Open: true},
			{OutRefundNo: "R2", OutTradeNo: "P1", State: "SUCCESS", CreatedAt: at("20261204", 21), SuccessAt: at("20261205", 9)},
		}
		for _, r := range refunds {
			if err := tx.PutRefund(r); err != nil {
				return err
			}
		}
		// R1 settles the next day: it is indexed on both days, once each.
		refunds[0].State, refunds[0].SuccessAt, refunds[0].Open = "SUCCESS", at("20261205", 8), false
		return tx.PutRefund(refunds[0])
	})
	if err != nil {
		t.Fatal(err)
	}
	s = storagetest.Reopen(t, s)
	tests := []struct {
		day          string
		sales, refds []string
	}{
		{"20261204", []string{"P1"}, []string{"R1", "R2"}},
		{"20261205", []string{"P2"}, []string{"R1", "R2"}},
		{"20261206", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.day, func(t *testing.T) {
			err := s.View(func(tx *storage.Tx) error {
				os, err := tx.SalesOnDay(tc.day)
				if err != nil {
					return err
				}
				rs, err := tx.RefundsOnDay(tc.day)
				if err != nil {
					return err
				}
				var gotO, gotR []string
				for _, o := range os {
					gotO = append(gotO, o.OutTradeNo)
				}
				for _, r := range rs {
					gotR = append(gotR, r.OutRefundNo)
				}
				if !slices.Equal(gotO, tc.sales) || !slices.Equal(gotR, tc.refds) {
					t.Errorf("sales %v refunds %v; want %v %v", gotO, gotR, tc.sales, tc.refds)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}
