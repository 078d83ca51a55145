package replica

import (
	"context"

	"github.com/wxpos/wxpos/recon"
)

// benchMerchantRecords is hq reconcile's database work for BenchmarkHQ,
// which older builds run too (their MerchantRecords took no training flag).
func benchMerchantRecords(ctx context.Context, db Querier, day recon.Day, store string) (*recon.Records, error) {
	return MerchantRecords(ctx, db, day, store, false)
}
