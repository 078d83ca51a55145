package sandbox

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wxpos/wxpos/tz"
)

// The ledger lives in one bbolt file, under a bucket per merchant, so no
// request costs more with history than without: every lookup goes through
// an index and an update writes only the records it touched, in one
// transaction.
//
//	merchant:<mch_id>/
//	  meta       "meta" → ledgerMeta (JSON)
//	  orders     out_trade_no → order (JSON), and
//	             0x00 | u64 creation number → out_trade_no (creation order;
//	             in the same tree, so that a payment writes one tree fewer)
//	  tx         transaction_id → out_trade_no (only ids of older ledgers:
//	             a transaction_id now carries the order number, ledger.go)
//	  codeurl    code_url → out_trade_no (Native orders)
//	  codes      payment code digest → out_trade_no (spent codes; never the code)
//	  refunds    out_refund_no → refund (JSON)
//	  refundseq  u64 creation number → out_refund_no
//	  refundid   refund_id → out_refund_no
//	  due        u64 unix ns | 'o'/'r' | key → "" (open orders and PROCESSING refunds by when they change)
//	  paidday    YYYYMMDD | u64 order number → out_trade_no (payments by success day, Beijing,
//	             of orders paid on a later day than created; paidOn finds the others)
//	  refundday  YYYYMMDD | u64 refund number → out_refund_no (refunds by request day)
//	  notices    u64 number → notice (JSON)
//	  noticedue  u64 unix ns | u64 number → "" (notifications still to send)
//
// Index entries are derived from the record (index methods below) and kept
// in step when the record is written, so they cannot drift from it.
var (
	bMeta      = "meta"
	bOrders    = "orders"
	bOrderSeq  = "orderseq" // before format 4: the creation numbers' own tree
	bTx        = "tx"
	bCodeURL   = "codeurl"
	bPrepay    = "prepay"
	bCodes     = "codes"
	bRefunds   = "refunds"
	bRefundSeq = "refundseq"
	bRefundID  = "refundid"
	bDue       = "due"
	bPaidDay   = "paidday"
	bRefundDay = "refundday"
	bNotices   = "notices"
	bNoticeDue = "noticedue"

	ledgerBuckets = []string{bMeta, bOrders, bTx, bCodeURL, bCodes, bRefunds, bRefundSeq,
		bRefundID, bDue, bPaidDay, bRefundDay, bNotices, bNoticeDue, bPrepay}
)

// appendBuckets are the trees whose keys grow at the right edge (numbers
// in creation order, days then numbers, out_trade_no minted in sequence
// per terminal): their pages are filled whole instead of half, so they
// stay a level shallower and a commit writes fewer pages.
var appendBuckets = []string{bOrders, bRefundSeq, bPaidDay, bRefundDay, bNotices}

const (
	ledgerDBFile     = "ledger.db"
	legacyLedgerFile = "ledger.json" // written by releases before the bbolt ledger
	migratedSuffix   = ".migrated"
)

// ledgerMeta is the ledger's scalar state.
type ledgerMeta struct {
	Version     int           `json:"version"`
	Seq         int64         `json:"seq"`
	ClockOffset time.Duration `json:"clock_offset"`
	Orders      int           `json:"orders"`
}

// idxKey is one index entry a record owns.
type idxKey struct {
	bucket string
	key    string
	val    string
}

// entry is a record loaded (or created) in the current update: what it
// was when loaded, so only changed records are written and their stale
// index entries removed.
type entry[T any] struct {
	v    *T
	orig []byte
	keys []idxKey
}

// ledger is the simulated merchant's state. It is guarded by Server.mu;
// between begin and end one writable bbolt transaction is open, and the
// records touched in it are cached so handlers can change them in place.
type ledger struct {
	db      *bolt.DB
	root    []byte
	meta    ledgerMeta
	saved   ledgerMeta
	tx      *bolt.Tx
	dirty   bool
	orders  map[string]*entry[order]
	refunds map[string]*entry[refund]
	notices map[uint64]*entry[notice]
	err     error // a record that did not decode in this update
	sub     bool  // the sub-merchant's ledger (transaction_id digit 2)
}

func merchantBucket(mchID string) []byte { return []byte("merchant:" + mchID) }

