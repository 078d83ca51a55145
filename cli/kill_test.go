package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// childEnv marks a run of this test binary as the wxpos command line itself:
// the kill test starts it as a real process so that it can SIGKILL it.
const childEnv = "WXPOS_CLI_CHILD"

func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "1":
		root := cli.NewRoot(func(context.Context, *cli.Env) error { return errors.New("no window in a test child") })
		os.Exit(cli.Execute(context.Background(), root))
	case "window":
		os.Exit(cli.Execute(context.Background(), cli.NewRoot(windowStandIn)))
	}
	os.Exit(m.Run())
}

// wxposProcess is `wxpos ARGS…` as a child process on the shared data dir
// and the external sandbox's profile.
func wxposProcess(t *testing.T, data, profile string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--data", data, "--sandbox-profile", profile}, args...)...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), configHomeEnv(filepath.Join(filepath.Dir(data), "xdg"))...)
	return cmd
}

// killPoints are the instants the kill test stops `wxpos pay` at: while the
// request announced by a committed step is at WeChat. A Latency fault holds
// it where the kill makes WeChat drop it (never processed); a Late fault
// holds it where WeChat processes it anyway (the answer is lost).
var killPoints = []struct {
	name  string
	sc    sandbox.Scenario
	path  string // the held request
	late  bool   // WeChat processes it after the kill
	after string // the last step committed before the request (for the log)
}{
	{"pay dropped", sandbox.ScenarioSuccess, "/v3/pay/transactions/codepay", false, "SUBMITTING"},
	{"pay processed", sandbox.ScenarioSuccess, "/v3/pay/transactions/codepay", true, "SUBMITTING"},
	{"password: pay processed", sandbox.ScenarioUserPayingSuccess, "/v3/pay/transactions/codepay", true, "SUBMITTING"},
	{"password: query dropped", sandbox.ScenarioUserPayingSuccess, "/v3/pay/transactions/out-trade-no/", false, "WAITING_PASSWORD"},
	{"password: query processed", sandbox.ScenarioUserPayingSuccess, "/v3/pay/transactions/out-trade-no/", true, "WAITING_PASSWORD"},
}

// TestKillRealProcess starts `wxpos pay` as a real process against an
// external sandbox, SIGKILLs it while the request of each persisted step is
// at WeChat, runs `wxpos recover` and `wxpos orders`, and compares what the
// terminal booked with the sandbox's ledger: every order resolved, every
// paid order WeChat's (number, amount, transaction id), nothing charged
// twice, nothing WeChat took unknown to the terminal.
func TestKillRealProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real processes")
	}
	for _, kp := range killPoints {
		t.Run(kp.name, func(t *testing.T) {
			env := gatetest.Start(t, time.Now, func(o *sandbox.Options) { o.UserPayingDelay = time.Second })
			dir := t.TempDir()
			profile := filepath.Join(dir, "profile.json")
			if err := env.Sandbox.Profile(env.HTTP.URL).WriteFile(profile); err != nil {
				t.Fatal(err)
			}
			data := filepath.Join(dir, "data")
			fault := sandbox.Fault{Path: kp.path, Late: kp.late} // Late: held until ClearFaults
			if !kp.late {
				fault.Latency = sandbox.Duration(time.Hour) // cut short when the killed client's connection closes
			}
			if err := env.Sandbox.AddFault(fault); err != nil {
				t.Fatal(err)
			}

			code := sandbox.NewCode(kp.sc)
			pay := wxposProcess(t, data, profile, "pay", "--fen", "8888", "--code", code, "--json")
			var stderr bytes.Buffer
			pay.Stderr = &stderr
			if err := pay.Start(); err != nil {
				t.Fatal(err)
			}
			if !waitHeld(env.Sandbox, 30*time.Second) {
				killChild(t, pay)
				t.Fatalf("the %s request never reached the sandbox; pay said: %s", kp.path, stderr.String())
			}
			killChild(t, pay) // SIGKILL (TerminateProcess): no deferred function, no flush
			// The held request now goes on (Late) or is dropped with its
			// connection (Latency); recovery looks only once it has.
			env.Sandbox.ClearFaults()
			settle(t, env.Sandbox)

			// A payment request that never reached WeChat may, as far as the
			// terminal can tell, still land: WeChat's "no such order" is
			// trusted only NotExistGrace (a minute) after the request's
			// deadline, so recover reports it open (exit 4) until then;
			// pos's TestSandboxScanFaults follows it to the end on a fake
			// clock. Everything else resolves now.
			mayStayOpen := !kp.late && kp.after == "SUBMITTING"
			limit := "60s"
			if mayStayOpen {
				limit = "5s" // it cannot resolve sooner than the grace; do not wait for it
			}
			rec := wxposProcess(t, data, profile, "recover", "--timeout", limit, "--json")
			out, err := outputOf(t, rec, true)
			var exit *exec.ExitError
			if err != nil && !(mayStayOpen && errors.As(err, &exit) && exit.ExitCode() == cli.ExitUnknown) {
				t.Fatalf("recover after a kill past %s: %v\n%s", kp.after, err, out)
			}
			orders := listOrders(t, wxposProcess(t, data, profile, "orders", "--json"))
			checkAgainstLedger(t, orders, env.Sandbox.Ledger(), code, mayStayOpen)
		})
	}
}

