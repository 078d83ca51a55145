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

// TestShownInStoreZone: the show helpers give the store's wall clock for a
// time held in any zone.
func TestShownInStoreZone(t *testing.T) {
	at := time.Date(2026, 12, 4, 20, 30, 15, 0, time.FixedZone("EST", -5*3600)) // 2026-12-05 09:30:15 in Shanghai
	for _, c := range []struct{ name, got, want string }{
		{"Clock", Clock(at), "09:30:15"},
		{"Stamp", Stamp(at), "2026-12-05 09:30:15"},
		{"Date", Date(at), "2026-12-05"},
		{"RFC3339", RFC3339(at), "2026-12-05T09:30:15+08:00"},
		{"RFC3339 zero", RFC3339(time.Time{}), ""},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
}
