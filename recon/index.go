package recon

import "hash/maphash"

// index maps a record number to its position in a slice of entries. It is
// an open-addressing table of 8-byte slots (32 bits of hash, 32 bits of
// position), about half the memory of a map[string]int32 and kinder to the
// cache: a lookup touches one slot and, on a tag hit, one entry.
type index struct {
	seed  maphash.Seed
	slots []uint64 // hash>>32 <<32 | position+1; 0 is empty
	n     int
	key   func(int32) string
}

func newIndex(hint int, key func(int32) string) *index {
	size := 1024
	for size < 2*hint {
		size <<= 1
	}
	return &index{seed: maphash.MakeSeed(), slots: make([]uint64, size), key: key}
}

func (x *index) find(k string) (int32, bool) {
	h := maphash.String(x.seed, k)
	tag, mask := h>>32, uint64(len(x.slots)-1)
	for p := h & mask; ; p = (p + 1) & mask {
		s := x.slots[p]
		if s == 0 {
			return -1, false
		}
		if s>>32 == tag {
			if i := int32(uint32(s)) - 1; x.key(i) == k {
				return i, true
			}
		}
	}
}

// insert records that k is at position i, unless k is already present: it
// then returns the existing position and false.
func (x *index) insert(k string, i int32) (int32, bool) {
	if 2*(x.n+1) > len(x.slots) {
		x.grow()
	}
	h := maphash.String(x.seed, k)
	tag, mask := h>>32, uint64(len(x.slots)-1)
	for p := h & mask; ; p = (p + 1) & mask {
		s := x.slots[p]
		if s == 0 {
			x.slots[p] = tag<<32 | uint64(uint32(i+1))
			x.n++
			return i, true
		}
		if s>>32 == tag {
			if j := int32(uint32(s)) - 1; x.key(j) == k {
				return j, false
			}
		}
	}
}

func (x *index) grow() {
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	mask := uint64(len(x.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		h := maphash.String(x.seed, x.key(int32(uint32(s))-1))
		p := h & mask
		for x.slots[p] != 0 {
			p = (p + 1) & mask
		}
		x.slots[p] = s
	}
}
