package replica

import (
	"context"
	"testing"
	"time"

	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/tz"
)

// TestMerchantRecordsTraining is hq reconcile --training (issue #26, like
// hq report's): training sales and refunds are left out of the merchant's
// records unless asked for, for the chain and for one store.
func TestMerchantRecordsTraining(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	c := chain{Stores: 2, Terminals: 2, Days: 6, PerDay: 40, End: time.Date(2026, 12, 1, 0, 0, 0, 0, tz.Shanghai)}
	if err := generateChain(ctx, pool, c); err != nil {
		t.Fatal(err)
	}
	day := recon.Day("20261127")
	for _, s := range []string{
		`UPDATE orders SET training = true WHERE out_trade_no LIKE '%-3' OR out_trade_no LIKE '%-8'`,
		`UPDATE refunds SET training = true WHERE out_trade_no LIKE '%-7'`,
	} {
		if _, err := pool.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	for _, store := range []string{"", "S001"} {
		real, err := MerchantRecords(ctx, pool, day, store, false)
		if err != nil {
			t.Fatal(err)
		}
		all, err := MerchantRecords(ctx, pool, day, store, true)
		if err != nil {
			t.Fatal(err)
		}
		from, to := day.Add(-1).Start(), day.Add(2).Start()
		where := `created_at >= $1 AND created_at < $2 AND ($3 = '' OR store_id = $3)`
		for _, x := range []struct {
			table     string
			real, all int
		}{
			{"orders", len(real.Orders), len(all.Orders)},
			{"refunds", len(real.Refunds), len(all.Refunds)},
		} {
			wantAll := count(t, pool, `SELECT count(*) FROM `+x.table+` WHERE `+where, from, to, store)
			wantReal := count(t, pool, `SELECT count(*) FROM `+x.table+` WHERE NOT training AND `+where, from, to, store)
			if x.all != wantAll || x.real != wantReal || wantReal == wantAll || wantReal == 0 {
				t.Errorf("store %q %s: %d without training, %d with; want %d and %d (and a difference)", store, x.table, x.real, x.all, wantReal, wantAll)
			}
		}
	}
}
