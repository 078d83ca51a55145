package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Sentinel errors. Callers compare with errors.Is.
var (
	// ErrLocked is returned by Open when another process holds the database.
	ErrLocked = errors.New("another wxpos is running")
	// ErrNotDatabase is returned by Open for a file that is not a wxpos
	// database: truncated, corrupt, random bytes or another program's file.
	ErrNotDatabase = errors.New("not a wxpos database")
	// ErrSchemaTooNew is returned by Open when the file was written by a newer
	// wxpos whose schema this build does not know.
	ErrSchemaTooNew = errors.New("database schema is newer than this wxpos")
	// ErrNotFound is returned when a record does not exist.
	ErrNotFound = errors.New("not found")
)

// Bucket names a top-level bucket. The set is fixed by the schema.
type Bucket string

// Buckets of schema version 1 (docs/DESIGN.md §5).
const (
	BucketMeta        Bucket = "meta"
	BucketOrders      Bucket = "orders"        // out_trade_no → order record
	BucketOrdersByDay Bucket = "orders_by_day" // yyyymmdd/out_trade_no → the order's brief (empty before briefs)
	BucketOpen        Bucket = "open"          // out_trade_no or out_refund_no of non-terminal records
	BucketRefunds     Bucket = "refunds"       // out_refund_no → refund record
	BucketReceipts    Bucket = "receipts"      // receipt no → receipt
	BucketEvents      Bucket = "events"        // seq → event (append-only audit trail)
	BucketSessions    Bucket = "sessions"      // day sessions, X/Z reports
	BucketBills       Bucket = "bills"         // raw downloaded bills (gzip)
	BucketRecon       Bucket = "recon"         // reconciliation results and resolutions
	BucketOutbox      Bucket = "outbox"        // queued reverse/close/refund calls
	BucketUsers       Bucket = "users"         // staff, PIN hashes, roles
	BucketSequences   Bucket = "sequences"     // name → last value
	BucketCodes       Bucket = "codes"         // hashed payment codes already used
)

// Buckets added by schema version 2 (business days, per-day indexes).
const (
	BucketSalesByDay   Bucket = "sales_by_day"   // yyyymmdd/out_trade_no → empty: paid sales by business day
	BucketRefundsByDay Bucket = "refunds_by_day" // yyyymmdd/out_refund_no → empty: by creation and business day
	BucketClosedDays   Bucket = "closed_days"    // yyyymmdd → empty: days whose Z report is taken
)

// fillPercent is how full bbolt fills a page before splitting it, for
// buckets whose keys only grow (sequences, day prefixes). bbolt's default,
// 0.5, suits random inserts; with keys appended at the end it leaves every
// page half empty for ever, doubling the file (BenchmarkBytesPerSale).
// Buckets whose records are rewritten as they change state take a little
// less, so a rewrite that grows a record rarely splits a page.
var fillPercent = map[Bucket]float64{
	BucketEvents: 0.95, BucketReceipts: 0.95, BucketOrdersByDay: 0.95,
	BucketSalesByDay: 0.95, BucketRefundsByDay: 0.95,
	BucketOrders: 0.9, BucketRefunds: 0.9,
}

// Buckets added by schema version 3.
const (
	// BucketUnseen holds the out_trade_no (→ empty) of every payment
	// resolved without the cashier seeing it, until the cashier
	// acknowledges it.
	BucketUnseen Bucket = "unseen"
)

// Buckets added by schema version 5: the catalogue (catalogstore).
const (
	BucketItems        Bucket = "items"         // item id → item record
	BucketItemBarcodes Bucket = "item_barcodes" // barcode (lookup form) → item id
	BucketItemPLUs     Bucket = "item_plus"     // scale item code → item id
	BucketCategories   Bucket = "categories"    // category name → category record
	BucketItemSearch   Bucket = "item_search"   // item id → the lower-case text a search matches
)

// Buckets added by schema version 6: who is signed in at the till and the
// cashiers' shifts (shiftstore).
const (
	// BucketShifts holds "till" → Till (who is signed in now) and the
	// shift records shiftstore keeps ("shift/<number>").
	BucketShifts Bucket = "shifts"
)

// catalogBuckets are the buckets of schema version 5.
var catalogBuckets = []Bucket{BucketItems, BucketItemBarcodes, BucketItemPLUs, BucketCategories, BucketItemSearch}

// allBuckets are the buckets of schema version 1; later versions add theirs
// in their own migration.
var allBuckets = []Bucket{
	BucketMeta, BucketOrders, BucketOrdersByDay, BucketOpen, BucketRefunds,
	BucketReceipts, BucketEvents, BucketSessions, BucketBills, BucketRecon,
	BucketOutbox, BucketUsers, BucketSequences, BucketCodes,
}

const appMarker = "wxpos"

