package recon

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// ErrNoBill is returned when no bill of the day has been stored yet.
var ErrNoBill = errors.New("no bill stored for this day")

// ErrNoResult is returned when a day has not been reconciled yet.
var ErrNoResult = errors.New("day not reconciled")

// ErrUnknownDifference is returned by Resolve for an id the day's result
// does not list.
var ErrUnknownDifference = errors.New("no such difference")

// ErrAlreadyResolved is returned by Resolve for a difference that already
// has a resolution.
var ErrAlreadyResolved = errors.New("difference already resolved")

// Event kinds reconciliation writes to the audit trail.
const (
	EventBillStored = "bill.stored"
	EventReconRun   = "recon.run"
	EventResolve    = "recon.resolve"
	EventQuery      = "recon.query"
	// EventRecordSale is written by the payment core when it records a
	// WeChat-only payment as a sale (SaleRecorder).
	EventRecordSale = "order.recorded"
)

// BillInfo describes a stored bill (bucket bills, key "info/<day>").
type BillInfo struct {
	V      int       `json:"v"`
	Day    Day       `json:"day"`
	Source string    `json:"source"` // "v3", "v2", "sandbox", "import:<file>"
	SHA1   string    `json:"sha1"`   // of the plain text
	Size   int64     `json:"size"`   // plain bytes
	At     time.Time `json:"at"`
	// NoBill is true when WeChat said there is no bill for the day (no
	// trade at all): reconciliation then runs against an empty bill.
	NoBill bool `json:"no_bill,omitempty"`
}

// FetchStatus is the fetch worker's state of one day (bucket recon, key
// "fetch/<day>").
type FetchStatus struct {
	V        int       `json:"v"`
	Day      Day       `json:"day"`
	Attempts int       `json:"attempts"`
	LastAt   time.Time `json:"last_at"`
	LastErr  string    `json:"last_error,omitempty"`
	NextAt   time.Time `json:"next_at,omitzero"`
	// NotReady is true when the last answer was "not generated yet".
	NotReady bool `json:"not_ready,omitempty"`
}

func rawKey(d Day) string    { return "raw/" + string(d) }
func infoKey(d Day) string   { return "info/" + string(d) }
func resultKey(d Day) string { return "result/" + string(d) }
func fetchKey(d Day) string  { return "fetch/" + string(d) }

// BillBook keeps bills, results and resolutions in the terminal database:
// raw bills gzip-compressed in bucket bills, results in bucket recon. Every
// change is one Update together with its audit event; nothing slow (gzip,
// parsing, network) happens inside a transaction.
type BillBook struct {
	s   *storage.Store
	now func() time.Time
}

// NewBillBook returns a BillBook on s. now may be nil (time.Now).
func NewBillBook(s *storage.Store, now func() time.Time) *BillBook {
	if now == nil {
		now = time.Now
	}
	return &BillBook{s: s, now: now}
}

// Book is the old name of BillBook.
//
// Deprecated: use BillBook (report's book of day sessions is report.DayBook).
type Book = BillBook

// NewBook is the old name of NewBillBook.
//
// Deprecated: use NewBillBook.
func NewBook(s *storage.Store, now func() time.Time) *BillBook { return NewBillBook(s, now) }

// Store is the database the book writes to.
func (b *BillBook) Store() *storage.Store { return b.s }

// SaveBill stores the plain text of day's bill, compressed, replacing any
// earlier copy. A nil plain with info.NoBill records "no bill that day".
func (b *BillBook) SaveBill(day Day, plain []byte, info BillInfo, actor string) error {
	return b.SaveBillFrom(day, bytes.NewReader(plain), info, actor)
}

// SaveBillFrom is SaveBill reading the plain text from r as it compresses
// it: only the compressed copy is held in memory. An error reading r
// stores nothing.
func (b *BillBook) SaveBillFrom(day Day, r io.Reader, info BillInfo, actor string) error {
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed) // level is valid
	h := sha1.New()
	n, err := io.Copy(io.MultiWriter(zw, h), r)
	if err != nil {
		return fmt.Errorf("store bill %s: %w", day, err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("store bill %s: %w", day, err)
	}
	info.V, info.Day, info.SHA1, info.Size = 1, day, hex.EncodeToString(h.Sum(nil)), n
	if info.At.IsZero() {
		info.At = b.now()
	}
	return b.s.Update(func(tx *storage.Tx) error {
		if err := tx.PutRaw(storage.BucketBills, rawKey(day), gz.Bytes()); err != nil {
			return err
		}
		if err := tx.Put(storage.BucketBills, infoKey(day), info); err != nil {
			return err
		}
		if err := tx.Delete(storage.BucketRecon, fetchKey(day)); err != nil {
			return err
		}
		_, err := tx.AppendEvent(storage.Event{Time: info.At, Kind: EventBillStored, Ref: string(day), Actor: actor,
			Reason: info.Source, Data: mustJSON(info)})
		return err
	})
}

