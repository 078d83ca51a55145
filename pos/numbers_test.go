package pos_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/storage/storagetest"
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
	r.db = storagetest.OpenPath(t, live)
	r.store = pos.NewBoltStore(r.db)
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
