package recon_test

import (
	"testing"

	"github.com/wxpos/wxpos/recon"
)

func TestFeeYuan(t *testing.T) {
	for milli, want := range map[int64]string{
		0:         "0.00000",
		7200:      "0.07200",
		100000:    "1.00000",
		123456789: "1234.56789",
		-100000:   "-1.00000",
		-5:        "-0.00005",
	} {
		if got := recon.FeeYuan(milli); got != want {
			t.Errorf("FeeYuan(%d) = %q, want %q", milli, got, want)
		}
	}
}
