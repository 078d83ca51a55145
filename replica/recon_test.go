package replica

import (
	"context"
	"testing"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/storage"
)

func TestReconcileMerchant(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	t1, t2, t3 := openDB(t), openDB(t), openDB(t)
	paid := sh("2026-11-25 10:00")
	record(t, t1, []storage.Order{
		{OutTradeNo: "PS01-T01-00000001", Tender: "wechat_scan", State: "PAID", AmountFen: 1000, CreatedAt: paid, PaidAt: paid, TransactionID: "42001"},
		{OutTradeNo: "PS01-T01-00000002", Tender: "wechat_scan", State: "PAID", AmountFen: 500, CreatedAt: paid, PaidAt: paid, TransactionID: "42002"},
	}, nil)
	record(t, t2, []storage.Order{
		{OutTradeNo: "PS01-T02-00000001", Tender: "wechat_qr", State: "PAID", AmountFen: 700, CreatedAt: paid, PaidAt: paid, TransactionID: "42003"},
	}, nil)
	record(t, t3, []storage.Order{
		{OutTradeNo: "PS02-T01-00000001", Tender: "wechat_scan", State: "PAID", AmountFen: 900, CreatedAt: paid, PaidAt: paid, TransactionID: "42004"},
	}, nil)
	for _, x := range []struct {
		db          *storage.Store
		store, term string
	}{{t1, "S01", "T01"}, {t2, "S01", "T02"}, {t3, "S02", "T01"}} {
		w, err := NewWorker(x.db, pool, Options{StoreID: x.store, TerminalID: x.term})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Sync(ctx); err != nil {
			t.Fatal(err)
		}
	}
	row := func(no, dev, txid, tradeType string, fen int64) recon.Row {
		return recon.Row{Time: paid, DeviceInfo: dev, TransactionID: txid, OutTradeNo: no, TradeType: tradeType,
			State: recon.BillSuccess, TotalFen: fen, SettledFen: fen}
	}
	// The merchant's bill: every counter's sales (T01's second one missing:
	// local only), one of S02 and a payment no counter recorded.
	bill := []recon.Row{
		row("PS01-T01-00000001", "T01", "42001", "MICROPAY", 1000),
		row("PS01-T02-00000001", "T02", "42003", "NATIVE", 700),
		row("PS02-T01-00000001", "T01", "42004", "MICROPAY", 900),
		row("PS01-T09-00000001", "T09", "42005", "MICROPAY", 300),
	}
	tests := []struct {
		name  string
		store string
		want  map[recon.Kind]int
	}{
		{"store S01", "S01", map[recon.Kind]int{recon.KindMatched: 2, recon.KindLocalOnly: 1, recon.KindWeChatOnly: 1, recon.KindOtherTerminal: 1}},
		{"whole chain", "", map[recon.Kind]int{recon.KindMatched: 3, recon.KindLocalOnly: 1, recon.KindWeChatOnly: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ReconcileMerchant(ctx, pool, "20261125", tt.store, false, recon.NewRows(bill))
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range recon.Kinds {
				if res.Counts[k] != tt.want[k] {
					t.Errorf("%s: %d, want %d (counts %v)", k, res.Counts[k], tt.want[k], res.Counts)
				}
			}
		})
	}
}
