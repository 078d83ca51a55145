package pos_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage"
)

// TestNumbersAfterRestore: a restored database continues the backup's
// sequences, but its order numbers carry a new epoch and its receipt
// numbers the restore generation, so the sale the backup missed keeps the
// only copy of its numbers.
func TestNumbersAfterRestore(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, true)
	cash := func() *pos.Order {
		t.Helper()
		o, err := r.term.PayCash(ctx, sale(100), 100)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	first := cash()
	if first.ReceiptNo != "S01-T01-000001" || first.OutTradeNo != r.no("P", 1) {
		t.Fatalf("first sale %s receipt %s", first.OutTradeNo, first.ReceiptNo)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if _, err := r.db.BackupFile(backup); err != nil {
		t.Fatal(err)
	}
	missed := cash() // taken after the backup
	if missed.ReceiptNo != "S01-T01-000002" {
		t.Fatalf("second receipt %s", missed.ReceiptNo)
	}

	r.term.Close()
	live := r.db.Path()
	r.db.Close()
	if _, err := storage.Restore(live, backup, nil); err != nil {
		t.Fatal(err)
	}
	r.db = openDBPath(t, live)
	r.store = posstore.New(r.db)
	r.term = r.newTerminal(r.store, r.gw)

	after := cash()
	if after.ReceiptNo != "S01-T01-1-000002" {
		t.Errorf("receipt after the first restore %s, want S01-T01-1-000002", after.ReceiptNo)
	}
	if after.OutTradeNo == missed.OutTradeNo || after.OutTradeNo == first.OutTradeNo {
		t.Errorf("order number %s minted again", after.OutTradeNo)
	}
	if strings.Split(after.OutTradeNo, "-")[2] == strings.Split(first.OutTradeNo, "-")[2] {
		t.Errorf("order number %s after the restore keeps the backup's epoch", after.OutTradeNo)
	}
	if _, err := r.term.Order(first.OutTradeNo); err != nil {
		t.Errorf("the backup's sale: %v", err)
	}
}

// TestNumberMintedInFirstCommit: a payment's number is minted inside the
// commit that records its first state, so a scan that pays at once costs
// two commits (SUBMITTING, PAID) and a cash sale one; numbers follow on.
func TestNumberMintedInFirstCommit(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, true)
	before := r.db.Commits()
	p, err := r.term.BeginScan(ctx, sale(700), postest.Code(postest.Success, 1))
	if err != nil {
		t.Fatal(err)
	}
	if p.OutTradeNo() != r.no("P", 1) {
		t.Errorf("first scan numbered %s, want %s", p.OutTradeNo(), r.no("P", 1))
	}
	if o := r.wait(p); o.State != pos.StatePaid {
		t.Fatalf("scan %s is %s", o.OutTradeNo, o.State)
	}
	if n := r.db.Commits() - before; n != 2 {
		t.Errorf("a scan paid at once took %d commits, want 2 (SUBMITTING, PAID)", n)
	}
	before = r.db.Commits()
	o, err := r.term.PayCash(ctx, sale(100), 100)
	if err != nil {
		t.Fatal(err)
	}
	if n := r.db.Commits() - before; n != 1 || o.OutTradeNo != r.no("P", 2) {
		t.Errorf("cash sale %s took %d commits, want %s in 1", o.OutTradeNo, n, r.no("P", 2))
	}
}

// TestNumbersBesideOlderReleases: a release that reserved a block of
// numbers per commit ("no_P" counts blocks of 64) may have numbered this
// database before, or may again after a downgrade. Minting starts above
// every block reserved, and keeps the block count above every number it
// mints, so neither hands out a number the other did.
func TestNumbersBesideOlderReleases(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, true)
	reserve := func() uint64 { // what an older release does before it mints
		t.Helper()
		var blk uint64
		if err := r.db.Update(func(tx *storage.Tx) (err error) { blk, err = tx.NextSeq("no_P"); return err }); err != nil {
			t.Fatal(err)
		}
		return blk
	}
	blocks := func() uint64 {
		var n uint64
		_ = r.db.View(func(tx *storage.Tx) error { n = tx.Seq("no_P"); return nil })
		return n
	}
	cash := func(want int) {
		t.Helper()
		o, err := r.term.PayCash(ctx, sale(100), 100)
		if err != nil {
			t.Fatal(err)
		}
		if o.OutTradeNo != r.no("P", want) {
			t.Errorf("cash sale numbered %s, want %s", o.OutTradeNo, r.no("P", want))
		}
	}
	for range 3 {
		reserve() // an older release used blocks 1–3 (numbers up to 192)
	}
	cash(3*64 + 1)
	cash(3*64 + 2)
	if b := blocks(); b != 4 {
		t.Errorf("after numbers 193–194 the block count is %d, want 4 (an older release then starts at 257)", b)
	}
	if blk := reserve(); blk != 5 { // a downgrade took block 5 after ours
		t.Fatalf("older release reserved block %d", blk)
	}
	cash(5*64 + 1)
}