// openLedger opens (creating) the ledger in path for mchID. durable
// syncs every commit to disk; the in-memory sandbox does without.
func openLedger(path, mchID string, durable bool) (*ledger, error) {
	// The free-page list is not written with every commit (a ledger that
	// grew has hundreds of free pages, a page or two more per payment);
	// bbolt rebuilds it from the tree on open. It is kept as a sorted
	// array: with the map kind, merging the pages a commit frees into
	// a free list of a grown ledger was a sixth of what a payment costs
	// more at 100k orders than on a young ledger (hash lookups and
	// inserts per freed page, in maps sized by the free list), and a
	// sandbox's free list stays at hundreds of pages, where the array's
	// linear merge is cheaper.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 3 * time.Second, NoSync: !durable, NoGrowSync: !durable,
		NoFreelistSync: true, FreelistType: bolt.FreelistArrayType})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("sandbox: ledger %s is in use by another simulator (close it first)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: open ledger %s: %w", path, err)
	}
	l, err := ledgerOn(db, mchID)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("sandbox: ledger %s: %w", path, err)
	}
	return l, nil
}

// ledgerOn is the ledger of merchant mchID in db, its buckets created when
// new. Several merchants' ledgers share one db (one writable transaction at
// a time: Server.mu keeps them apart).
func ledgerOn(db *bolt.DB, mchID string) (*ledger, error) {
	l := &ledger{db: db, root: merchantBucket(mchID)}
	err := db.Update(func(tx *bolt.Tx) error {
		root, err := tx.CreateBucketIfNotExists(l.root)
		if err != nil {
			return err
		}
		for _, name := range ledgerBuckets {
			if _, err := root.CreateBucketIfNotExists([]byte(name)); err != nil {
				return err
			}
		}
		l.meta = ledgerMeta{Version: ledgerVersion}
		if data := root.Bucket([]byte(bMeta)).Get([]byte(bMeta)); data != nil {
			if err := json.Unmarshal(data, &l.meta); err != nil {
				return fmt.Errorf("meta: %w", err)
			}
		}
		if l.meta.Version > ledgerVersion {
			return fmt.Errorf("%w: format %d, this simulator reads up to %d (use the newer wxpos, or another --data directory)",
				ErrLedgerTooNew, l.meta.Version, ledgerVersion)
		}
		l.saved = l.meta
		return nil
	})
	if err == nil && l.meta.Version < ledgerVersion {
		err = l.upgrade()
	}
	if err != nil {
		return nil, err
	}
	return l, nil
}

// ErrLedgerTooNew is returned when a data directory's ledger was written by
// a newer simulator whose format this one does not know.
var ErrLedgerTooNew = errors.New("ledger written by a newer simulator")

// ledgerVersion is the ledger's format:
//
//	2  every paid order in paidday
//	3  paidday holds only orders paid on another day than they were
//	   created (password payments over midnight, Native orders paid
//	   later); the others are found by creation number (paidOn), so a
//	   payment writes one index tree fewer
//	4  the creation numbers are keys of the orders tree (seqKey), not
//	   of a tree of their own (orderseq): one tree fewer again, and the
//	   one whose depth grew with history (a level more at 100k orders)
const ledgerVersion = 4

// upgrade brings a ledger of an older format to ledgerVersion, in one
// commit: from 2, the paidday entries of orders paid on the day they were
// created are dropped (paidOn finds those by creation number); from 3,
// orderseq moves into the orders tree.
func (l *ledger) upgrade() error {
	if err := l.begin(); err != nil {
		return err
	}
	if err := l.moveOrderSeq(); err != nil {
		_ = l.tx.Rollback()
		l.tx = nil
		return err
	}
	var drop [][]byte
	c := l.b(bPaidDay).Cursor()
	for k, no := c.First(); k != nil; k, no = c.Next() {
		if o := l.peekOrder(string(no)); o != nil && !o.paidLater() {
			drop = append(drop, bytes.Clone(k))
		}
	}
	for _, k := range drop {
		if err := l.b(bPaidDay).Delete(k); err != nil && l.err == nil {
			l.err = err
		}
	}
	from := l.meta.Version
	l.meta.Version = ledgerVersion
	l.dirty = true
	if err := l.end(); err != nil {
		return fmt.Errorf("upgrade from format %d: %w", from, err)
	}
	return nil
}