// Options configures Open. The zero value (or nil) is usable.
type Options struct {
	// Timeout is how long Open waits for another process's lock before
	// failing with ErrLocked. Zero means one second.
	Timeout time.Duration
	// ReadOnly opens the file without writing to it (shared lock).
	ReadOnly bool
	// NoSync skips fsync on commit. Only for benchmarks and throwaway tests:
	// a power cut may then lose committed transactions.
	NoSync bool
	// Reserve is the size of the slack file kept next to the database
	// ("<file>.slack") and released when a commit runs out of space, so
	// the outcome of a payment already sent can still be recorded. Zero
	// means DefaultReserve; negative means none.
	Reserve int64
	// MinFree is the free space Room wants on the disk besides the
	// reserve before money moves. Zero means DefaultMinFree; negative
	// means none.
	MinFree int64
}

// Store is an open terminal database. It is safe for concurrent use.
type Store struct {
	db       *bolt.DB
	path     string
	commits  atomic.Uint64
	readOnly bool
	reserve  int64
	minFree  int64
	free     func(dir string) (int64, error) // freeBytes; tests inject a full disk
	// commitFault, when set by a test, fails a commit after fn ran, as a
	// write that hits a full disk does (the transaction rolls back).
	commitFault func() error
}

// Open opens or creates the database at path. A new file is initialised at
// the current schema; an older schema is migrated; anything else is refused
// without being written to.
func Open(path string, opts *Options) (*Store, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	fi, err := os.Stat(path)
	vetted := false // the file was found to be a wxpos database already
	switch {
	case err == nil && fi.IsDir():
		return nil, fmt.Errorf("open %s: %w: it is a directory", path, ErrNotDatabase)
	case err == nil && fi.Size() == 0:
		return nil, fmt.Errorf("open %s: %w: the file is empty", path, ErrNotDatabase)
	case err == nil:
		// Validate the meta pages first so a foreign or damaged file is
		// never mapped by bbolt.
		m, err := precheckMeta(path)
		if err != nil {
			return nil, err
		}
		// bbolt's read-write open writes to the file only to persist a
		// freelist the file lacks; only then is the file checked in a
		// read-only open of its own first. Otherwise the one open checks
		// it (openBolt): one open of the file per command, not two.
		if m.freelist == noFreelist && !o.ReadOnly {
			if err := check(path, o.Timeout); err != nil {
				return nil, err
			}
			vetted = true
		}
	case errors.Is(err, os.ErrNotExist):
		if o.ReadOnly {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		vetted = true
	default:
		return nil, fmt.Errorf("open %s: %w", path, err)
	}

	db, err := openBolt(path, &bolt.Options{Timeout: o.Timeout, ReadOnly: o.ReadOnly, NoSync: o.NoSync,
		InitialMmapSize: initialMmapSize()}, !vetted)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path, readOnly: o.ReadOnly, reserve: orDefault(o.Reserve, DefaultReserve),
		minFree: orDefault(o.MinFree, DefaultMinFree), free: freeBytes}
	if !o.ReadOnly {
		if err := s.migrate(); err != nil {
			db.Close()
			return nil, fmt.Errorf("open %s: %w", path, err)
		}
		// Best effort: on a disk already full, Room reports it before the
		// first payment.
		if s.reserve > 0 && !s.slackPresent() {
			_ = s.makeSlack()
		}
	} else if err := s.View(func(tx *Tx) error { return checkVersion(tx.tx) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// initialMmapSize is how much of the file bbolt maps at the start. Each
// time a write transaction outgrows the mapping, bbolt maps it again at
// twice the size and first copies every node the transaction holds out of
// the old mapping: a 100 000-item catalogue import (a 75 MB file) went
// through a dozen such remaps, 0.5–0.7 s of its 1.8–2.1 s of CPU and 7.7–7.9
// s of wall time at load 15–17 on 2 cores; mapping 256 MB from the start
// made it 1.37–1.41 s of CPU and 5.0–5.3 s (BenchmarkImport100k, the same
// run). On Unix the mapping is only address space, read on demand; with
// it bbolt grows the file 16 MB (its AllocSize) ahead of need from the
// first commit, as it did before only past 16 MB — a hole, not disk
// (a new database: 16 MB long, 24 KB on disk), and backups write the
// pages in use only (Backup). On Windows bbolt grows the file to the
// mapping's size, and a 32-bit process has little address space to spare,
// so there bbolt's default stays.
func initialMmapSize() int {
	if runtime.GOOS == "windows" || strconv.IntSize < 64 {
		return 0
	}
	return 256 << 20
}

// openBolt opens the file with bbolt and, when vet is set, confirms it is
// a wxpos database (or an empty bbolt file) before anything is written.
func openBolt(path string, bo *bolt.Options, vet bool) (db *bolt.DB, err error) {
	defer func() {
		// bbolt panics on some corrupt pages; a damaged file must be an
		// error, not a crash at the counter.
		if r := recover(); r != nil {
			if db != nil {
				db.Close()
			}
			db, err = nil, fmt.Errorf("open %s: %w: %v", path, ErrNotDatabase, r)
		}
	}()
	db, err = bolt.Open(path, 0o600, bo)
	if err != nil {
		return nil, openError(path, err)
	}
	if vet {
		if err := db.View(func(tx *bolt.Tx) error { return vetTx(path, tx) }); err != nil {
			db.Close()
			return nil, err
		}
	}
	return db, nil
}

// check opens an existing file read-only and confirms it is a wxpos database
// (or an empty bbolt file we may initialise) at a schema we understand.
func check(path string, timeout time.Duration) (err error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if err != nil {
		return openError(path, err)
	}
	defer db.Close()
	defer func() {
		// bbolt panics on some corrupt pages; a damaged file must be an
		// error, not a crash at the counter.
		if r := recover(); r != nil {
			err = fmt.Errorf("open %s: %w: %v", path, ErrNotDatabase, r)
		}
	}()
	return db.View(func(tx *bolt.Tx) error { return vetTx(path, tx) })
}

// vetTx confirms the file tx reads is a wxpos database (or an empty bbolt
// file we may initialise) at a schema we understand.
func vetTx(path string, tx *bolt.Tx) error {
	meta := tx.Bucket([]byte(BucketMeta))
	if meta == nil {
		empty := true
		_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
		if empty {
			return nil
		}
		return fmt.Errorf("open %s: %w: a bbolt file of another program", path, ErrNotDatabase)
	}
	if string(meta.Get([]byte("app"))) != appMarker {
		return fmt.Errorf("open %s: %w: a bbolt file of another program", path, ErrNotDatabase)
	}
	if err := checkVersion(tx); err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	return nil
}

func openError(path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return fmt.Errorf("%w on %s", ErrLocked, path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return fmt.Errorf("open %s: %w: %v", path, ErrNotDatabase, err)
	}
	// bbolt reports some truncations as plain I/O errors; the file exists,
	// so it is damaged rather than missing.
	return fmt.Errorf("open %s: %w: %v", path, ErrNotDatabase, err)
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close releases the database and its lock.
func (s *Store) Close() error { return s.db.Close() }

// Commits reports how many read-write transactions have committed since Open.
// The payment core's benchmark uses it to show one commit per transition.
func (s *Store) Commits() uint64 { return s.commits.Load() }

func orDefault(v, def int64) int64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Update runs fn in a read-write transaction. It commits if fn returns nil,
// and rolls back if fn returns an error or panics.
//
// A commit that fails because the disk is full releases the reserve file
// and runs fn once more: the write it failed is usually a payment outcome
// that WeChat has already decided. If that fails too, the error is a
// *DiskFullError; the file keeps its last committed state either way.
// fn may therefore run twice and must not keep state across runs.
func (s *Store) Update(fn func(*Tx) error) error {
	err := s.update(fn)
	if isNoSpace(err) && s.releaseSlack() {
		err = s.update(fn)
	}
	if isNoSpace(err) {
		dir := filepath.Dir(s.path)
		free, _ := s.free(dir)
		return &DiskFullError{Dir: dir, FreeBytes: free, NeedBytes: s.minFree + s.reserve, Err: err}
	}
	return err
}

func (s *Store) update(fn func(*Tx) error) error {
	err := s.db.Update(func(btx *bolt.Tx) error {
		if err := fn(&Tx{tx: btx}); err != nil {
			return err
		}
		if s.commitFault != nil {
			return s.commitFault()
		}
		return nil
	})
	if err == nil {
		s.commits.Add(1)
	}
	return err
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(btx *bolt.Tx) error { return fn(&Tx{tx: btx}) })
}

// Tx is a transaction handed to Update and View callbacks. It must not be
// used after the callback returns.
type Tx struct {
	tx *bolt.Tx
}

func (t *Tx) bucket(b Bucket) (*bolt.Bucket, error) {
	bk := t.tx.Bucket([]byte(b))
	if bk == nil {
		return nil, fmt.Errorf("bucket %s missing: %w", b, ErrNotDatabase)
	}
	// FillPercent lives on the handle, not in the file: set it on every
	// handle a write may use.
	if f, ok := fillPercent[b]; ok {
		bk.FillPercent = f
	}
	return bk, nil
}

// Put stores v as JSON under key in bucket b.
func (t *Tx) Put(b Bucket, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s/%s: %w", b, key, err)
	}
	return t.PutRaw(b, key, data)
}

// PutRaw stores raw bytes under key in bucket b (used for gzip bills and
// index entries).
func (t *Tx) PutRaw(b Bucket, key string, value []byte) error {
	bk, err := t.bucket(b)
	if err != nil {
		return err
	}
	if err := bk.Put([]byte(key), value); err != nil {
		return fmt.Errorf("put %s/%s: %w", b, key, err)
	}
	return nil
}

// Get decodes the JSON value under key in bucket b into v. It returns an
// error wrapping ErrNotFound when there is none.
func (t *Tx) Get(b Bucket, key string, v any) error {
	data, err := t.GetRaw(b, key)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode %s/%s: %w", b, key, err)
	}
	return nil
}

// GetRaw returns a copy of the bytes under key in bucket b, or an error
// wrapping ErrNotFound.
func (t *Tx) GetRaw(b Bucket, key string) ([]byte, error) {
	bk, err := t.bucket(b)
	if err != nil {
		return nil, err
	}
	v := bk.Get([]byte(key))
	if v == nil {
		return nil, fmt.Errorf("%s/%s: %w", b, key, ErrNotFound)
	}
	return bytes.Clone(v), nil
}

// Has reports whether key exists in bucket b.
func (t *Tx) Has(b Bucket, key string) bool {
	bk, err := t.bucket(b)
	return err == nil && bk.Get([]byte(key)) != nil
}

// Delete removes key from bucket b; deleting a missing key is not an error.
func (t *Tx) Delete(b Bucket, key string) error {
	bk, err := t.bucket(b)
	if err != nil {
		return err
	}
	return bk.Delete([]byte(key))
}

// ForEach calls fn for every key in bucket b that starts with prefix, in key
// order. value is only valid during the call; fn must copy what it keeps.
// Returning a non-nil error from fn stops the walk and returns that error.
func (t *Tx) ForEach(b Bucket, prefix string, fn func(key string, value []byte) error) error {
	bk, err := t.bucket(b)
	if err != nil {
		return err
	}
	c := bk.Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
		if err := fn(string(k), v); err != nil {
			return err
		}
	}
	return nil
}

