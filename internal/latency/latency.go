// Package latency collects durations from many goroutines and reports
// their percentiles: the answer-time figures of the notification
// benchmarks (notify, replica), kept in one place so both count alike.
package latency

import (
	"net/http"
	"slices"
	"sync"
	"time"
)

// Recorder collects durations; its zero value is ready to use.
type Recorder struct {
	mu sync.Mutex
	d  []time.Duration
}

// Add records one duration.
func (l *Recorder) Add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// Reset forgets every duration recorded.
func (l *Recorder) Reset() {
	l.mu.Lock()
	l.d = nil
	l.mu.Unlock()
}

// Len is how many durations are recorded.
func (l *Recorder) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.d)
}

// Pct is the p-th percentile in milliseconds (0 when nothing is recorded).
func (l *Recorder) Pct(p int) float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.d) == 0 {
		return 0
	}
	slices.Sort(l.d)
	return float64(l.d[len(l.d)*p/100].Microseconds()) / 1000
}

// Timed is h with each request's handling time recorded.
func (l *Recorder) Timed(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		t0 := time.Now()
		h.ServeHTTP(w, req)
		l.Add(time.Since(t0))
	})
}
