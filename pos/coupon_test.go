package pos_test

import (
	"testing"

	"github.com/wxpos/wxpos/pos"
)

func TestCouponShare(t *testing.T) {
	tests := []struct {
		name                       string
		share, total, held, refund int64
		want                       int64
	}{
		{"no coupon", 0, 1000, 0, 500, 0},
		{"first of two", 100, 1000, 0, 333, 33},
		{"second completes the coupon", 100, 1000, 333, 667, 67},
		{"whole at once", 100, 1000, 0, 1000, 100},
		{"a fen refund rounds down to nothing", 100, 1000, 0, 1, 0},
		{"the fen that crosses a step takes it", 100, 1000, 9, 1, 1},
		{"odd total", 7, 3, 1, 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := pos.CouponShare(tc.share, tc.total, tc.held, tc.refund); got != tc.want {
				t.Fatalf("CouponShare(%d, %d, %d, %d) = %d, want %d", tc.share, tc.total, tc.held, tc.refund, got, tc.want)
			}
		})
	}
	// However a sale is refunded in full, the coupon goes back whole.
	for _, parts := range [][]int64{{1, 1, 998}, {333, 333, 334}, {999, 1}, {7, 993}} {
		var back, held int64
		for _, p := range parts {
			back += pos.CouponShare(100, 1000, held, p)
			held += p
		}
		if back != 100 {
			t.Fatalf("refunds %v gave back %d of a 100-fen coupon", parts, back)
		}
	}
}
