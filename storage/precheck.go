package storage

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt file layout constants (go.etcd.io/bbolt internal/common): two meta
// pages at the start, each a 16-byte page header followed by the meta.
const (
	boltMagic       = 0xED0CDAED
	boltVersion     = 2
	pageHeaderSize  = 16
	metaChecksumOff = 56 // offset of the checksum inside the meta struct
	metaSize        = metaChecksumOff + 8
	noFreelist      = 0xFFFFFFFFFFFFFFFF // bbolt's PgidNoFreelist: the file was written with NoFreelistSync
)

// precheck validates the bbolt meta pages of an existing file before bbolt
// maps it. bbolt trusts the page ids in its meta page and reads them through
// mmap, so a truncated file makes it fault with SIGBUS, which no recover can
// catch. Checking the magic, checksums and high-water mark against the file
// size first turns that into ErrNotDatabase.
func precheck(path string) error {
	_, err := precheckMeta(path)
	return err
}

// precheckMeta is precheck returning the newest valid meta page.
func precheckMeta(path string) (*boltMeta, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	size := fi.Size()
	first, err := readMeta(f, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w: %v", path, ErrNotDatabase, err)
	}
	var best *boltMeta
	if first.valid() {
		best = first
	}
	if second, err := readMeta(f, int64(first.pageSize)); err == nil && second.valid() && (best == nil || second.txid > best.txid) {
		best = second
	}
	if best == nil {
		return nil, fmt.Errorf("open %s: %w: no valid bbolt meta page", path, ErrNotDatabase)
	}
	if need := int64(best.pgid) * int64(best.pageSize); need > size {
		return nil, fmt.Errorf("open %s: %w: file is truncated (%d of %d bytes)", path, ErrNotDatabase, size, need)
	}
	return best, nil
}

type boltMeta struct {
	raw      []byte
	magic    uint32
	version  uint32
	pageSize uint32
	freelist uint64 // noFreelist: bbolt rebuilds it, and writes it on a read-write open
	pgid     uint64
	txid     uint64
	checksum uint64
}

func readMeta(r io.ReaderAt, off int64) (*boltMeta, error) {
	buf := make([]byte, pageHeaderSize+metaSize)
	if _, err := r.ReadAt(buf, off); err != nil {
		return nil, fmt.Errorf("reading meta page at %d: %w", off, err)
	}
	m := buf[pageHeaderSize:]
	bm := &boltMeta{
		raw:      m,
		magic:    binary.LittleEndian.Uint32(m[0:]),
		version:  binary.LittleEndian.Uint32(m[4:]),
		pageSize: binary.LittleEndian.Uint32(m[8:]),
		freelist: binary.LittleEndian.Uint64(m[32:]),
		pgid:     binary.LittleEndian.Uint64(m[40:]),
		txid:     binary.LittleEndian.Uint64(m[48:]),
		checksum: binary.LittleEndian.Uint64(m[metaChecksumOff:]),
	}
	if bm.magic != boltMagic || bm.pageSize < 512 || bm.pageSize > 1<<20 {
		return bm, fmt.Errorf("no bbolt meta page at %d", off)
	}
	return bm, nil
}

func (m *boltMeta) valid() bool {
	if m.magic != boltMagic || m.version != boltVersion {
		return false
	}
	h := fnv.New64a()
	h.Write(m.raw[:metaChecksumOff])
	return h.Sum64() == m.checksum
}
