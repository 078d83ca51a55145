package notify_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
)

// stuck is a Sink whose writes hang, ignoring their context, until
// released — a disk or a database gone quiet — and then complete.
type stuck struct {
	*notify.BoltSink
	mu      sync.Mutex
	release chan struct{} // nil: not stuck
}

func (s *stuck) hang() {
	s.mu.Lock()
	ch := s.release
	s.mu.Unlock()
	if ch != nil {
		<-ch
	}
}

func (s *stuck) Accept(ctx context.Context, r *notify.Record) (bool, error) {
	s.hang()
	return s.BoltSink.Accept(context.WithoutCancel(ctx), r)
}

func (s *stuck) Refuse(ctx context.Context, f *notify.Refusal) error {
	s.hang()
	return s.BoltSink.Refuse(context.WithoutCancel(ctx), f)
}

func (s *stuck) unstick() {
	s.mu.Lock()
	close(s.release)
	s.release = nil
	s.mu.Unlock()
}

// A delivery has one deadline from its arrival, shared by verifying,
// recording and recording its refusal: with a Sink whose writes hang, the
// sandbox's delivery (and a direct one) is still answered failure within
// AnswerWithin — v3 500 not_recorded, v2 return_code FAIL — instead of
// after the sandbox's 5 s, and the notification is not lost: once the Sink
// moves again, WeChat's retry 15 s later finds it recorded, once.
func TestAnswerDeadlineWithStuckSink(t *testing.T) {
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			r := newRig(t)
			sink := &stuck{BoltSink: r.sink, release: make(chan struct{})}
			defer func() {
				if sink.release != nil {
					sink.unstick()
				}
			}()
			const within = time.Second
			rc, err := notify.NewReceiver(notify.Receiver{MchID: r.prof.MchID, Sink: sink, V2APIKey: r.prof.V2.APIKey,
				V3: r.rc.V3, AnswerWithin: within})
			if err != nil {
				t.Fatal(err)
			}
			r.mu.Lock()
			r.rc = rc
			r.mu.Unlock()
			no := "PS01-T01-STUCK" + api
			r.paidQR(api, no, 600)
			start := time.Now()
			if n := r.deliver(); n != 0 {
				t.Fatalf("delivered %d with the sink stuck", n)
			}
			// The answer's own work after the deadline is a few writes; the
			// sandbox gives up at 5 s, which is where an unbounded step ends.
			if took := time.Since(start); took > within+2*time.Second {
				t.Errorf("the sandbox's delivery took %v, want about %v", took, within)
			}
			ns := r.sb.Notifications()
			if len(ns) != 1 || ns[0].Delivered || ns[0].Attempts != 1 || strings.Contains(ns[0].LastError, "deadline") {
				t.Errorf("sandbox notifications %+v, want one attempt answered failure", ns)
			}
			h, b := r.lastDelivery()
			st, ans := r.post("/notify/"+api, h, b)
			wantSt := map[string]int{"v3": http.StatusInternalServerError, "v2": http.StatusOK}[api]
			if st != wantSt || !strings.Contains(ans, "FAIL") || !strings.Contains(ans, notify.RefusedNotRecorded) {
				t.Errorf("direct delivery answered %d %s, want %d FAIL %s", st, ans, wantSt, notify.RefusedNotRecorded)
			}
			sink.unstick()
			r.sb.Advance(15 * time.Second)
			if n := r.deliver(); n != 1 {
				t.Fatalf("the retry delivered %d, want 1: %+v", n, r.sb.Notifications())
			}
			if recs := r.records(); len(recs) != 1 || recs[0].OutTradeNo != no {
				t.Errorf("records %+v, want the payment once", recs)
			}
			waitRefusals(t, r, 2, notify.RefusedNotRecorded)
		})
	}
}

// waitRefusals waits until n refusals of reason are recorded (a refusal
// not recorded by its answer's deadline is recorded when the Sink moves).
func waitRefusals(t *testing.T, r *rig, n int, reason string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := 0
		fs := r.refusals()
		for _, f := range fs {
			if f.Reason == reason {
				got++
			}
		}
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("refusals %+v, want %d %s", fs, n, reason)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