// moveOrderSeq moves the creation numbers of a ledger before format 4
// from their own tree (orderseq) into the orders tree, with its sequence.
func (l *ledger) moveOrderSeq() error {
	root := l.tx.Bucket(l.root)
	old := root.Bucket([]byte(bOrderSeq))
	if old == nil {
		return nil
	}
	orders := l.b(bOrders)
	err := old.ForEach(func(k, no []byte) error {
		if len(k) != 8 {
			return nil
		}
		return orders.Put(seqKey(binary.BigEndian.Uint64(k)), no)
	})
	if err == nil {
		err = orders.SetSequence(old.Sequence())
	}
	if err == nil {
		err = root.DeleteBucket([]byte(bOrderSeq))
	}
	if err != nil {
		return fmt.Errorf("move %s: %w", bOrderSeq, err)
	}
	return nil
}

// openMemoryLedger is the ledger of a sandbox without a data directory: the
// same store on a file that is unlinked at once and never synced.
func openMemoryLedger(mchID string) (*ledger, error) {
	f, err := os.CreateTemp("", "wxpos-sandbox-*.db")
	if err != nil {
		return nil, fmt.Errorf("sandbox: in-memory ledger: %w", err)
	}
	path := f.Name()
	f.Close()
	defer os.Remove(path) // the open file lives on until Close
	return openLedger(path, mchID, false)
}

func (l *ledger) close() error { return l.db.Close() }

// begin starts the update that the handlers' reads and writes go to.
func (l *ledger) begin() error {
	tx, err := l.db.Begin(true)
	if err != nil {
		return err
	}
	l.tx, l.dirty, l.err = tx, false, nil
	l.orders = map[string]*entry[order]{}
	l.refunds = map[string]*entry[refund]{}
	l.notices = map[uint64]*entry[notice]{}
	return nil
}

// end writes what changed in one commit, or rolls back when nothing did.
func (l *ledger) end() error {
	tx := l.tx
	l.tx = nil
	err := l.flush(tx)
	if err == nil {
		err = l.err
	}
	if err != nil || !l.dirty {
		l.meta = l.saved
		_ = tx.Rollback()
		return err
	}
	root := tx.Bucket(l.root)
	for _, name := range appendBuckets { // read when the commit writes the pages
		root.Bucket([]byte(name)).FillPercent = 1.0
	}
	if err := tx.Commit(); err != nil {
		l.meta = l.saved
		return err
	}
	l.saved = l.meta
	return nil
}

func (l *ledger) b(name string) *bolt.Bucket { return l.tx.Bucket(l.root).Bucket([]byte(name)) }

// next returns a fresh sequence number for identifiers.
func (l *ledger) next() int64 {
	l.meta.Seq++
	return l.meta.Seq
}

func (l *ledger) put(bucket string, key, val []byte) {
	if err := l.b(bucket).Put(key, val); err != nil && l.err == nil {
		l.err = err
	}
	l.dirty = true
}

// flush writes every record whose encoding changed and moves its index
// entries, then the meta record if it changed.
func (l *ledger) flush(tx *bolt.Tx) error {
	root := tx.Bucket(l.root)
	for no, e := range l.orders {
		if err := l.write(root, bOrders, []byte(no), e.v, e.orig, e.keys, e.v.index()); err != nil {
			return err
		}
	}
	for no, e := range l.refunds {
		if err := l.write(root, bRefunds, []byte(no), e.v, e.orig, e.keys, e.v.index()); err != nil {
			return err
		}
	}
	for n, e := range l.notices {
		if err := l.write(root, bNotices, u64(n), e.v, e.orig, e.keys, e.v.index()); err != nil {
			return err
		}
	}
	if l.meta != l.saved {
		data, err := json.Marshal(l.meta)
		if err != nil {
			return err
		}
		if err := root.Bucket([]byte(bMeta)).Put([]byte(bMeta), data); err != nil {
			return err
		}
		l.dirty = true
	}
	return nil
}

func (l *ledger) write(root *bolt.Bucket, bucket string, key []byte, v any, orig []byte, old, cur []idxKey) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if bytes.Equal(data, orig) {
		return nil
	}
	l.dirty = true
	if err := root.Bucket([]byte(bucket)).Put(key, data); err != nil {
		return err
	}
	for _, k := range old {
		if !slices.Contains(cur, k) {
			if err := root.Bucket([]byte(k.bucket)).Delete([]byte(k.key)); err != nil {
				return err
			}
		}
	}
	for _, k := range cur {
		if !slices.Contains(old, k) {
			if err := root.Bucket([]byte(k.bucket)).Put([]byte(k.key), []byte(k.val)); err != nil {
				return err
			}
		}
	}
	return nil
}

