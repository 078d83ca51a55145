package tz

import (
	"testing"
	"time"
)

func TestShanghaiIsUTCPlus8WithoutDST(t *testing.T) {
	for _, u := range []time.Time{
		time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC),
	} {
		if _, off := u.In(Shanghai).Zone(); off != 8*3600 {
			t.Errorf("%v: offset %d s, want 8 h", u, off)
		}
	}
	if Shanghai.String() != "Asia/Shanghai" {
		t.Errorf("zone %q: the tz database was not linked", Shanghai)
	}
}

func TestParseDay(t *testing.T) {
	for in, want := range map[string]string{"20261204": "20261204", "2026-12-04": "20261204"} {
		if got, err := ParseDay(in); err != nil || got != want {
			t.Errorf("ParseDay(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "2026-13-01", "04.12.2026", "202612045", "2026/12/04"} {
		if got, err := ParseDay(bad); err == nil {
			t.Errorf("ParseDay(%q) = %q, want an error", bad, got)
		}
	}
}