// Bill returns the stored bill of day as plain text, or ErrNoBill.
func (b *BillBook) Bill(day Day) ([]byte, *BillInfo, error) {
	r, info, err := b.OpenBill(day)
	if err != nil {
		return nil, nil, err
	}
	plain, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("bill %s: stored copy damaged: %w", day, err)
	}
	return plain, info, nil
}

// OpenBill returns a reader of day's stored bill, decompressing as it is
// read (only the compressed copy is held in memory), or ErrNoBill.
func (b *BillBook) OpenBill(day Day) (io.Reader, *BillInfo, error) {
	var gz []byte
	var info BillInfo
	err := b.s.View(func(tx *storage.Tx) error {
		if err := tx.Get(storage.BucketBills, infoKey(day), &info); err != nil {
			return err
		}
		var err error
		gz, err = tx.GetRaw(storage.BucketBills, rawKey(day))
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, fmt.Errorf("bill %s: %w", day, ErrNoBill)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("bill %s: %w", day, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, nil, fmt.Errorf("bill %s: stored copy damaged: %w", day, err)
	}
	return zr, &info, nil
}

// HasBill reports whether day's bill (or "no bill") is stored.
func (b *BillBook) HasBill(day Day) bool {
	ok := false
	_ = b.s.View(func(tx *storage.Tx) error { ok = tx.Has(storage.BucketBills, infoKey(day)); return nil })
	return ok
}

// SaveResult stores res as day's reconciliation. Resolutions of the
// previous result carry over to differences with the same id; differences
// that disappeared take their resolution with them (the audit trail keeps
// it). It writes one recon.run event.
func (b *BillBook) SaveResult(res *Result, actor string) error {
	if res.At.IsZero() {
		res.At = b.now()
	}
	return b.s.Update(func(tx *storage.Tx) error {
		var prev Result
		switch err := tx.Get(storage.BucketRecon, resultKey(res.Day), &prev); {
		case err == nil:
			for i := range res.Differences {
				if p := prev.Difference(res.Differences[i].ID); p != nil {
					res.Differences[i].Resolution = p.Resolution
					res.Differences[i].LastQuery = p.LastQuery
				}
			}
		case !errors.Is(err, storage.ErrNotFound):
			return err
		}
		if err := tx.Put(storage.BucketRecon, resultKey(res.Day), res); err != nil {
			return err
		}
		summary := map[string]any{"counts": res.Counts, "differences": len(res.Differences), "open": res.Open(), "bill_rows": res.BillRows}
		_, err := tx.AppendEvent(storage.Event{Time: res.At, Kind: EventReconRun, Ref: string(res.Day), Actor: actor, Data: mustJSON(summary)})
		return err
	})
}

// Result returns day's stored reconciliation, or ErrNoResult.
func (b *BillBook) Result(day Day) (*Result, error) {
	var res Result
	err := b.s.View(func(tx *storage.Tx) error { return tx.Get(storage.BucketRecon, resultKey(day), &res) })
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("reconciliation %s: %w", day, ErrNoResult)
	}
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// DaySummary is one line of the list of reconciled days.
type DaySummary struct {
	Day         Day          `json:"day"`
	Counts      map[Kind]int `json:"counts"`
	Differences int          `json:"differences"`
	Open        int          `json:"open"`
	At          time.Time    `json:"at"`
}

// Balanced reports whether every difference of the day is resolved.
func (s DaySummary) Balanced() bool { return s.Open == 0 }

// Days lists reconciled days, newest first.
func (b *BillBook) Days() ([]DaySummary, error) {
	var out []DaySummary
	err := b.s.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketRecon, "result/", func(_ string, v []byte) error {
			var r Result
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, DaySummary{Day: r.Day, Counts: r.Counts, Differences: len(r.Differences), Open: r.Open(), At: r.At})
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Day > out[j].Day })
	return out, err
}