// waitHeld waits until the sandbox holds a request a fault slowed.
func waitHeld(sb *sandbox.Server, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for sb.Slowed() == 0 {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
	return true
}

func settle(t *testing.T, sb *sandbox.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := sb.Settle(ctx); err != nil {
		t.Fatal(err)
	}
}

func listOrders(t *testing.T, cmd *exec.Cmd) []payOut {
	t.Helper()
	out, err := outputOf(t, cmd, false)
	if err != nil {
		t.Fatalf("orders: %v", err)
	}
	return parseOrders(t, out)
}

// parseOrders reads the one object `orders --json` prints.
func parseOrders(t *testing.T, out []byte) []payOut {
	t.Helper()
	var list struct {
		Orders []payOut `json:"orders"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("orders --json %q: %v", out, err)
	}
	return list.Orders
}

// checkAgainstLedger is the invariant of a killed payment: the terminal and
// WeChat agree on every order, and the customer's code paid at most once.
func checkAgainstLedger(t *testing.T, orders []payOut, led sandbox.Ledger, code string, mayStayOpen bool) {
	t.Helper()
	local := map[string]payOut{}
	for _, o := range orders {
		local[o.OutTradeNo] = o
	}
	paid := 0
	for _, l := range led.Orders {
		o, ok := local[l.OutTradeNo]
		wechatPaid := l.TradeState == "SUCCESS" || l.TradeState == "REFUND"
		if wechatPaid && l.AuthCodeLast4 == code[len(code)-4:] {
			paid++
		}
		switch {
		case !ok:
			t.Errorf("WeChat has %s (%s, %d fen) the terminal does not know", l.OutTradeNo, l.TradeState, l.AmountFen)
		case wechatPaid && (o.State != "PAID" || o.AmountFen != l.AmountFen || o.TransactionID != l.TransactionID):
			t.Errorf("WeChat paid %s %d fen as %s; the terminal has %s %d fen %q", l.OutTradeNo, l.AmountFen, l.TransactionID, o.State, o.AmountFen, o.TransactionID)
		case !wechatPaid && o.State == "PAID":
			t.Errorf("%s PAID locally, WeChat says %s", l.OutTradeNo, l.TradeState)
		}
	}
	for _, o := range orders {
		switch {
		case o.State == "UNKNOWN" && !mayStayOpen:
			t.Errorf("%s still unresolved after recover", o.OutTradeNo)
		case o.State == "PAID" && o.ReceiptNo == "":
			t.Errorf("%s PAID without a receipt", o.OutTradeNo)
		}
	}
	if paid > 1 {
		t.Errorf("the customer's code paid %d times", paid)
	}
	if len(orders) != 1 {
		t.Errorf("%d orders for one sale: %s", len(orders), fmt.Sprint(orders))
	}
	if t.Failed() {
		t.Logf("orders: %+v\nledger: %+v", orders, led.Orders)
	}
}
