package cli_test

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func TestTrainingCode(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		prefix string
	}{
		{nil, sandbox.ScenarioSuccess.Prefix()},
		{[]string{"notenough"}, sandbox.ScenarioNotEnough.Prefix()},
		{[]string{"userpaying_timeout"}, sandbox.ScenarioUserPayingTimeout.Prefix()},
	} {
		code, out, errOut := run(t, append([]string{"training", "code"}, tc.args...)...)
		c := strings.TrimSpace(out)
		if code != 0 || !pos.ValidCode(c) || !strings.HasPrefix(c, tc.prefix) {
			t.Errorf("training code %v: exit %d, %q %s; want a payment code starting %s", tc.args, code, out, errOut, tc.prefix)
		}
	}
	if code, _, errOut := run(t, "training", "code", "rich"); code != cli.ExitUsage || !strings.Contains(errOut, "notenough") {
		t.Errorf("unknown scenario: exit %d, stderr %q; want 2 and the scenarios", code, errOut)
	}
}

// TestTrainingPayQR: while `pay --qr` waits for the customer, `training
// pay-qr` in another command pays the QR through the simulator that pay
// serves, and pay ends PAID.
func TestTrainingPayQR(t *testing.T) {
	setConfigHome(t, t.TempDir()) // no config file: training mode
	data := t.TempDir()
	var (
		wg                 sync.WaitGroup
		payCode            int
		payOut, payErr     string
		trainCode          int
		trainOut, trainErr string
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		payCode, payOut, payErr = run(t, "--data", data, "pay", "--fen", "500", "--qr", "--json")
	}()
	go func() {
		defer wg.Done()
		trainCode, trainOut, trainErr = run(t, "--data", data, "training", "pay-qr", "--wait", "20s", "--json")
	}()
	wg.Wait()
	var paid struct {
		OutTradeNo string `json:"out_trade_no"`
		State      string `json:"state"`
		Training   bool   `json:"training"`
	}
	if payCode != 0 || json.Unmarshal([]byte(payOut), &paid) != nil || paid.State != "PAID" || !paid.Training {
		t.Fatalf("pay --qr: exit %d %q %s", payCode, payOut, payErr)
	}
	var customer struct {
		OutTradeNo string `json:"out_trade_no"`
		TradeState string `json:"trade_state"`
	}
	if trainCode != 0 || json.Unmarshal([]byte(trainOut), &customer) != nil || customer.OutTradeNo != paid.OutTradeNo ||
		customer.TradeState != "SUCCESS" {
		t.Fatalf("training pay-qr: exit %d %q %s; want %s paid", trainCode, trainOut, trainErr, paid.OutTradeNo)
	}
	// Paid once: the same order cannot be paid again.
	if code, _, errOut := run(t, "--data", data, "training", "pay-qr", paid.OutTradeNo); code != cli.ExitFailure {
		t.Errorf("paying %s twice: exit %d %s", paid.OutTradeNo, code, errOut)
	}
}

// TestTrainingClock: with no wxpos running, training clock starts the
// simulator on the data directory; an advance is kept with it.
func TestTrainingClock(t *testing.T) {
	setConfigHome(t, t.TempDir())
	data := t.TempDir()
	clock := func(args ...string) time.Time {
		t.Helper()
		code, out, errOut := run(t, append([]string{"--data", data, "training", "clock", "--json"}, args...)...)
		var now struct {
			Now string `json:"now"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &now) != nil {
			t.Fatalf("training clock %v: exit %d %q %s", args, code, out, errOut)
		}
		at, err := time.Parse(time.RFC3339, now.Now)
		if err != nil {
			t.Fatal(err)
		}
		return at
	}
	start := time.Now()
	if got := clock("advance", "26h"); got.Before(start.Add(26*time.Hour - time.Second)) {
		t.Errorf("after advance 26h the simulator says %s, want at least %s", got, start.Add(26*time.Hour))
	}
	if got := clock(); got.Before(start.Add(26*time.Hour - time.Second)) {
		t.Errorf("the advance was not kept: simulator time %s", got)
	}
	if code, _, _ := run(t, "--data", data, "training", "clock", "advance", "-5m"); code != cli.ExitUsage {
		t.Errorf("advance -5m: exit %d, want 2", code)
	}
}
