package counter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/staffstore"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/ui/view"
)

// SaveSettings goes through config.Save and the audit trail: a change the
// checks refuse is ErrSettingsInvalid and leaves file and trail alone; an
// accepted one is written and audited with the names of the keys changed.
func TestSaveSettings(t *testing.T) {
	db := storagetest.Open(t)
	cfg := *config.Default()
	cfg.Path = filepath.Join(t.TempDir(), "config.toml")
	m := NewManager(ManagerConfig{DB: db, Config: cfg})
	settings := func() []string {
		ev, err := staffstore.Trail(db, staff.Filter{Kinds: []string{staff.KindSettings}})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range ev {
			out = append(out, e.Actor+" "+e.Reason)
		}
		return out
	}

	bad := m.Settings()
	bad.Payment.MaxAmount.Fen = -1
	if err := m.SaveSettings(context.Background(), bad, "Wang"); !errors.Is(err, view.ErrSettingsInvalid) {
		t.Fatalf("refused settings: %v, want ErrSettingsInvalid", err)
	}
	if _, err := os.Stat(cfg.Path); !errors.Is(err, os.ErrNotExist) || len(settings()) != 0 {
		t.Fatalf("refused settings left a file (%v) or an event %v", err, settings())
	}

	good := m.Settings()
	good.Store.Name = "东门店"
	if err := m.SaveSettings(context.Background(), good, "Wang"); err != nil {
		t.Fatal(err)
	}
	back, _, err := config.Load(cfg.Path, true)
	if err != nil || back.Store.Name != "东门店" {
		t.Fatalf("saved %+v, %v", back, err)
	}
	if got := settings(); len(got) != 1 || got[0] != "Wang store.name" {
		t.Fatalf("settings events %q, want one by Wang naming store.name", got)
	}
	if m.Settings().Store.Name != "东门店" {
		t.Error("the manager still shows the old settings")
	}
}
