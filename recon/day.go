package recon

import (
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Day is a bill day in Asia/Shanghai, written yyyymmdd (the storage key
// form). The zero value is not a day.
type Day string

// ParseDay accepts "2026-11-25" or "20261125".
func ParseDay(s string) (Day, error) {
	d, err := tz.ParseDay(s)
	return Day(d), err
}

// DayOf returns the bill day of the instant t.
func DayOf(t time.Time) Day { return Day(t.In(tz.Shanghai).Format("20060102")) }

// Start is 00:00 of d in Asia/Shanghai.
func (d Day) Start() time.Time {
	t, err := time.ParseInLocation("20060102", string(d), tz.Shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

// End is 00:00 of the day after d: the day is [Start, End).
func (d Day) End() time.Time { return d.Start().AddDate(0, 0, 1) }

// Add returns the day n days after d (before, for negative n).
func (d Day) Add(n int) Day { return DayOf(d.Start().AddDate(0, 0, n).Add(time.Hour)) }

// Valid reports whether d is a real date.
func (d Day) Valid() bool { return len(d) == 8 && !d.Start().IsZero() }

// Dashed is the day as yyyy-mm-dd (the v3 bill_date form).
func (d Day) Dashed() string { return d.Start().Format("2006-01-02") }

// Contains reports whether t falls on d.
func (d Day) Contains(t time.Time) bool {
	return !t.Before(d.Start()) && t.Before(d.End())
}
