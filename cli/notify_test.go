package cli

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/config"
	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/pos"
)

// End to end over real HTTP in one terminal process: a Native QR is
// created with the receiver's notify_url, the customer pays, the sandbox
// delivers the notification, the receiver records it before answering,
// and the hint settles the order PAID; the same delivery again changes
// nothing.
func TestNotificationSettlesQR(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	e := trainingEnv(t, t.TempDir())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Tests only: the sandbox delivers to loopback http; config would refuse it.
	e.Config.Notify.URL = "http://" + ln.Addr().String() + "/notify/v3"
	term, err := e.Terminal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := e.WeChat(ctx)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	sctx, stop := context.WithCancel(ctx)
	go func() { served <- e.ServeNotifications(sctx, ln, term) }()

	changes := term.Subscribe(ctx)
	p, err := term.BeginQR(ctx, pos.Sale{AmountFen: 2600})
	if err != nil {
		t.Fatal(err)
	}
	for p.Order().State != pos.StateShowingQR {
		if _, ok := <-changes; !ok {
			t.Fatalf("no QR: %+v", p.Order())
		}
	}
	if err := w.Sandbox.PayNative(p.Order().CodeURL); err != nil {
		t.Fatal(err)
	}
	if n, err := w.Sandbox.DeliverNotifications(ctx); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v: %+v", n, err, w.Sandbox.Notifications())
	}
	select {
	case <-p.Done():
	case <-ctx.Done():
		t.Fatal("not settled")
	}
	if o := p.Order(); o.State != pos.StatePaid {
		t.Fatalf("state %s, want PAID", o.State)
	}
	stop()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	sink, err := notify.OpenBolt(filepath.Join(e.DataDir, "notify.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	recs, err := sink.Since(ctx, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].OutTradeNo != p.OutTradeNo() || recs[0].TotalFen != 2600 {
		t.Fatalf("records %+v %v", recs, err)
	}
	if at, _ := sink.Cursor(ctx, hintConsumer); at != recs[0].Seq {
		t.Errorf("terminal cursor %d, want %d", at, recs[0].Seq)
	}
}

// The doctor warns a live terminal without [notify] url that Native needs
// one, and is content in the sandbox or with a url.
func TestCheckNotify(t *testing.T) {
	cfg := config.Default()
	cfg.WeChat.Mode = config.ModeV3
	if f := checkNotify(cfg); len(f) != 1 || f[0].Level != LevelWarn || !strings.Contains(f[0].Detail, "Native") {
		t.Errorf("live without url: %+v", f)
	}
	cfg.Notify.URL = "https://pos.example.com/notify/v3"
	if f := checkNotify(cfg); len(f) != 1 || f[0].Level != LevelOK {
		t.Errorf("live with url: %+v", f)
	}
	cfg.Notify.URL, cfg.WeChat.Mode = "", config.ModeSandbox
	if f := checkNotify(cfg); len(f) != 1 || f[0].Level != LevelInfo {
		t.Errorf("sandbox: %+v", f)
	}
}
