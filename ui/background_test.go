package ui

import (
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
