package notify_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
)

// A consumer that is stuck does not hold up WeChat's answers: it reads the
// durable record later, in order, and its cursor makes a restarted
// consumer continue after what it handled.
func TestSlowConsumerDelaysNoAnswer(t *testing.T) {
	r := newRig(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	release := make(chan struct{})
	got := make(chan notify.Record, 10)
	done := make(chan error, 1)
	go func() {
		done <- notify.Follow(ctx, r.sink, "terminal", r.rc.Accepted(), time.Hour, func(ctx context.Context, rec notify.Record) {
			<-release // stuck until the test lets it go
			got <- rec
		})
	}()
	for i, no := range []string{"PS01-T01-S1", "PS01-T01-S2", "PS01-T01-S3"} {
		r.paidQR("v3", no, int64(100+i))
		if n := r.deliver(); n != 1 {
			t.Fatalf("%s: delivered %d while the consumer is stuck", no, n)
		}
	}
	close(release)
	for _, want := range []string{"PS01-T01-S1", "PS01-T01-S2", "PS01-T01-S3"} {
		if rec := <-got; rec.OutTradeNo != want {
			t.Fatalf("consumer got %s, want %s", rec.OutTradeNo, want)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if at, _ := r.sink.Cursor(context.Background(), "terminal"); at != 3 {
		t.Errorf("cursor %d, want 3", at)
	}

	// A restarted consumer sees only what came after.
	r.paidQR("v3", "PS01-T01-S4", 104)
	r.deliver()
	ctx2, cancel2 := context.WithCancel(context.Background())
	defer cancel2()
	seen := make(chan string, 10)
	go func() {
		_ = notify.Follow(ctx2, r.sink, "terminal", nil, time.Hour, func(_ context.Context, rec notify.Record) { seen <- rec.OutTradeNo })
	}()
	if no := <-seen; no != "PS01-T01-S4" {
		t.Errorf("restarted consumer got %s first, want PS01-T01-S4", no)
	}
}

// A server from NewServer bounds a client that never finishes its headers.
func TestServerBounds(t *testing.T) {
	s := notify.NewServer("127.0.0.1:0", http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.WriteTimeout > 10*time.Second || s.MaxHeaderBytes > 64<<10 {
		t.Errorf("server bounds %+v", s)
	}
}
