package recon_test

import (
	"errors"
	"io"
	"slices"
	"testing"
	"time"

	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/recon"
)

const day = recon.Day("20261125")

var term = recon.Terminal{DeviceInfo: "T1", Prefix: "S1T1"}

func at(h, m int) time.Time {
	return day.Start().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

func paid(no string, fen int64) recon.Order {
	return recon.Order{OutTradeNo: no, Tender: receipt.TenderWeChatScan, State: "PAID", AmountFen: fen, Time: at(12, 0)}
}

func billPay(no string, fen int64) recon.Row {
	return recon.Row{Time: at(12, 0), DeviceInfo: "T1", TransactionID: "42" + no, OutTradeNo: no, TradeType: "MICROPAY",
		State: recon.BillSuccess, TotalFen: fen, SettledFen: fen, FeeMilliFen: fen * 6}
}

func billRefund(no, refundNo string, fen int64) recon.Row {
	return recon.Row{Time: at(15, 0), DeviceInfo: "T1", TransactionID: "42" + no, OutTradeNo: no, TradeType: "MICROPAY",
		State: recon.BillRefund, RefundID: "50" + refundNo, OutRefundNo: refundNo, RefundFen: fen, RefundStatus: "SUCCESS", FeeMilliFen: -fen * 6}
}

type want struct {
	kind    recon.Kind
	subject recon.Subject
	no      string
}

func TestReconcile(t *testing.T) {
	forced := paid("S1T1000003", 500)
	forced.Forced = true
	reversed := paid("S1T1000004", 800)
	reversed.State = "REVERSED"
	unknown := paid("S1T1000005", 900)
	unknown.State = "UNKNOWN"
	cash := recon.Order{OutTradeNo: "S1T1000006", Tender: receipt.TenderCash, State: "PAID", AmountFen: 1234, Time: at(9, 0)}
	yesterday := paid("S1T1000007", 300)
	yesterday.Time = day.Start().Add(-time.Second)
	otherDev := billPay("S1T2000001", 100)
	otherDev.DeviceInfo = "T2"
	otherPrefix := billPay("S1T2000002", 100)
	otherPrefix.DeviceInfo = ""
	revoked := billPay("S1T1000004", 800)
	revoked.State = recon.BillRevoked

	tests := []struct {
		name  string
		local recon.Records
		bill  []recon.Row
		diffs []want
		count map[recon.Kind]int
	}{
		{
			name:  "matched payment and refund",
			local: recon.Records{Orders: []recon.Order{paid("S1T1000001", 1000)}, Refunds: []recon.Refund{{OutRefundNo: "R1", OutTradeNo: "S1T1000001", Tender: receipt.TenderWeChatScan, State: "SUCCESS", AmountFen: 400, Time: at(15, 0)}}},
			bill:  []recon.Row{billPay("S1T1000001", 1000), billRefund("S1T1000001", "R1", 400)},
			count: map[recon.Kind]int{recon.KindMatched: 2},
		},
		{
			name:  "forced paid never reached WeChat",
			local: recon.Records{Orders: []recon.Order{paid("S1T1000001", 1000), forced}},
			bill:  []recon.Row{billPay("S1T1000001", 1000)},
			diffs: []want{{recon.KindLocalOnly, recon.SubjectOrder, "S1T1000003"}},
		},
		{
			name:  "payment without local record",
			bill:  []recon.Row{billPay("S1T1000009", 700)},
			diffs: []want{{recon.KindWeChatOnly, recon.SubjectOrder, "S1T1000009"}},
		},
		{
			name:  "reversed here but paid at WeChat",
			local: recon.Records{Orders: []recon.Order{reversed}},
			bill:  []recon.Row{billPay("S1T1000004", 800)},
			diffs: []want{{recon.KindWeChatOnly, recon.SubjectOrder, "S1T1000004"}},
		},
		{
			name:  "reversed on both sides",
			local: recon.Records{Orders: []recon.Order{reversed}},
			bill:  []recon.Row{revoked},
			count: map[recon.Kind]int{recon.KindMatched: 1},
		},
		{
			name:  "revoked at WeChat but paid here",
			local: recon.Records{Orders: []recon.Order{paid("S1T1000004", 800)}},
			bill:  []recon.Row{revoked},
			diffs: []want{{recon.KindStatusMismatch, recon.SubjectOrder, "S1T1000004"}},
		},
		{
			name:  "amount mismatch",
			local: recon.Records{Orders: []recon.Order{paid("S1T1000001", 1000)}},
			bill:  []recon.Row{billPay("S1T1000001", 100)},
			diffs: []want{{recon.KindAmountMismatch, recon.SubjectOrder, "S1T1000001"}},
		},
		{
			name:  "unknown here, paid at WeChat",
			local: recon.Records{Orders: []recon.Order{unknown}},
			bill:  []recon.Row{billPay("S1T1000005", 900)},
			diffs: []want{{recon.KindStatusMismatch, recon.SubjectOrder, "S1T1000005"}},
		},
		{
			name:  "unknown here, absent from bill is no difference",
			local: recon.Records{Orders: []recon.Order{unknown}},
		},
		{
			name:  "other terminals by device_info and by prefix",
			bill:  []recon.Row{otherDev, otherPrefix},
			count: map[recon.Kind]int{recon.KindOtherTerminal: 2},
		},
		{
			name:  "cash never in the bill",
			local: recon.Records{Orders: []recon.Order{cash}},
		},
		{
			name:  "yesterday's order on today's bill matches, absent is not today's difference",
			local: recon.Records{Orders: []recon.Order{yesterday, func() recon.Order { o := yesterday; o.OutTradeNo = "S1T1000008"; return o }()}},
			bill:  []recon.Row{billPay("S1T1000007", 300)},
			count: map[recon.Kind]int{recon.KindMatched: 1},
		},
		{
			name:  "refund at WeChat unknown here",
			local: recon.Records{Orders: []recon.Order{paid("S1T1000001", 1000)}},
			bill:  []recon.Row{billPay("S1T1000001", 1000), billRefund("S1T1000001", "R9", 1000)},
			diffs: []want{{recon.KindStatusMismatch, recon.SubjectRefund, "R9"}},
		},
		{
			name:  "refund here missing from bill",
			local: recon.Records{Refunds: []recon.Refund{{OutRefundNo: "R2", OutTradeNo: "S1T0999", Tender: receipt.TenderWeChatQR, State: "PROCESSING", AmountFen: 5, Time: at(10, 0)}}},
			diffs: []want{{recon.KindStatusMismatch, recon.SubjectRefund, "R2"}},
		},
		{
			name:  "refund amount differs",
			local: recon.Records{Refunds: []recon.Refund{{OutRefundNo: "R1", OutTradeNo: "S1T1000001", Tender: receipt.TenderWeChatScan, State: "SUCCESS", AmountFen: 300, Time: at(15, 0)}}},
			bill:  []recon.Row{billRefund("S1T1000001", "R1", 400)},
			diffs: []want{{recon.KindAmountMismatch, recon.SubjectRefund, "R1"}},
		},
		{
			name:  "closed refund here, success at WeChat",
			local: recon.Records{Refunds: []recon.Refund{{OutRefundNo: "R1", OutTradeNo: "S1T1000001", Tender: receipt.TenderWeChatScan, State: "CLOSED", AmountFen: 400, Time: at(15, 0)}}},
			bill:  []recon.Row{billRefund("S1T1000001", "R1", 400)},
			diffs: []want{{recon.KindStatusMismatch, recon.SubjectRefund, "R1"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := recon.Reconcile(day, term, &tc.local, recon.NewRows(tc.bill))
			if err != nil {
				t.Fatal(err)
			}
			var got []want
			for _, d := range res.Differences {
				no := d.OutTradeNo
				if d.Subject == recon.SubjectRefund {
					no = d.OutRefundNo
				}
				got = append(got, want{d.Kind, d.Subject, no})
				if d.Advice == "" || len(d.Actions) == 0 || d.ID == "" {
					t.Errorf("difference %+v lacks advice, actions or id", d)
				}
			}
			if !slices.Equal(got, tc.diffs) {
				t.Errorf("differences = %v, want %v", got, tc.diffs)
			}
			for k, n := range tc.count {
				if res.Counts[k] != n {
					t.Errorf("count %s = %d, want %d", k, res.Counts[k], n)
				}
			}
			if res.Balanced() != (len(tc.diffs) == 0) {
				t.Errorf("Balanced = %v with %d differences", res.Balanced(), len(tc.diffs))
			}
			if res.BillRows != len(tc.bill) {
				t.Errorf("BillRows = %d, want %d", res.BillRows, len(tc.bill))
			}
		})
	}
}

func TestReconcileTotalsAndFees(t *testing.T) {
	local := recon.Records{
		Orders: []recon.Order{
			paid("S1T1000001", 1000),
			{OutTradeNo: "S1T1000002", Tender: receipt.TenderWeChatQR, State: "PAID", AmountFen: 250, Time: at(13, 0)},
			{OutTradeNo: "S1T1000003", Tender: receipt.TenderCash, State: "PAID", AmountFen: 1234, Time: at(14, 0)},
		},
		Refunds: []recon.Refund{{OutRefundNo: "R1", OutTradeNo: "S1T1000001", Tender: receipt.TenderWeChatScan, State: "SUCCESS", AmountFen: 400, Time: at(15, 0)}},
	}
	qr := billPay("S1T1000002", 250)
	qr.TradeType = "NATIVE"
	other := billPay("S1T2000001", 100)
	other.DeviceInfo = "T2"
	res, err := recon.Reconcile(day, term, &local, recon.NewRows([]recon.Row{billPay("S1T1000001", 1000), qr, billRefund("S1T1000001", "R1", 400), other}))
	if err != nil {
		t.Fatal(err)
	}
	wantTotals := []recon.TenderTotal{
		{Tender: receipt.TenderWeChatScan, LocalCount: 1, LocalFen: 1000, LocalRefundFen: 400, BillCount: 1, BillFen: 1000, BillRefundFen: 400, InBill: true},
		{Tender: receipt.TenderWeChatQR, LocalCount: 1, LocalFen: 250, BillCount: 1, BillFen: 250, InBill: true},
		{Tender: receipt.TenderCash, LocalCount: 1, LocalFen: 1234},
	}
	if !slices.Equal(res.Totals, wantTotals) {
		t.Errorf("totals = %+v\nwant %+v", res.Totals, wantTotals)
	}
	if want := (recon.Fees{TerminalMilliFen: 6000 + 1500 - 2400, OtherMilliFen: 600}); res.Fees != want {
		t.Errorf("fees = %+v, want %+v", res.Fees, want)
	}
}

type brokenBill struct{ n int }

func (b *brokenBill) Next(r *recon.Row) error {
	b.n++
	if b.n > 2 {
		return errors.New("line 4 column 3: bad amount")
	}
	*r = billPay("S1T100000"+string(rune('0'+b.n)), 1)
	return nil
}

func TestReconcileRefusesUnreadableBill(t *testing.T) {
	res, err := recon.Reconcile(day, term, &recon.Records{}, &brokenBill{})
	if err == nil || res != nil {
		t.Fatalf("Reconcile = %v, %v; want no result and an error", res, err)
	}
	if errors.Is(err, io.EOF) {
		t.Fatalf("error %v must not look like the end of the bill", err)
	}
}

func TestReconcileRefusesDuplicateLocal(t *testing.T) {
	local := recon.Records{Orders: []recon.Order{paid("S1T1000001", 1), paid("S1T1000001", 1)}}
	if _, err := recon.Reconcile(day, term, &local, recon.NewRows(nil)); err == nil {
		t.Fatal("want an error for an order listed twice")
	}
}