// Resolve records how a difference was resolved, with its audit event, in
// one Update, and returns the updated result.
func (b *BillBook) Resolve(day Day, id string, r Resolution) (*Result, error) {
	if strings.TrimSpace(r.Actor) == "" {
		return nil, fmt.Errorf("resolve %s: who resolved it is required", id)
	}
	if r.Action == ActionExplain && strings.TrimSpace(r.Note) == "" {
		return nil, fmt.Errorf("resolve %s: a note is required to mark it explained", id)
	}
	if r.At.IsZero() {
		r.At = b.now()
	}
	var res Result
	err := b.s.Update(func(tx *storage.Tx) error {
		if err := tx.Get(storage.BucketRecon, resultKey(day), &res); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("%w: %s", ErrNoResult, day)
			}
			return err
		}
		d := res.Difference(id)
		if d == nil {
			return fmt.Errorf("%w: %s on %s", ErrUnknownDifference, id, day)
		}
		if d.Resolution != nil {
			return fmt.Errorf("%w: %s (%s by %s)", ErrAlreadyResolved, id, d.Resolution.Action, d.Resolution.Actor)
		}
		rr := r
		d.Resolution = &rr
		if err := tx.Put(storage.BucketRecon, resultKey(day), &res); err != nil {
			return err
		}
		_, err := tx.AppendEvent(storage.Event{Time: r.At, Kind: EventResolve, Ref: id, Actor: r.Actor,
			To: string(r.Action), Reason: r.Note, Data: mustJSON(map[string]string{"day": string(day), "ref": r.Ref})})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", id, err)
	}
	return &res, nil
}

// NoteQuery records the outcome of a "query now" on a difference (audited),
// without resolving it.
func (b *BillBook) NoteQuery(day Day, id, outcome, actor string) error {
	now := b.now()
	return b.s.Update(func(tx *storage.Tx) error {
		var res Result
		if err := tx.Get(storage.BucketRecon, resultKey(day), &res); err != nil {
			return err
		}
		d := res.Difference(id)
		if d == nil {
			return fmt.Errorf("%w: %s on %s", ErrUnknownDifference, id, day)
		}
		d.LastQuery = tz.Stamp(now) + " " + outcome
		if err := tx.Put(storage.BucketRecon, resultKey(day), &res); err != nil {
			return err
		}
		_, err := tx.AppendEvent(storage.Event{Time: now, Kind: EventQuery, Ref: id, Actor: actor, Reason: outcome,
			Data: mustJSON(map[string]string{"day": string(day)})})
		return err
	})
}

// SetFetchStatus records a fetch attempt of day.
func (b *BillBook) SetFetchStatus(st FetchStatus) error {
	st.V = 1
	return b.s.Update(func(tx *storage.Tx) error { return tx.Put(storage.BucketRecon, fetchKey(st.Day), st) })
}

// FetchStatusOf returns the recorded fetch attempts of day (zero when none).
func (b *BillBook) FetchStatusOf(day Day) FetchStatus {
	st := FetchStatus{Day: day}
	_ = b.s.View(func(tx *storage.Tx) error { return tx.Get(storage.BucketRecon, fetchKey(day), &st) })
	return st
}

// LocalDay reads the terminal's records that may appear on day's bill:
// orders created the day before, on, or after it (a payment started at
// 23:59 is on the next bill) and refunds requested in that window. The
// result is an in-memory Local; a day of a till is small.
func (b *BillBook) LocalDay(day Day) (*Records, error) {
	recs := &Records{}
	from, to := day.Add(-1).Start(), day.Add(2).Start()
	err := b.s.View(func(tx *storage.Tx) error {
		for _, d := range []Day{day.Add(-1), day, day.Add(1)} {
			orders, err := tx.OrdersOnDay(string(d))
			if err != nil {
				return err
			}
			for _, o := range orders {
				recs.Orders = append(recs.Orders, orderOf(o))
			}
		}
		return tx.EachRefund(func(r *storage.Refund) error {
			if r.CreatedAt.Before(from) || !r.CreatedAt.Before(to) {
				return nil
			}
			lr := Refund{OutRefundNo: r.OutRefundNo, OutTradeNo: r.OutTradeNo, State: r.State, AmountFen: r.AmountFen, Time: r.CreatedAt}
			if o, err := tx.GetOrder(r.OutTradeNo); err == nil {
				lr.Tender = receipt.Tender(o.Tender)
			}
			recs.Refunds = append(recs.Refunds, lr)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("local records of %s: %w", day, err)
	}
	return recs, nil
}

func orderOf(o *storage.Order) Order {
	t := o.PaidAt
	if t.IsZero() {
		t = o.CreatedAt
	}
	return Order{OutTradeNo: o.OutTradeNo, Tender: receipt.Tender(o.Tender), State: o.State, AmountFen: o.AmountFen, Forced: o.Forced, Time: t}
}

func mustJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return data
}

func (b *BillBook) orderState(no string) (pos.State, error) {
	var st pos.State
	err := b.s.View(func(tx *storage.Tx) error {
		o, err := tx.GetOrder(no)
		if err != nil {
			return err
		}
		st = o.State
		return nil
	})
	return st, err
}
