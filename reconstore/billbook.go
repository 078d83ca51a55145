// Package reconstore keeps reconciliation's bills, results, resolutions
// and fetch attempts (recon.BillStore) on the terminal's bbolt database:
// raw bills gzip-compressed in bucket bills ("raw/<yyyymmdd>", with
// "info/<yyyymmdd>"), results, fund-flow checks and fetch attempts in
// bucket recon ("result/<yyyymmdd>", "fundflow/<yyyymmdd>",
// "fetch/<yyyymmdd>"). Each change is one storage
// Update together with its audit event (bill.stored, recon.run,
// recon.query, recon.resolve); compression and parsing happen before the
// transaction, network calls never inside one. It reads orders and refunds
// but never writes one: every order state change goes through the payment
// core. It lives apart from recon so that what reads recon's values and
// errors (the window) does not link the database.
package reconstore

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
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

func rawKey(d recon.Day) string    { return "raw/" + string(d) }
func infoKey(d recon.Day) string   { return "info/" + string(d) }
func resultKey(d recon.Day) string { return "result/" + string(d) }
func fetchKey(d recon.Day) string  { return "fetch/" + string(d) }
func flowKey(d recon.Day) string   { return "fundflow/" + string(d) }

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

// Store is the database the book writes to.
func (b *BillBook) Store() *storage.Store { return b.s }

// SaveBill stores the plain text of day's bill, compressed, replacing any
// earlier copy. A nil plain with info.NoBill records "no bill that day".
func (b *BillBook) SaveBill(day recon.Day, plain []byte, info recon.BillInfo, actor string) error {
	return b.SaveBillFrom(day, bytes.NewReader(plain), info, actor)
}

// SaveBillFrom is SaveBill reading the plain text from r as it compresses
// it: only the compressed copy is held in memory. An error reading r
// stores nothing.
func (b *BillBook) SaveBillFrom(day recon.Day, r io.Reader, info recon.BillInfo, actor string) error {
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
		_, err := tx.AppendEvent(storage.Event{Time: info.At, Kind: recon.EventBillStored, Ref: string(day), Actor: actor,
			Reason: info.Source, Data: mustJSON(info)})
		return err
	})
}

// Bill returns the stored bill of day as plain text, or ErrNoBill.
func (b *BillBook) Bill(day recon.Day) ([]byte, *recon.BillInfo, error) {
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
func (b *BillBook) OpenBill(day recon.Day) (io.Reader, *recon.BillInfo, error) {
	var gz []byte
	var info recon.BillInfo
	err := b.s.View(func(tx *storage.Tx) error {
		if err := tx.Get(storage.BucketBills, infoKey(day), &info); err != nil {
			return err
		}
		var err error
		gz, err = tx.GetRaw(storage.BucketBills, rawKey(day))
		return err
	})
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, fmt.Errorf("bill %s: %w", day, recon.ErrNoBill)
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
func (b *BillBook) HasBill(day recon.Day) bool {
	ok := false
	_ = b.s.View(func(tx *storage.Tx) error { ok = tx.Has(storage.BucketBills, infoKey(day)); return nil })
	return ok
}

// SaveResult stores res as day's reconciliation. Resolutions of the
// previous result carry over to differences with the same id; differences
// that disappeared take their resolution with them (the audit trail keeps
// it). It writes one recon.run event.
func (b *BillBook) SaveResult(res *recon.Result, actor string) error {
	if res.At.IsZero() {
		res.At = b.now()
	}
	return b.s.Update(func(tx *storage.Tx) error {
		var prev recon.Result
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
		_, err := tx.AppendEvent(storage.Event{Time: res.At, Kind: recon.EventReconRun, Ref: string(res.Day), Actor: actor, Data: mustJSON(summary)})
		return err
	})
}

// Result returns day's stored reconciliation, or ErrNoResult.
func (b *BillBook) Result(day recon.Day) (*recon.Result, error) {
	var res recon.Result
	err := b.s.View(func(tx *storage.Tx) error { return tx.Get(storage.BucketRecon, resultKey(day), &res) })
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("reconciliation %s: %w", day, recon.ErrNoResult)
	}
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// SaveFundFlow stores c as its day's fund-flow check, replacing any
// earlier one, with a recon.fundflow event.
func (b *BillBook) SaveFundFlow(c *recon.FundFlowCheck, actor string) error {
	if c.At.IsZero() {
		c.At = b.now()
	}
	return b.s.Update(func(tx *storage.Tx) error {
		if err := tx.Put(storage.BucketRecon, flowKey(c.Day), c); err != nil {
			return err
		}
		summary := map[string]any{"balanced": c.Balanced(), "differences": len(c.Differences),
			"bill_net_millifen": c.BillNetMilliFen, "flow_net_millifen": c.FlowNetMilliFen}
		_, err := tx.AppendEvent(storage.Event{Time: c.At, Kind: recon.EventFundFlow, Ref: string(c.Day), Actor: actor, Data: mustJSON(summary)})
		return err
	})
}

// FundFlow returns day's stored fund-flow check, or recon.ErrNoFundFlow.
func (b *BillBook) FundFlow(day recon.Day) (*recon.FundFlowCheck, error) {
	var c recon.FundFlowCheck
	err := b.s.View(func(tx *storage.Tx) error { return tx.Get(storage.BucketRecon, flowKey(day), &c) })
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("fund flow %s: %w", day, recon.ErrNoFundFlow)
	}
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Days lists reconciled days, newest first.
func (b *BillBook) Days() ([]recon.DaySummary, error) {
	var out []recon.DaySummary
	err := b.s.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketRecon, "result/", func(_ string, v []byte) error {
			var r recon.Result
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, recon.DaySummary{Day: r.Day, Counts: r.Counts, Differences: len(r.Differences), Open: r.Open(), At: r.At})
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Day > out[j].Day })
	return out, err
}

