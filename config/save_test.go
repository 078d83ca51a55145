package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/wxpos/wxpos/config"
)

func TestSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.toml")
	c := *config.Default()
	c.Path = path
	c.UI.Locale = "en"
	got, err := config.Save(c)
	if err != nil || got != path {
		t.Fatalf("Save = %q, %v; want %q", got, err, path)
	}
	back, _, err := config.Load(path, true)
	if err != nil || back.UI.Locale != "en" {
		t.Fatalf("reloaded %+v, %v", back, err)
	}
	before, _ := os.ReadFile(path)

	bad := *back
	bad.Store.ID = "not an id!"
	if _, err := config.Save(bad); !errors.Is(err, config.ErrInvalid) {
		t.Fatalf("invalid store.id saved: %v", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("a refused configuration changed the file")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".config-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestChanged(t *testing.T) {
	a := *config.Default()
	b := a
	b.UI.Locale = "en"
	b.Store.Name = "Other shop"
	if got, want := config.Changed(a, b), []string{"store.name", "ui.locale"}; !slices.Equal(got, want) {
		t.Errorf("Changed = %v, want %v", got, want)
	}
	if got := config.Changed(a, a); len(got) != 0 {
		t.Errorf("Changed(a, a) = %v", got)
	}
}
