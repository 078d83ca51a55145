package pos

import (
	"time"

	"github.com/wxpos/wxpos/tz"
)

// Clock is the terminal's source of time. Tests inject a fake one so that
// password waits, QR expiry and backoff never sleep in real time.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// After returns time.After(d).
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// DayOf returns the yyyymmdd bill day of t in Asia/Shanghai.
func DayOf(t time.Time) string { return t.In(tz.Shanghai).Format("20060102") }