// NextSeq returns the next value of the named sequence, starting at 1. It
// survives restarts and never repeats, even if the surrounding transaction
// later commits other writes; a rolled-back transaction does not consume it.
func (t *Tx) NextSeq(name string) (uint64, error) {
	bk, err := t.bucket(BucketSequences)
	if err != nil {
		return 0, err
	}
	var n uint64
	if v := bk.Get([]byte(name)); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	n++
	if err := bk.Put([]byte(name), u64key(n)); err != nil {
		return 0, fmt.Errorf("sequence %s: %w", name, err)
	}
	return n, nil
}

// Seq returns the named sequence's last value, 0 when it was never used.
func (t *Tx) Seq(name string) uint64 {
	bk, err := t.bucket(BucketSequences)
	if err != nil {
		return 0
	}
	if v := bk.Get([]byte(name)); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

// SetSeq moves the named sequence forward to n; a sequence never goes
// back, so an n below its value is an error and changes nothing.
func (t *Tx) SetSeq(name string, n uint64) error {
	if cur := t.Seq(name); n < cur {
		return fmt.Errorf("sequence %s: %d is below %d", name, n, cur)
	}
	bk, err := t.bucket(BucketSequences)
	if err != nil {
		return err
	}
	if err := bk.Put([]byte(name), u64key(n)); err != nil {
		return fmt.Errorf("sequence %s: %w", name, err)
	}
	return nil
}

func u64key(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

// Backup writes a consistent copy of the whole database to w while the
// terminal keeps running (a read transaction; writers are not blocked).
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a backup to path atomically: a temporary file in the same
// directory, synced, then renamed, so a crash never leaves half a backup
// under the final name. It refuses to overwrite the live database.
func (s *Store) BackupFile(path string) (int64, error) {
	if abs, err := filepath.Abs(path); err == nil {
		if live, err := filepath.Abs(s.path); err == nil && abs == live {
			return 0, fmt.Errorf("backup %s: refusing to overwrite the live database", path)
		}
	}
	tmp, n, err := writeTemp(filepath.Dir(path), ".wxpos-backup-*", s.Backup)
	if err == nil {
		defer os.Remove(tmp) // no-op after a successful rename
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return 0, fmt.Errorf("backup %s: %w", path, err)
	}
	return n, nil
}

// writeTemp writes a new file in dir (named by pattern, as os.CreateTemp)
// with write, syncs it and makes it owner-only; the caller renames it into
// place. On any error nothing is left behind.
func writeTemp(dir, pattern string, write func(io.Writer) (int64, error)) (tmp string, n int64, err error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", 0, err
	}
	tmp = f.Name()
	n, err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600)
	}
	if err != nil {
		os.Remove(tmp)
		return "", 0, err
	}
	return tmp, n, nil
}
