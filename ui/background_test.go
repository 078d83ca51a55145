package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/tz"
)

func TestBackgroundLineScheduledBackup(t *testing.T) {
	term := &Terminal{cat: newCatalog(LangEN)}
	retry := time.Date(2026, 12, 4, 3, 0, 0, 0, tz.Shanghai)
	now := retry.Add(-30 * time.Minute)
	cases := []struct {
		name string
		st   BackupStatus
		says string
		warn bool
	}{
		{"good", BackupStatus{}, "", false},
		{"failed", BackupStatus{Failed: true, Err: "disk full", RetryAt: retry}, "Backup failed, retry at 03:00", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			line, warn := term.backgroundLine(nil, nil, &tc.st, now)
			if warn != tc.warn || (tc.says == "") != (line == "") || !strings.Contains(line, tc.says) {
				t.Errorf("status bar %q (warn %v), want %q (warn %v)", line, warn, tc.says, tc.warn)
			}
		})
	}
}

// TestCatalogLine: the status bar says nothing while the catalogue pull
// works, and when head office cannot be reached, since when and the
// version the till sells from.
func TestCatalogLine(t *testing.T) {
	term := &Terminal{cat: newCatalog(LangEN)}
	since := time.Date(2026, 12, 4, 9, 30, 0, 0, tz.Shanghai)
	if s := term.catalogLine(&CatalogStatus{Version: 7}); s != "" {
		t.Errorf("working pull: %q", s)
	}
	if s := term.catalogLine(nil); s != "" {
		t.Errorf("no pull: %q", s)
	}
	s := term.catalogLine(&CatalogStatus{Version: 7, Err: errors.New("connection refused"), FailingFrom: since})
	if s != "Catalogue: HQ offline since 09:30, selling version 7" {
		t.Errorf("failing pull: %q", s)
	}
}
