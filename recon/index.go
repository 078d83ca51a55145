package recon

import "hash/maphash"

// index maps a record number to its position in a slice of entries. It is
// an open-addressing table of 8-byte slots (32 bits of tag, 32 bits of
// position), about half the memory of a map[string]int32.
//
// Record numbers are mostly a fixed prefix and a sequence
// ("PS1-T1-K7QZ2M-00000042"), and both the local records and the bill come roughly
// in sequence order. So a number ending in digits is placed at
// hash(prefix) + 2×sequence: consecutive numbers land in every other slot,
// lookups walk the table, the entries and the key arena nearly in order
// (cache-friendly instead of three random misses per row), and the free
// slot between neighbours keeps a miss short. Numbers without a digit tail
// use a plain hash. If the layout ever degenerates (a probe longer than
// maxProbe, e.g. sequences that differ only in high digits), the table is
// rebuilt with plain hashing.
type index struct {
	seed   maphash.Seed
	slots  []uint64 // tag<<32 | position+1; 0 is empty
	n      int
	key    func(int32) []byte
	random bool // plain hashing for every key
}

const maxProbe = 64

func newIndex(hint int, key func(int32) []byte) *index {
	size := 1024
	for size < 2*hint {
		size <<= 1
	}
	return &index{seed: maphash.MakeSeed(), slots: make([]uint64, size), key: key}
}

// place returns where k's probe starts and its 32-bit tag.
func (x *index) place(k string) (uint64, uint64) {
	if !x.random {
		d := 0
		for d < 18 && d < len(k) && k[len(k)-1-d] >= '0' && k[len(k)-1-d] <= '9' {
			d++
		}
		if d > 0 {
			var num uint64
			for _, c := range []byte(k[len(k)-d:]) {
				num = num*10 + uint64(c-'0')
			}
			h := maphash.String(x.seed, k[:len(k)-d])
			return h + 2*num, (h>>32 ^ num) & 0xFFFFFFFF
		}
	}
	h := maphash.String(x.seed, k)
	return h, h >> 32
}

func (x *index) find(k string) (int32, bool) {
	start, tag := x.place(k)
	mask := uint64(len(x.slots) - 1)
	for p := start & mask; ; p = (p + 1) & mask {
		s := x.slots[p]
		if s == 0 {
			return -1, false
		}
		if s>>32 == tag {
			if i := int32(uint32(s)) - 1; string(x.key(i)) == k {
				return i, true
			}
		}
	}
}

// insert records that k is at position i, unless k is already present: it
// then returns the existing position and false.
func (x *index) insert(k string, i int32) (int32, bool) {
	if 2*(x.n+1) > len(x.slots) {
		x.rebuild(2 * len(x.slots))
	}
	for {
		j, fresh, ok := x.tryInsert(k, i)
		if ok {
			return j, fresh
		}
		x.random = true // degenerate layout: plain hashing from now on
		x.rebuild(len(x.slots))
	}
}

func (x *index) tryInsert(k string, i int32) (int32, bool, bool) {
	start, tag := x.place(k)
	mask := uint64(len(x.slots) - 1)
	for n, p := 0, start&mask; ; n, p = n+1, (p+1)&mask {
		if n > maxProbe && !x.random {
			return 0, false, false
		}
		s := x.slots[p]
		if s == 0 {
			x.slots[p] = tag<<32 | uint64(uint32(i+1))
			x.n++
			return i, true, true
		}
		if s>>32 == tag {
			if j := int32(uint32(s)) - 1; string(x.key(j)) == k {
				return j, false, true
			}
		}
	}
}

// rebuild re-places every key in a table of size slots.
func (x *index) rebuild(size int) {
	old := x.slots
	x.slots = make([]uint64, size)
	mask := uint64(size - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		start, tag := x.place(string(x.key(int32(uint32(s)) - 1)))
		p := start & mask
		for x.slots[p] != 0 {
			p = (p + 1) & mask
		}
		x.slots[p] = tag<<32 | s&0xFFFFFFFF
	}
}
