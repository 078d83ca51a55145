package ui

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"github.com/creack/pty"

	"github.com/wxpos/wxpos/counter"
	"github.com/wxpos/wxpos/custdisplay"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/poledisplay"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/posstore"
	"github.com/wxpos/wxpos/storage/storagetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// pole is the far end of a pseudo-terminal a pole display is attached to:
// it keeps every byte the display was sent.
type pole struct {
	proto poledisplay.Protocol
	mu    sync.Mutex
	got   []byte
}

// newPole opens a pseudo-terminal, attaches a pole display of proto on it
// to hub and collects what arrives.
func newPole(ctx context.Context, t *testing.T, hub *custdisplay.Hub, proto poledisplay.Protocol) *pole {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	p := &pole{proto: proto}
	d := poledisplay.New(poledisplay.Target{Path: tty.Name(), Baud: 9600, Protocol: proto})
	t.Cleanup(func() { d.Close(); ptmx.Close(); tty.Close() })
	go func() {
		buf := make([]byte, 512)
		for {
			n, err := ptmx.Read(buf)
			p.mu.Lock()
			p.got = append(p.got, buf[:n]...)
			p.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	hub.Attach(ctx, d)
	return p
}

// has reports whether the display was sent the bytes that draw f.
func (p *pole) has(f custdisplay.Frame) bool {
	want := poledisplay.Encode(p.proto, f)
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Contains(p.got, want)
}

// customerRig is the cashier window on the real core and sandbox, with
// the customer display following it: the customer window in a second test
// window, and two pole displays (ESC/POS and LED8) on pseudo-terminals.
type customerRig struct {
	*posRig
	hub   *custdisplay.Hub
	cw    *customerWindow
	win   fyne.Window
	poles []*pole
	shots string // where screenshots go ("": none)
}

func newCustomerRig(t *testing.T) *customerRig {
	cfg := pos.Config{
		StoreID: "S01", TerminalID: "T01", StoreName: "Test store", Training: true,
		ScanPollEvery: 100 * time.Millisecond, ScanWait: 4 * time.Second,
		QRPollMin: 50 * time.Millisecond, QRPollMax: 200 * time.Millisecond,
		CallTimeout: 2 * time.Second, RetryMin: 100 * time.Millisecond, RetryMax: 500 * time.Millisecond,
	}
	env := gatetest.Start(t, time.Now, nil)
	core, err := pos.New(posstore.New(storagetest.Open(t)), env.Gateway, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); core.Close() })
	core.Start(ctx)
	// A result stays until the next sale starts: the test looks at each.
	hub := custdisplay.NewHub(time.Hour, nil)
	hub.Run(ctx, core.Subscribe(ctx))
	pc := counter.NewCheckout(core, true, nil)
	h := newHarness(t, WithCheckout(pc), WithStatus(pc), WithTraining(true),
		WithCustomer(counter.NewSandboxCustomer(env.Sandbox, core.Order)),
		WithCustomerDisplay(hub, CustomerWindow{}))
	r := &customerRig{posRig: &posRig{harness: h, env: env, core: core}, hub: hub, shots: os.Getenv("WXPOS_SCREENSHOTS")}
	r.cw = newCustomerWindow(ctx, func(f func()) { h.q <- f }, time.Now, "Test store 测试店", nil)
	r.win = test.NewTempWindow(t, r.cw.view())
	r.win.Resize(fyne.NewSize(1024, 768))
	hub.Attach(ctx, r.cw)
	r.poles = []*pole{newPole(ctx, t, hub, poledisplay.ProtocolESCPOS), newPole(ctx, t, hub, poledisplay.ProtocolLED8)}
	return r
}

