package latency

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestRecorder(t *testing.T) {
	var l Recorder
	if l.Pct(99) != 0 || l.Len() != 0 {
		t.Fatal("an empty recorder reports figures")
	}
	for i := 100; i >= 1; i-- {
		l.Add(time.Duration(i) * time.Millisecond)
	}
	if got := l.Pct(50); got != 51 {
		t.Errorf("p50 of 1..100 ms = %v, want 51", got)
	}
	if got := l.Pct(99); got != 100 {
		t.Errorf("p99 of 1..100 ms = %v, want 100", got)
	}
	l.Reset()
	h := l.Timed(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { time.Sleep(2 * time.Millisecond) }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/", nil))
	if l.Len() != 1 || l.Pct(50) < 2 {
		t.Errorf("timed handler recorded %d, p50 %v ms; want 1, ≥ 2", l.Len(), l.Pct(50))
	}
}
