package escpos_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt"
)

// TestReceiptPrinter_KicksDrawerOnlyForNewCashSales sends receipts to a fake
// network printer and looks for the drawer-kick command (ESC p) in each job.
func TestReceiptPrinter_KicksDrawerOnlyForNewCashSales(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	jobs := make(chan []byte, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, _ := io.ReadAll(c)
			c.Close()
			jobs <- b
		}
	}()
	target, err := escpos.ParseTarget("tcp:" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	rp := &escpos.ReceiptPrinter{Printer: &escpos.Printer{Target: target}, Paper: escpos.Paper58}
	base := receipt.Receipt{No: "R1", Kind: receipt.KindSale, StoreName: "测试店", Time: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC), TotalFen: 1000}
	cash := base
	cash.Tender, cash.TenderedFen, cash.ChangeFen = receipt.TenderCash, 2000, 1000
	scan := base
	scan.Tender, scan.OutTradeNo = receipt.TenderWeChatScan, "S1T100000001"
	cases := []struct {
		name    string
		r       receipt.Receipt
		reprint bool
		kick    bool
	}{
		{"cash sale opens the drawer", cash, false, true},
		{"cash reprint does not", cash, true, false},
		{"wechat sale does not", scan, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if err := rp.Print(ctx, tc.r, tc.reprint); err != nil {
				t.Fatal(err)
			}
			job := <-jobs
			if got := bytes.Contains(job, []byte{0x1b, 'p'}); got != tc.kick {
				t.Errorf("drawer kick = %v, want %v", got, tc.kick)
			}
			if !bytes.Contains(job, []byte{0x1d, 'V'}) {
				t.Error("job does not end with a cut")
			}
		})
	}
}
