package staffstore

import (
	"strings"
	"testing"
)

func TestHashRoundTrip(t *testing.T) {
	p := Params{Time: 1, MemoryKiB: 64, Threads: 1, SaltLen: 16, KeyLen: 32}
	h1, err := hashPIN("2468", p)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := hashPIN("2468", p)
	if h1 == h2 {
		t.Fatal("two hashes of one PIN are equal: salt not random")
	}
	tests := []struct {
		name       string
		hash, pin  string
		want       Params
		ok, rehash bool
		bad        bool
	}{
		{"right", h1, "2468", p, true, false, false},
		{"wrong", h1, "2469", p, false, false, false},
		{"right, params raised", h1, "2468", Params{Time: 2, MemoryKiB: 64, SaltLen: 16, KeyLen: 32}, true, true, false},
		{"wrong, params raised", h1, "0000", Params{Time: 2, MemoryKiB: 64, SaltLen: 16, KeyLen: 32}, false, false, false},
		{"bcrypt string", "$2a$10$abcdefghijklmnopqrstuv", "2468", p, false, false, true},
		{"truncated", h1[:len(h1)-30], "2468", p, false, false, true},
		{"wrong version", strings.Replace(h1, "v=19", "v=16", 1), "2468", p, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := checkPIN(tt.hash, tt.pin, tt.want)
			if (err != nil) != tt.bad || ok != tt.ok || rehash != tt.rehash {
				t.Fatalf("checkPIN = %v, %v, %v", ok, rehash, err)
			}
		})
	}
}

// BenchmarkPINCheck measures one PIN check with DefaultParams: it is meant
// to be slow (tens to a few hundred milliseconds).
func BenchmarkPINCheck(b *testing.B) {
	h, err := hashPIN("2468", DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if ok, _, _ := checkPIN(h, "2468", DefaultParams); !ok {
			b.Fatal("right PIN refused")
		}
	}
}
