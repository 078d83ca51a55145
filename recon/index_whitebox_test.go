package recon

import (
	"strconv"
	"testing"
)

func TestIndex(t *testing.T) {
	tests := []struct {
		name       string
		keys       func(i int) string
		n          int
		wantRandom bool
	}{
		{"one terminal's sequence", func(i int) string { return "PS1-T1-" + strconv.Itoa(10000000+i) }, 5000, false},
		{"two terminals share sequence numbers", func(i int) string { return "PS1-T" + strconv.Itoa(1+i%2) + "-" + strconv.Itoa(i/2) }, 5000, false},
		{"no digit tail", func(i int) string { return "order-" + strconv.Itoa(i) + "-x" }, 5000, false},
		{"sequences differing only in high digits degrade to hashing", func(i int) string { return "P" + strconv.Itoa(i<<22) }, 3000, true},
		{"long digit tails", func(i int) string { return strconv.Itoa(i) + "123456789012345678901234" }, 3000, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var keys []string
			x := newIndex(0, func(i int32) []byte { return []byte(keys[i]) })
			for i := 0; i < tc.n; i++ {
				k := tc.keys(i)
				keys = append(keys, k)
				if j, fresh := x.insert(k, int32(i)); !fresh || j != int32(i) {
					t.Fatalf("insert %q = %d, %v", k, j, fresh)
				}
			}
			for i := 0; i < tc.n; i++ {
				if j, ok := x.find(tc.keys(i)); !ok || j != int32(i) {
					t.Fatalf("find %q = %d, %v; want %d", tc.keys(i), j, ok, i)
				}
				if j, fresh := x.insert(tc.keys(i), int32(tc.n)); fresh || j != int32(i) {
					t.Fatalf("duplicate %q accepted (%d, %v)", tc.keys(i), j, fresh)
				}
			}
			for _, miss := range []string{"PS1-T1-99999999", "PS1-T3-1", "", "x", tc.keys(0) + "0"} {
				if j, ok := x.find(miss); ok && keys[j] != miss {
					t.Fatalf("find %q matched %q", miss, keys[j])
				} else if ok {
					t.Fatalf("find %q matched a key never inserted", miss)
				}
			}
			if x.random != tc.wantRandom {
				t.Errorf("random = %v, want %v", x.random, tc.wantRandom)
			}
		})
	}
}
