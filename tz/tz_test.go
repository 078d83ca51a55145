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