// Resolve records how a difference was resolved, with its audit event, in
// one Update, and returns the updated result.
func (b *BillBook) Resolve(day recon.Day, id string, r recon.Resolution) (*recon.Result, error) {
	if strings.TrimSpace(r.Actor) == "" {
		return nil, fmt.Errorf("resolve %s: who resolved it is required", id)
	}
	if r.Action == recon.ActionExplain && strings.TrimSpace(r.Note) == "" {
		return nil, fmt.Errorf("resolve %s: a note is required to mark it explained", id)
	}
	if r.At.IsZero() {
		r.At = b.now()
	}
	var res recon.Result
	err := b.s.Update(func(tx *storage.Tx) error {
		if err := tx.Get(storage.BucketRecon, resultKey(day), &res); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return fmt.Errorf("%w: %s", recon.ErrNoResult, day)
			}
			return err
		}
		d := res.Difference(id)
		if d == nil {
			return fmt.Errorf("%w: %s on %s", recon.ErrUnknownDifference, id, day)
		}
		if d.Resolution != nil {
			return fmt.Errorf("%w: %s (%s by %s)", recon.ErrAlreadyResolved, id, d.Resolution.Action, d.Resolution.Actor)
		}
		rr := r
		d.Resolution = &rr
		if err := tx.Put(storage.BucketRecon, resultKey(day), &res); err != nil {
			return err
		}
		_, err := tx.AppendEvent(storage.Event{Time: r.At, Kind: recon.EventResolve, Ref: id, Actor: r.Actor,
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
func (b *BillBook) NoteQuery(day recon.Day, id, outcome, actor string) error {
	now := b.now()
	return b.s.Update(func(tx *storage.Tx) error {
		var res recon.Result
		if err := tx.Get(storage.BucketRecon, resultKey(day), &res); err != nil {
			return err
		}
		d := res.Difference(id)
		if d == nil {
			return fmt.Errorf("%w: %s on %s", recon.ErrUnknownDifference, id, day)
		}
		d.LastQuery = tz.Stamp(now) + " " + outcome
		if err := tx.Put(storage.BucketRecon, resultKey(day), &res); err != nil {
			return err
		}
		_, err := tx.AppendEvent(storage.Event{Time: now, Kind: recon.EventQuery, Ref: id, Actor: actor, Reason: outcome,
			Data: mustJSON(map[string]string{"day": string(day)})})
		return err
	})
}

// SetFetchStatus records a fetch attempt of day.
func (b *BillBook) SetFetchStatus(st recon.FetchStatus) error {
	st.V = 1
	return b.s.Update(func(tx *storage.Tx) error { return tx.Put(storage.BucketRecon, fetchKey(st.Day), st) })
}

// FetchStatusOf returns the recorded fetch attempts of day (zero when none).
func (b *BillBook) FetchStatusOf(day recon.Day) recon.FetchStatus {
	st := recon.FetchStatus{Day: day}
	_ = b.s.View(func(tx *storage.Tx) error { return tx.Get(storage.BucketRecon, fetchKey(day), &st) })
	return st
}

// LocalDay reads the terminal's records that may appear on day's bill:
// orders created the day before, on, or after it (a payment started at
// 23:59 is on the next bill) and refunds requested in that window. The
// result is an in-memory Local; a day of a till is small.
func (b *BillBook) LocalDay(day recon.Day) (*recon.Records, error) {
	recs := &recon.Records{}
	from, to := day.Add(-1).Start(), day.Add(2).Start()
	err := b.s.View(func(tx *storage.Tx) error {
		for _, d := range []recon.Day{day.Add(-1), day, day.Add(1)} {
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
			lr := recon.Refund{OutRefundNo: r.OutRefundNo, OutTradeNo: r.OutTradeNo, State: r.State, AmountFen: r.AmountFen, Time: r.CreatedAt}
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

func orderOf(o *storage.Order) recon.Order {
	t := o.PaidAt
	if t.IsZero() {
		t = o.CreatedAt
	}
	return recon.Order{OutTradeNo: o.OutTradeNo, Tender: receipt.Tender(o.Tender), State: o.State, AmountFen: o.AmountFen, Forced: o.Forced, Time: t}
}

func mustJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return data
}

// OrderState is the local state of order no.
func (b *BillBook) OrderState(no string) (pos.State, error) {
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

// FirstSaleDay is the day of the terminal's first order, from the
// orders-by-day index (false: no order yet).
func (b *BillBook) FirstSaleDay() (recon.Day, bool, error) {
	var first recon.Day
	err := b.s.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketOrdersByDay, "", func(k string, _ []byte) error {
			first = recon.Day(k[:min(8, len(k))])
			return errStop
		})
	})
	if errors.Is(err, errStop) {
		err = nil
	}
	return first, first != "", err
}

var errStop = errors.New("stop")

var _ recon.BillStore = (*BillBook)(nil)