// load decodes the record under key, nil when there is none.
func load[T any](l *ledger, bucket string, key []byte) *T {
	data := l.b(bucket).Get(key)
	if data == nil {
		return nil
	}
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		if l.err == nil {
			l.err = fmt.Errorf("sandbox: ledger record %s/%s: %w", bucket, key, err)
		}
		return nil
	}
	return v
}

// order returns the order out_trade_no (nil: none), cached for the update
// so changes to it are written at its end.
func (l *ledger) order(no string) *order {
	if e := l.orders[no]; e != nil {
		return e.v
	}
	o := load[order](l, bOrders, []byte(no))
	if o != nil {
		l.orders[no] = &entry[order]{v: o, orig: bytes.Clone(l.b(bOrders).Get([]byte(no))), keys: o.index()}
	}
	return o
}

// peekOrder is order for listings: a record not already in the update is
// decoded without being cached.
func (l *ledger) peekOrder(no string) *order {
	if e := l.orders[no]; e != nil {
		return e.v
	}
	return load[order](l, bOrders, []byte(no))
}

// findOrder looks an order up by transaction_id (preferred) or out_trade_no.
func (l *ledger) findOrder(transactionID, outTradeNo string) *order {
	if transactionID != "" {
		if n, ok := l.txNumber(transactionID); ok {
			if no := l.b(bOrders).Get(seqKey(n)); no != nil {
				if o := l.order(string(no)); o != nil && o.TransactionID == transactionID {
					return o
				}
			}
		}
		if no := l.b(bTx).Get([]byte(transactionID)); no != nil {
			return l.order(string(no))
		}
		return l.pendingBy(func(o *order) bool { return o.TransactionID == transactionID })
	}
	return l.order(outTradeNo)
}

// orderByCodeURL finds the Native order that issued codeURL.
func (l *ledger) orderByCodeURL(codeURL string) *order {
	if no := l.b(bCodeURL).Get([]byte(codeURL)); no != nil {
		if o := l.order(string(no)); o != nil && o.CodeURL == codeURL {
			return o
		}
	}
	return l.pendingBy(func(o *order) bool { return o.CodeURL == codeURL && o.TradeType == tradeNative })
}

// pendingBy finds among the orders changed in this update (whose index
// entries are written only at its end) one matching f.
func (l *ledger) pendingBy(f func(*order) bool) *order {
	for _, e := range l.orders {
		if f(e.v) {
			return e.v
		}
	}
	return nil
}

// addOrder records a new order.
func (l *ledger) addOrder(o *order) {
	n, err := l.b(bOrders).NextSequence()
	if err != nil && l.err == nil {
		l.err = err
	}
	o.N = n
	l.put(bOrders, seqKey(n), []byte(o.OutTradeNo))
	l.orders[o.OutTradeNo] = &entry[order]{v: o}
	l.meta.Orders++
}

// codeUsed reports whether the payment code with digest d has been spent.
func (l *ledger) codeUsed(d string) bool { return l.b(bCodes).Get([]byte(d)) != nil }

// useCode spends the payment code with digest d on order outTradeNo.
func (l *ledger) useCode(d, outTradeNo string) { l.put(bCodes, []byte(d), []byte(outTradeNo)) }

// refund returns the refund out_refund_no (nil: none), cached for the update.
func (l *ledger) refund(no string) *refund {
	if e := l.refunds[no]; e != nil {
		return e.v
	}
	r := load[refund](l, bRefunds, []byte(no))
	if r != nil {
		l.refunds[no] = &entry[refund]{v: r, orig: bytes.Clone(l.b(bRefunds).Get([]byte(no))), keys: r.index()}
	}
	return r
}

func (l *ledger) peekRefund(no string) *refund {
	if e := l.refunds[no]; e != nil {
		return e.v
	}
	return load[refund](l, bRefunds, []byte(no))
}

// refundByID finds a refund by its refund_id.
func (l *ledger) refundByID(id string) *refund {
	if no := l.b(bRefundID).Get([]byte(id)); no != nil {
		return l.refund(string(no))
	}
	for _, e := range l.refunds {
		if e.v.RefundID == id {
			return e.v
		}
	}
	return nil
}

