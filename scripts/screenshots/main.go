//go:build screenshots

// Command screenshots is the cashier window wired for training exactly as a
// terminal without a merchant runs it — the payment core on a bbolt file,
// the real WeChat client, the sandbox in-process on a loopback port — for
// scripts/screenshots.sh to drive under Xvfb. It exists until the wxpos
// binary itself wires the UI to the core; it is excluded from normal builds
// by its build tag.
//
// It prints "sandbox <url>" (for the control API) and "ready <ms>" (process
// start to the window's run loop) on stdout.
package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2/app"

	"github.com/wxpos/wxpos/paygate"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/ui"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func main() {
	start := time.Now()
	if err := run(start); err != nil {
		log.Fatal(err)
	}
}

func run(start time.Time) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dir := os.Getenv("WXPOS_TOUR_DATA")
	if dir == "" {
		return fmt.Errorf("WXPOS_TOUR_DATA not set")
	}
	a := app.NewWithID("io.github.wxpos.screenshots")
	a.Lifecycle().SetOnStarted(func() { fmt.Printf("ready %d\n", time.Since(start).Milliseconds()) })

	sb, err := sandbox.New(sandbox.Options{DataDir: filepath.Join(dir, "sandbox"), UserPayingDelay: 4 * time.Second})
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	defer srv.Close()
	url := "http://" + ln.Addr().String()
	fmt.Printf("sandbox %s\n", url)
	p := sb.Profile(url)
	c, err := wechat.New(
		wechat.WithBaseURL(p.BaseURL),
		wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithMerchantKey(p.V3.MerchantSerialNo, []byte(p.V3.MerchantPrivateKeyPEM)),
		wechat.WithWechatPayPublicKey(p.V3.PlatformPublicKeyID, []byte(p.V3.PlatformPublicKeyPEM)),
		wechat.WithV3Key(p.V3.APIV3Key),
		wechat.WithTimeout(5*time.Second),
	)
	if err != nil {
		return err
	}
	db, err := storage.Open(filepath.Join(dir, "wxpos.db"), nil)
	if err != nil {
		return err
	}
	defer db.Close()
	core, err := pos.New(pos.NewBoltStore(db), paygate.NewV3(c, paygate.Options{}), pos.Config{
		StoreID: "S01", TerminalID: "T01", StoreName: "wxpos demo", Training: true,
		ScanPollEvery: time.Second, RetryMax: 5 * time.Second,
	})
	if err != nil {
		return err
	}
	defer core.Close()
	core.Start(ctx)
	pc := ui.NewPosCheckout(core, true, nil)
	err = ui.Run(ctx, a,
		ui.WithCheckout(pc), ui.WithStatus(pc), ui.WithTraining(true),
		ui.WithCustomer(ui.NewSandboxCustomer(sb, core.Order)))
	if orders, oerr := core.OrdersOnDay(pos.DayOf(time.Now())); oerr == nil {
		paid := 0
		for _, o := range orders {
			if o.State == pos.StatePaid {
				paid++
			}
		}
		fmt.Printf("orders %d paid %d\n", len(orders), paid)
	}
	return err
}