// see waits until the customer window and both poles show f (compared
// as the poles draw it), then saves a screenshot named name.
func (r *customerRig) see(t *testing.T, name string, f custdisplay.Frame) {
	t.Helper()
	r.waitFor("the customer window to show "+name, func() bool {
		g := r.cw.frame
		return g.Mode == f.Mode &&
			bytes.Equal(poledisplay.Encode(poledisplay.ProtocolESCPOS, g), poledisplay.Encode(poledisplay.ProtocolESCPOS, f)) &&
			bytes.Equal(poledisplay.Encode(poledisplay.ProtocolLED8, g), poledisplay.Encode(poledisplay.ProtocolLED8, f))
	})
	for _, p := range r.poles {
		r.waitFor("the "+string(p.proto)+" pole to show "+name, func() bool { return p.has(f) })
	}
	r.drain()
	if r.shots == "" {
		return
	}
	dir := filepath.Join(r.shots, "customer")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := png.Encode(out, r.win.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

// TestCustomerDisplaySales drives the customer window and two pty pole
// displays with real sales on the core and the sandbox: a scan sale with
// lines, a QR sale (the QR shown to the customer), a failed payment and a
// cash sale with change. WXPOS_SCREENSHOTS=dir writes what the customer
// saw at each step under dir/customer.
func TestCustomerDisplaySales(t *testing.T) {
	r := newCustomerRig(t)
	r.see(t, "01-idle", custdisplay.Frame{Mode: custdisplay.ModeIdle})

	// A scan sale of two keyed lines.
	r.typeText("4.5+8+")
	sale := r.hub.Frame()
	if len(sale.Lines) != 2 || sale.TotalFen != 1250 {
		t.Fatalf("customer sees %d lines, total %d; want 2 lines, 1250", len(sale.Lines), sale.TotalFen)
	}
	r.see(t, "02-scan-sale-lines", sale)
	r.key(fyne.KeyF1)
	r.see(t, "03-scan-ask-code", custdisplay.Frame{Mode: custdisplay.ModeAskCode, AmountFen: 1250})
	if r.cw.headZH.Text != "请出示付款码" || r.cw.headEN.Text != "Please show your payment code" {
		t.Errorf("ask screen says %q / %q", r.cw.headZH.Text, r.cw.headEN.Text)
	}
	r.typeText(gatetest.Code(sandbox.ScenarioSuccess) + "\n")
	r.see(t, "04-scan-paid", custdisplay.Frame{Mode: custdisplay.ModePaid, AmountFen: 1250})
	if r.cw.headZH.Text != "支付成功" || r.cw.amount.Text != "¥12.50" {
		t.Errorf("paid screen says %q %q", r.cw.headZH.Text, r.cw.amount.Text)
	}
	// The customer may see the result before the cashier's screen has
	// turned to the receipt: a key pressed in between would be lost.
	r.waitFor("the receipt on the cashier's screen", onScreen[*receiptScreen](r.harness))
	r.key(fyne.KeyReturn) // the next sale

	// A QR sale: the customer gets the code and the countdown.
	r.typeText("23")
	r.key(fyne.KeyF2)
	r.waitFor("the QR on the customer window", func() bool { return r.cw.frame.Mode == custdisplay.ModeQR })
	qr := screenAs[*qrScreen](r.harness)
	r.waitFor("the QR on the cashier's screen", func() bool { return qr.state == StateShowingQR && !qr.simBtn.Disabled() })
	r.see(t, "05-qr-shown", custdisplay.Frame{Mode: custdisplay.ModeQR, AmountFen: 2300})
	if r.cw.qrCode != qr.codeURL || r.cw.qr.Image == nil || !strings.HasSuffix(r.cw.noteEN.Text, " left") || r.cw.noteEN.Text == "0:00 left" {
		t.Errorf("customer QR %q (image %v, %q), the cashier's %q", r.cw.qrCode, r.cw.qr.Image != nil, r.cw.noteEN.Text, qr.codeURL)
	}
	test.Tap(qr.simBtn)
	r.see(t, "06-qr-paid", custdisplay.Frame{Mode: custdisplay.ModePaid, AmountFen: 2300})
	r.waitFor("the receipt on the cashier's screen", onScreen[*receiptScreen](r.harness))
	r.key(fyne.KeyReturn)

	// A failed payment: the reason in the customer's words.
	r.typeText("9.9")
	r.key(fyne.KeyF1)
	r.typeText(gatetest.Code(sandbox.ScenarioNotEnough) + "\n")
	r.see(t, "07-failed-not-enough", custdisplay.Frame{Mode: custdisplay.ModeFailed, AmountFen: 990, Why: custdisplay.WhyBalance})
	if r.cw.headZH.Text != "支付失败" || r.cw.noteZH.Text != "余额不足，请换一张卡或换一种方式付款" {
		t.Errorf("failed screen says %q %q", r.cw.headZH.Text, r.cw.noteZH.Text)
	}
	// As above: the customer's window can show the failure before the
	// cashier's screen takes Esc as "back to the sale".
	r.waitFor("the failure on the cashier's screen", func() bool {
		s, ok := r.term.cur.(*scanScreen)
		return ok && s.phase == scanDone
	})
	r.key(fyne.KeyEscape) // back to the sale: the reason stays for the customer
	r.waitFor("the sale on the cashier's screen", onScreen[*saleScreen](r.harness))
	r.drain()
	if r.cw.frame.Mode != custdisplay.ModeFailed {
		t.Errorf("the cashier going back replaced the reason: %q", r.cw.frame.Mode)
	}

	// A cash sale with change: the cashier clears the failed sale first.
	r.key(fyne.KeyEscape)
	r.see(t, "08-cleared", custdisplay.Frame{Mode: custdisplay.ModeIdle})
	r.typeText("12.5")
	r.key(fyne.KeyF3)
	r.typeText("20")
	r.key(fyne.KeyReturn)
	r.see(t, "09-cash-change", custdisplay.Frame{Mode: custdisplay.ModeChange, AmountFen: 1250, TenderedFen: 2000, ChangeFen: 750})
	if r.cw.change.Text != "¥7.50" {
		t.Errorf("change %q, want ¥7.50", r.cw.change.Text)
	}
}
