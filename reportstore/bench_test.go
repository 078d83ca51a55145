package reportstore

import (
	"errors"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// yearBook builds a year of trading (~300 sales a day, refunds, pending
// payments) and returns a book whose "now" is the evening of the last day.
func yearBook(b *testing.B) (*DayBook, string) {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	rng := rand.New(rand.NewPCG(1, 2))
	first := time.Date(2025, 11, 27, 0, 0, 0, 0, tz.Shanghai)
	seq := 0
	var last string
	for d := range 365 {
		last = first.AddDate(0, 0, d).Format("20060102")
		GenDay(b, db, rng, last, 300, &seq)
		if d >= 3 {
			settle(b, db, first.AddDate(0, 0, d-3).Format("20060102"))
		}
	}
	book := New(db, report.Info{StoreName: "bench", StoreID: "S1", TerminalID: "T1"},
		&Options{Now: func() time.Time { return first.AddDate(0, 0, 364).Add(22 * time.Hour) }})
	if _, err := book.Open(last, "bench", 50000); err != nil {
		b.Fatal(err)
	}
	return book, last
}

// BenchmarkXYear takes an X report of the last day of a year of data.
func BenchmarkXYear(b *testing.B) {
	book, day := yearBook(b)
	for b.Loop() {
		r, err := book.X(day, "bench")
		if err != nil || r.Tenders[0].SaleCount == 0 {
			b.Fatal(r, err)
		}
	}
}

var errRollback = errors.New("rollback")

// BenchmarkZYear runs the whole close transaction of the last day of a year
// of data (compute, number, freeze, audit) and rolls it back, so every
// iteration closes the same open day.
func BenchmarkZYear(b *testing.B) {
	book, day := yearBook(b)
	counted := int64(123456)
	for b.Loop() {
		err := book.db.Update(func(tx *storage.Tx) error {
			if _, err := book.closeTx(tx, day, "bench", &counted, book.now()); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			b.Fatal(err)
		}
	}
}

// settle ends the open orders and refunds of day as the recovery worker
// would have within days (FAILED / CLOSED, no money), so a year of data
// does not carry thousands of payments in doubt.
func settle(b *testing.B, db *storage.Store, day string) {
	err := db.Update(func(tx *storage.Tx) error {
		orders, err := tx.OrdersOnDay(day)
		if err != nil {
			return err
		}
		for _, o := range orders {
			if o.Open {
				o.State, o.Open = "FAILED", false
				if err := tx.PutOrder(o); err != nil {
					return err
				}
			}
			rs, err := tx.RefundsOf(o.OutTradeNo)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if r.Open {
					r.State, r.Open = "CLOSED", false
					if err := tx.PutRefund(r); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// dayBook is yearBook with only its last day: the same day's report on a
// database without history.
func dayBook(b *testing.B) (*DayBook, string) {
	b.Helper()
	db, err := storage.Open(filepath.Join(b.TempDir(), "wxpos.db"), &storage.Options{NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	rng := rand.New(rand.NewPCG(1, 2))
	day := time.Date(2025, 11, 27, 0, 0, 0, 0, tz.Shanghai).AddDate(0, 0, 364)
	seq := 0
	GenDay(b, db, rng, day.Format("20060102"), 300, &seq)
	book := New(db, report.Info{StoreName: "bench", StoreID: "S1", TerminalID: "T1"},
		&Options{Now: func() time.Time { return day.Add(22 * time.Hour) }})
	if _, err := book.Open(day.Format("20060102"), "bench", 50000); err != nil {
		b.Fatal(err)
	}
	return book, day.Format("20060102")
}

// BenchmarkXDay is BenchmarkXYear on a database holding only that day:
// the X report's cost should not depend on the history before it.
func BenchmarkXDay(b *testing.B) {
	book, day := dayBook(b)
	for b.Loop() {
		r, err := book.X(day, "bench")
		if err != nil || r.Tenders[0].SaleCount == 0 {
			b.Fatal(r, err)
		}
	}
}