// addRefund records a new refund.
func (l *ledger) addRefund(r *refund) {
	n, err := l.b(bRefundSeq).NextSequence()
	if err != nil && l.err == nil {
		l.err = err
	}
	r.N = n
	l.put(bRefundSeq, u64(n), []byte(r.OutRefundNo))
	l.refunds[r.OutRefundNo] = &entry[refund]{v: r}
}

// addNotice records a new notification.
func (l *ledger) addNotice(n *notice) {
	seq, err := l.b(bNotices).NextSequence()
	if err != nil && l.err == nil {
		l.err = err
	}
	n.N = seq
	l.notices[seq] = &entry[notice]{v: n}
	l.dirty = true
}

// notice returns notification number n, cached for the update.
func (l *ledger) notice(n uint64) *notice {
	if e := l.notices[n]; e != nil {
		return e.v
	}
	v := load[notice](l, bNotices, u64(n))
	if v != nil {
		l.notices[n] = &entry[notice]{v: v, orig: bytes.Clone(l.b(bNotices).Get(u64(n))), keys: v.index()}
	}
	return v
}

// dueNotices returns the notifications not yet sent whose time has come,
// in the order they were queued.
func (l *ledger) dueNotices(now time.Time) []*notice {
	var out []*notice
	c := l.b(bNoticeDue).Cursor()
	for k, _ := c.First(); k != nil && len(k) == 16 && !now.Before(keyTime(k)); k, _ = c.Next() {
		if n := l.notice(binary.BigEndian.Uint64(k[8:])); n != nil && !n.Done {
			out = append(out, n)
		}
	}
	for _, e := range l.notices { // queued in this update: not indexed yet
		if e.orig == nil && !e.v.Done && !now.Before(e.v.Due) && !slices.Contains(out, e.v) {
			out = append(out, e.v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}

// eachNotice calls f for every notification in the order they were queued.
func (l *ledger) eachNotice(f func(*notice)) {
	c := l.b(bNotices).Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		n := binary.BigEndian.Uint64(k)
		if e := l.notices[n]; e != nil {
			f(e.v)
			continue
		}
		var x notice
		if err := json.Unmarshal(v, &x); err == nil {
			f(&x)
		}
	}
	for _, n := range l.newNotices() {
		f(n)
	}
}

func (l *ledger) newNotices() []*notice {
	var out []*notice
	for _, e := range l.notices {
		if e.orig == nil && l.b(bNotices).Get(u64(e.v.N)) == nil {
			out = append(out, e.v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}

// eachOrder calls f for every order in creation order.
func (l *ledger) eachOrder(f func(*order)) {
	c := l.b(bOrders).Cursor()
	for k, no := c.Seek(seqKey(0)); isSeqKey(k); k, no = c.Next() {
		if o := l.peekOrder(string(no)); o != nil {
			f(o)
		}
	}
}

// eachRefund calls f for every refund in creation order.
func (l *ledger) eachRefund(f func(*refund)) {
	c := l.b(bRefundSeq).Cursor()
	for k, no := c.First(); k != nil; k, no = c.Next() {
		if r := l.peekRefund(string(no)); r != nil {
			f(r)
		}
	}
}

// paidOn calls f for every order that paid on the Beijing day of day, in
// creation order: those created earlier from the paidday index, then
// those created that day, read in creation order from the first of them
// (firstCreatedOn). Orders paid in this update are not indexed yet; a bill
// is only asked for past days, so none of them belongs to it.
func (l *ledger) paidOn(day time.Time, f func(*order)) {
	key := dayKey(day)
	l.onDay(bPaidDay, day, func(no string) {
		if o := l.peekOrder(no); o != nil {
			f(o)
		}
	})
	c := l.b(bOrders).Cursor()
	for k, no := c.Seek(seqKey(l.firstCreatedOn(day))); isSeqKey(k); k, no = c.Next() {
		o := l.peekOrder(string(no))
		if o == nil {
			continue
		}
		if created := dayKey(o.CreateTime); created > key {
			return
		} else if created == key && o.paid() && !o.paidLater() {
			f(o)
		}
	}
}

// firstCreatedOn is the creation number of the first order created on
// day (Beijing) or later: orders are numbered as the sandbox clock, which
// only moves forward, creates them, so their days never decrease with the
// number and a binary search finds it.
func (l *ledger) firstCreatedOn(day time.Time) uint64 {
	start, _ := time.ParseInLocation("20060102", dayKey(day), tz.Shanghai)
	c := l.b(bOrders).Cursor()
	lo, hi := uint64(1), l.b(bOrders).Sequence()+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		k, no := c.Seek(seqKey(mid))
		if !isSeqKey(k) {
			hi = mid
			continue
		}
		if o := l.peekOrder(string(no)); o != nil && o.CreateTime.Before(start) {
			lo = binary.BigEndian.Uint64(k[1:]) + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// refundedOn calls f for every refund asked on the Beijing day of day.
func (l *ledger) refundedOn(day time.Time, f func(*refund)) {
	l.onDay(bRefundDay, day, func(no string) {
		if r := l.peekRefund(no); r != nil {
			f(r)
		}
	})
}

func (l *ledger) onDay(bucket string, day time.Time, f func(string)) {
	prefix := []byte(dayKey(day))
	c := l.b(bucket).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		f(string(v))
	}
}

// settle applies everything due at or before now: password payments that
// complete or time out, Native orders that expire, refunds that finish.
// Orders go first, then refunds, each in creation order, as they did when
// the ledger was scanned whole.
func (l *ledger) settle(now time.Time) {
	var orders []*order
	var refunds []*refund
	c := l.b(bDue).Cursor()
	for k, _ := c.First(); k != nil && len(k) > 9 && !now.Before(keyTime(k)); k, _ = c.Next() {
		switch key := string(k[9:]); k[8] {
		case 'o':
			if o := l.order(key); o != nil {
				orders = append(orders, o)
			}
		case 'r':
			if r := l.refund(key); r != nil {
				refunds = append(refunds, r)
			}
		}
	}
	sort.Slice(orders, func(i, j int) bool { return orders[i].N < orders[j].N })
	sort.Slice(refunds, func(i, j int) bool { return refunds[i].N < refunds[j].N })
	for _, o := range orders {
		l.settleOrder(o, now)
	}
	for _, r := range refunds {
		if r.Status == refundProcessing && !now.Before(r.CompleteAt) {
			l.finishRefund(r, r.CompleteAt)
		}
	}
}

// index is every index entry order o owns in its current state.
func (o *order) index() []idxKey {
	var k []idxKey
	if o.TransactionID != "" && !derivedTxID(o.TransactionID) {
		k = append(k, idxKey{bTx, o.TransactionID, o.OutTradeNo})
	}
	if o.CodeURL != "" && o.TradeType == tradeNative {
		k = append(k, idxKey{bCodeURL, o.CodeURL, o.OutTradeNo})
	}
	if o.PrepayID != "" && prepayKind(o.TradeType) {
		k = append(k, idxKey{bPrepay, o.PrepayID, o.OutTradeNo})
	}
	if t := o.due(); !t.IsZero() {
		k = append(k, idxKey{bDue, dueKey(t, 'o', o.OutTradeNo), ""})
	}
	if o.paidLater() {
		k = append(k, idxKey{bPaidDay, dayKey(o.SuccessTime) + string(u64(o.N)), o.OutTradeNo})
	}
	return k
}

// due is when o changes by itself next (zero: never).
func (o *order) due() time.Time {
	switch o.State {
	case stateUserPaying:
		switch {
		case o.PayAt.IsZero():
			return o.FailAt
		case o.FailAt.IsZero() || o.PayAt.Before(o.FailAt):
			return o.PayAt
		}
		return o.FailAt
	case stateNotPay:
		return o.ExpireTime
	}
	return time.Time{}
}

func (r *refund) index() []idxKey {
	k := []idxKey{{bRefundID, r.RefundID, r.OutRefundNo},
		{bRefundDay, dayKey(r.CreateTime) + string(u64(r.N)), r.OutRefundNo}}
	if r.Status == refundProcessing {
		k = append(k, idxKey{bDue, dueKey(r.CompleteAt, 'r', r.OutRefundNo), ""})
	}
	return k
}

func (n *notice) index() []idxKey {
	if n.Done {
		return nil
	}
	return []idxKey{{bNoticeDue, string(timeKey(n.Due)) + string(u64(n.N)), ""}}
}

func u64(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// seqKey is the key of creation number n in the orders tree: a 0 byte,
// which no out_trade_no holds, then the number, so the numbers sort
// before every order and in creation order.
func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64([]byte{0}, n) }

// isSeqKey reports whether k (nil: the tree's end) is a seqKey.
func isSeqKey(k []byte) bool { return len(k) == 9 && k[0] == 0 }

// timeKey orders times bytewise (times before 1970 sort first).
func timeKey(t time.Time) []byte { return u64(uint64(max(t.UnixNano(), 0))) }

func keyTime(k []byte) time.Time { return time.Unix(0, int64(binary.BigEndian.Uint64(k[:8]))) }

func dueKey(t time.Time, kind byte, key string) string {
	return string(timeKey(t)) + string(kind) + key
}

func dayKey(t time.Time) string { return t.In(tz.Shanghai).Format("20060102") }

// legacyLedger is ledger.json as releases before the bbolt ledger wrote it.
type legacyLedger struct {
	Version     int                `json:"version"`
	Seq         int64              `json:"seq"`
	ClockOffset time.Duration      `json:"clock_offset"`
	Orders      map[string]*order  `json:"orders"`
	OrderSeq    []string           `json:"order_seq"`
	Refunds     map[string]*refund `json:"refunds"`
	RefundSeq   []string           `json:"refund_seq"`
	UsedCodes   map[string]string  `json:"used_codes"`
	Notices     []*notice          `json:"notices,omitempty"`
}

// migrateLegacy converts dir's ledger.json into l, once: in one commit,
// after which the JSON file is renamed aside (ledger.json.migrated) and
// never read again. A ledger that already holds state is left alone.
func (l *ledger) migrateLegacy(dir string) error {
	path := filepath.Join(dir, legacyLedgerFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: read %s: %w", legacyLedgerFile, err)
	}
	if l.meta.Seq != 0 || l.meta.Orders != 0 {
		return nil // already converted (the rename did not happen) or a newer state
	}
	var old legacyLedger
	if err := json.Unmarshal(data, &old); err != nil {
		return fmt.Errorf("sandbox: parse %s: %w", legacyLedgerFile, err)
	}
	if err := l.begin(); err != nil {
		return err
	}
	l.meta.Seq, l.meta.ClockOffset = old.Seq, old.ClockOffset
	for _, no := range old.OrderSeq {
		if o := old.Orders[no]; o != nil {
			l.addOrder(o)
		}
	}
	for d, no := range old.UsedCodes {
		l.useCode(d, no)
	}
	for _, no := range old.RefundSeq {
		if r := old.Refunds[no]; r != nil {
			l.addRefund(r)
		}
	}
	for _, n := range old.Notices {
		l.addNotice(n)
	}
	l.dirty = true
	if err := l.end(); err != nil {
		return fmt.Errorf("sandbox: convert %s: %w", legacyLedgerFile, err)
	}
	return os.Rename(path, path+migratedSuffix)
}

// readLedgerState reads the identifier counter and order count of the
// ledger in dir without starting a server: from ledger.db, else from a
// ledger.json not converted yet.
func readLedgerState(dir, mchID string) (seq int64, orders int, err error) {
	path := filepath.Join(dir, ledgerDBFile)
	if _, err := os.Stat(path); err == nil {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
		if err != nil {
			return 0, 0, fmt.Errorf("sandbox: open %s: %w", ledgerDBFile, err)
		}
		defer db.Close()
		var m ledgerMeta
		err = db.View(func(tx *bolt.Tx) error {
			root := tx.Bucket(merchantBucket(mchID))
			if root == nil || root.Bucket([]byte(bMeta)) == nil {
				return nil
			}
			if data := root.Bucket([]byte(bMeta)).Get([]byte(bMeta)); data != nil {
				return json.Unmarshal(data, &m)
			}
			return nil
		})
		if err != nil {
			return 0, 0, fmt.Errorf("sandbox: read %s: %w", ledgerDBFile, err)
		}
		if m.Seq != 0 || m.Orders != 0 {
			return m.Seq, m.Orders, nil
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, legacyLedgerFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("sandbox: read ledger: %w", err)
	}
	var old legacyLedger
	if err := json.Unmarshal(data, &old); err != nil {
		return 0, 0, fmt.Errorf("sandbox: parse %s: %w", legacyLedgerFile, err)
	}
	return old.Seq, len(old.Orders), nil
}
