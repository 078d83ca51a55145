package cli_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// command runs the command line args in a goroutine until its context is
// cancelled, and returns its stderr (as a line reader) and its exit code.
func command(t *testing.T, args ...string) (context.CancelFunc, *bufio.Reader, <-chan int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	root := cli.NewRoot(func(context.Context, *cli.Env) error {
		t.Error("the UI was started")
		return nil
	})
	pr, pw := io.Pipe()
	root.SetOut(pw)
	root.SetErr(pw)
	root.SetArgs(args)
	done := make(chan int, 1)
	go func() {
		code := cli.Execute(ctx, root)
		pw.Close()
		done <- code
	}()
	return cancel, bufio.NewReader(pr), done
}

// waitLine reads lines from r until one contains want, and returns it.
func waitLine(t *testing.T, r *bufio.Reader, want string) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if strings.Contains(line, want) {
			return line
		}
		if err != nil {
			t.Fatalf("no line with %q: %v", want, err)
		}
	}
}

// `wxpos notify serve` against `wxpos sandbox --notify-loopback`, both run
// through the command line: a Native order whose notify_url names the
// receiver is paid (`wxpos training pay-qr`), the sandbox delivers the
// notification on its own, and the receiver answers success only once it
// has recorded it in <data>/notify.db (no [replica]), where it is found
// after the command stops cleanly. Its help names both places a record
// goes.
func TestNotifyServeCommand(t *testing.T) {
	setConfigHome(t, t.TempDir())
	code, out, _ := run(t, "notify", "serve", "--help")
	if code != 0 || !strings.Contains(out, "PostgreSQL") || !strings.Contains(out, "notify.db") {
		t.Errorf("notify serve --help: exit %d\n%s", code, out)
	}
	profile := filepath.Join(t.TempDir(), "profile.json")
	stopSim, simOut, simDone := command(t, "sandbox", "--profile", profile, "--notify-loopback")
	// The simulator's output is drained once, from when its first line is
	// read, or at the end if the test stops before: two readers of one
	// bufio.Reader race.
	var drain sync.Once
	drainSim := func() { drain.Do(func() { go io.Copy(io.Discard, simOut) }) }
	defer func() { stopSim(); drainSim(); <-simDone }()
	waitLine(t, simOut, "listening on")
	drainSim()
	p, err := sandbox.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}

	data := filepath.Join(t.TempDir(), "data")
	stop, serveOut, served := command(t, "--sandbox-profile", profile, "--data", data, "notify", "serve", "--addr", "127.0.0.1:0")
	defer stop()
	line := waitLine(t, serveOut, "receiving notifications on ")
	go io.Copy(io.Discard, serveOut)
	url := strings.Fields(strings.SplitAfter(line, "receiving notifications on ")[1])[0]
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/notify/v3") {
		t.Fatalf("receiver at %q", url)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := wechat.New(wechat.WithBaseURL(p.BaseURL), wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithMerchantKey(p.V3.MerchantSerialNo, []byte(p.V3.MerchantPrivateKeyPEM)), wechat.WithV3Key(p.V3.APIV3Key),
		wechat.WithWechatPayPublicKey(p.V3.PlatformPublicKeyID, []byte(p.V3.PlatformPublicKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	const no = "PS1-T1-NOTIFYSERVE-01"
	if _, err := c.NativePrepay(ctx, wechat.NativeRequest{OutTradeNo: no, Description: "门店-咖啡", Total: 2750, NotifyURL: url,
		ClientIP: "10.0.0.8", ProductID: no}); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := run(t, "--sandbox-profile", profile, "--data", t.TempDir(), "training", "pay-qr", no); code != 0 {
		t.Fatalf("training pay-qr: exit %d %s %s", code, out, errOut)
	}
	waitDelivered(ctx, t, p.BaseURL, no)

	stop()
	if code := <-served; code != 0 {
		t.Fatalf("notify serve exited %d", code)
	}
	sink, err := notify.OpenBolt(filepath.Join(data, "notify.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	recs, err := sink.Since(ctx, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].OutTradeNo != no || recs[0].TotalFen != 2750 || recs[0].State != "SUCCESS" ||
		recs[0].MchID != p.MchID {
		t.Fatalf("notify.db holds %+v, %v", recs, err)
	}
}

// waitDelivered polls the sandbox's control API until the notification
// about ref is delivered (answered success) or ctx ends.
func waitDelivered(ctx context.Context, t *testing.T, base, ref string) {
	t.Helper()
	for {
		var list struct {
			Notifications []sandbox.Notification `json:"notifications"`
		}
		resp, err := http.Get(base + "/sandbox/notifications")
		if err == nil {
			err = json.NewDecoder(resp.Body).Decode(&list)
			resp.Body.Close()
		}
		ns := list.Notifications
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Ref == ref && n.Delivered {
				return
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the notification about %s was not delivered: %+v", ref, ns)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
