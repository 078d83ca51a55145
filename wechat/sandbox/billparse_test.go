package sandbox_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat/bill"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestBillsParseWithClientParser feeds every bill type the sandbox makes to
// the client's parser (package wechat/bill), which checks the summary row
// against the rows, and compares the parsed rows with the ledger.
func TestBillsParseWithClientParser(t *testing.T) {
	e := newEnv(t, nil)
	billDay(t, e)
	// A body with a comma and an attach must not break the layout.
	p := micropayParams(newNo("B"), sandbox.NewCode(sandbox.ScenarioSuccess), 77)
	p["body"], p["attach"] = "咖啡,大杯", "table=3"
	e.v2("/pay/micropay", p)
	e.sb.Advance(23 * time.Hour)
	led := e.sb.Ledger()
	var paid, refunded int64
	var payRows, refundRows int
	for _, o := range led.Orders {
		if o.SuccessTime != "" {
			paid += o.AmountFen
			payRows++
		}
	}
	for _, r := range led.Refunds {
		refunded += r.AmountFen
		refundRows++
	}
	tests := []struct {
		billType     bill.Type
		rows         int
		settle, refd int64
	}{
		{bill.TypeAll, payRows + refundRows, paid, refunded},
		{bill.TypeSuccess, payRows, paid, 0},
		{bill.TypeRefund, refundRows, 0, refunded},
	}
	for _, tc := range tests {
		t.Run(string(tc.billType), func(t *testing.T) {
			data := e.downloadBillV2(t, "20260310", string(tc.billType), "")
			ps := bill.NewParser(bytes.NewReader(data))
			n := 0
			var settle, refd int64
			for r := range ps.Rows() {
				n++
				settle += r.SettlementTotal
				refd += r.Refund
				if r.MchID != e.creds.MchID || r.AppID != e.creds.AppID || r.TradeTime.IsZero() {
					t.Fatalf("row %d: %+v", r.Line, r)
				}
				if r.IsRefund() != (r.OutRefundNo != "0" && r.OutRefundNo != "") && tc.billType == bill.TypeAll {
					t.Fatalf("row %d refund markers: %+v", r.Line, r)
				}
			}
			if err := ps.Err(); err != nil {
				t.Fatalf("client parser: %v", err)
			}
			if ps.Type() != tc.billType || ps.Legacy() {
				t.Fatalf("detected type %s legacy=%v", ps.Type(), ps.Legacy())
			}
			s := ps.Summary()
			if n != tc.rows || s.Count != int64(tc.rows) || settle != tc.settle || s.SettlementTotal != tc.settle || refd != tc.refd || s.RefundTotal != tc.refd {
				t.Fatalf("rows %d/%d settle %d/%d refund %d/%d (want %d, %d, %d)", n, s.Count, settle, s.SettlementTotal, refd, s.RefundTotal, tc.rows, tc.settle, tc.refd)
			}
		})
	}
}
