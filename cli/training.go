package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/internal/ctxtime"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// listeningFile, in the training sandbox directory, holds the base URL of
// the simulator a running wxpos serves on loopback, so that `wxpos
// training` in another shell reaches the same simulated customer and clock.
const listeningFile = "listening"

func newTrainingCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "training",
		Short: "Be the customer of a training terminal: payment codes, paying a QR, the simulator's clock",
		Long: "training plays the simulated WeChat user and WeChat's clock for a training terminal, from another\n" +
			"shell while `wxpos pay --qr`, `wxpos refund` or the window runs, or on its own. It reaches the\n" +
			"simulator that the running wxpos serves (or --sandbox-profile's), else starts the training\n" +
			"simulator on the data directory itself. Live books refuse it.",
		Example: "  wxpos pay --amount 12.34 --code $(wxpos training code)\n" +
			"  wxpos training pay-qr                 # the customer pays the QR on screen\n" +
			"  wxpos training clock advance 2m       # a refund's minute at WeChat passes",
	}
	cmd.AddCommand(newTrainingCodeCmd(), newTrainingPayQRCmd(g), newTrainingClockCmd(g))
	return cmd
}

func newTrainingCodeCmd() *cobra.Command {
	names := make([]string, 0, len(sandbox.Scenarios()))
	for _, sc := range sandbox.Scenarios() {
		names = append(names, fmt.Sprintf("%s (%s)", sc, sc.Prefix()))
	}
	return &cobra.Command{
		Use:   "code [SCENARIO]",
		Short: "Print a fresh payment code (付款码) of the simulated customer",
		Long: "code prints a new 18-digit payment code; each pays once, as a real one does. SCENARIO chooses\n" +
			"what the customer does (default success): " + strings.Join(names, ", ") + ".",
		Example: "  wxpos training code\n  wxpos pay --fen 500 --code $(wxpos training code notenough)",
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sc := sandbox.ScenarioSuccess
			if len(args) == 1 {
				sc = sandbox.Scenario(args[0])
				if sc.Prefix() == "" {
					return Usagef("training code: no scenario %q; want one of %s", args[0], strings.Join(names, ", "))
				}
			}
			_, err := fmt.Fprintln(cmd.OutOrStdout(), sandbox.NewCode(sc))
			return err
		},
	}
}

func newTrainingPayQRCmd(g *globalFlags) *cobra.Command {
	var (
		asJSON bool
		wait   time.Duration
	)
	cmd := &cobra.Command{
		Use:   "pay-qr [OUT_TRADE_NO|CODE_URL]",
		Short: "The simulated customer scans and pays a Native QR",
		Long: "pay-qr pays the QR order named by its number or its code_url (weixin://…); without an argument,\n" +
			"the newest QR order that is waiting to be paid, waiting up to --wait for one to be shown. Exit\n" +
			"status 1 when there is none or it cannot be paid any more (paid, closed, expired).",
		Example: "  wxpos training pay-qr\n  wxpos training pay-qr PS1-T1-K7QZ2M-00000042",
		Args:    cobra.MaximumNArgs(1),
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			// Without an argument the QR may be about to be shown by a
			// wxpos still starting: wait for its simulator too. A named
			// order was shown already, by a wxpos running or gone.
			patience := wait
			if len(args) == 1 {
				patience = 0
			}
			sim, err := env.simulator(cmd.Context(), patience)
			if err != nil {
				return err
			}
			req := map[string]string{}
			switch {
			case len(args) == 0:
				no, err := sim.waitingQR(cmd.Context(), wait)
				if err != nil {
					return err
				}
				req["out_trade_no"] = no
			case strings.HasPrefix(args[0], "weixin://"):
				req["code_url"] = args[0]
			default:
				req["out_trade_no"] = args[0]
			}
			var paid struct {
				OutTradeNo    string `json:"out_trade_no"`
				TransactionID string `json:"transaction_id"`
				TradeState    string `json:"trade_state"`
			}
			if err := sim.call(cmd.Context(), http.MethodPost, "/sandbox/native/pay", req, &paid); err != nil {
				return fmt.Errorf("training pay-qr: %w", err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), paid)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s %s  transaction %s\n", paid.OutTradeNo, paid.TradeState, paid.TransactionID)
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().DurationVar(&wait, "wait", 10*time.Second, "how long to wait for a QR to be shown")
	return cmd
}

func newTrainingClockCmd(g *globalFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "clock [advance DURATION]",
		Short: "Show or move forward the simulator's clock (WeChat's time)",
		Long: "clock prints the simulator's time; `clock advance 2m` moves it forward, so that what WeChat does\n" +
			"after a while happens now: a refund's minute of PROCESSING, a QR's expiry, tomorrow's bill.\n" +
			"The terminal keeps its own clock. The clock only moves forward and is kept with the simulator.",
		Example: "  wxpos training clock advance 2m\n  wxpos training clock advance 26h",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || (len(args) == 2 && args[0] == "advance") {
				return nil
			}
			return fmt.Errorf("want no argument or advance DURATION, got %q", strings.Join(args, " "))
		},
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, args []string) error {
			var req any
			if len(args) == 2 {
				d, err := time.ParseDuration(args[1])
				if err != nil || d <= 0 {
					return Usagef("training clock advance: %q: want a positive duration such as 90s, 5m or 26h", args[1])
				}
				req = map[string]string{"advance": d.String()}
			}
			sim, err := env.simulator(cmd.Context(), 0)
			if err != nil {
				return err
			}
			var now struct {
				Now string `json:"now"`
			}
			method := http.MethodGet
			if req != nil {
				method = http.MethodPost
			}
			if err := sim.call(cmd.Context(), method, "/sandbox/clock", req, &now); err != nil {
				return fmt.Errorf("training clock: %w", err)
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), now)
			}
			t, err := time.Parse(time.RFC3339, now.Now)
			if err != nil {
				return fmt.Errorf("training clock: simulator time %q: %w", now.Now, err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "simulator time %s\n", tz.RFC3339(t))
			return err
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	return cmd
}

// simulator is the control API of the training simulator.
type simulator struct {
	base string
	hc   *http.Client
}

// simulator finds the training simulator: --sandbox-profile's; else the
// one a running wxpos serves on this data directory; else it starts the
// training simulator here, which needs the database (so no other wxpos
// runs on the directory and the simulator's state has one writer).
//
// patience is how long to wait for a wxpos that is starting (pay --qr in
// the background) to serve its simulator before starting one here.
func (e *Env) simulator(ctx context.Context, patience time.Duration) (*simulator, error) {
	if !e.Config.Training() {
		return nil, errors.New("training: this is a live terminal; the simulated customer exists only in training " +
			"(no config, mode \"sandbox\" or --sandbox-profile)")
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	if path := e.Config.WeChat.SandboxProfile; path != "" {
		p, err := sandbox.LoadProfile(path)
		if err != nil {
			return nil, fmt.Errorf("sandbox profile: %w", err)
		}
		if p.CACertPEM != "" {
			if hc, err = trustingClient([]byte(p.CACertPEM)); err != nil {
				return nil, fmt.Errorf("profile ca_cert_pem: %w", err)
			}
			hc.Timeout = 10 * time.Second
		}
		return &simulator{base: p.BaseURL, hc: hc}, nil
	}
	deadline := time.Now().Add(patience)
	for {
		if b, err := os.ReadFile(filepath.Join(e.trainingSandboxDir(), listeningFile)); err == nil {
			s := &simulator{base: strings.TrimSpace(string(b)), hc: hc}
			if s.call(ctx, http.MethodGet, "/sandbox/clock", nil, nil) == nil {
				return s, nil
			}
			// Left behind by a wxpos that was killed: start the simulator here.
		}
		if !time.Now().Before(deadline) || ctxtime.Sleep(ctx, pollEvery) != nil {
			break
		}
	}
	if _, err := e.Store(); err != nil {
		return nil, fmt.Errorf("training: the simulator of the wxpos running on %s does not answer: %w", e.DataDir, err)
	}
	w, err := e.WeChat(ctx)
	if err != nil {
		return nil, err
	}
	return &simulator{base: w.Profile.BaseURL, hc: hc}, nil
}

// call sends a control request with body in (JSON, nil for none) and
// decodes the answer into out (nil: discarded).
func (s *simulator) call(ctx context.Context, method, path string, in, out any) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, s.base+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			return errors.New(e.Error)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(data, out)
}

// pollEvery is how often training looks again for a simulator or a QR that
// another wxpos is about to show.
const pollEvery = 100 * time.Millisecond

// waitingQR is the newest Native order the simulator has waiting to be
// paid, waiting up to patience for one.
func (s *simulator) waitingQR(ctx context.Context, patience time.Duration) (string, error) {
	deadline := time.Now().Add(patience)
	for {
		var l, sub sandbox.Ledger
		if err := s.call(ctx, http.MethodGet, "/sandbox/ledger", nil, &l); err != nil {
			return "", fmt.Errorf("training pay-qr: %w", err)
		}
		// A till selling as the sandbox's sub-merchant: its QRs are there
		// (an older sandbox without the endpoint has none).
		_ = s.call(ctx, http.MethodGet, "/sandbox/partner/ledger", nil, &sub)
		orders := append(l.Orders, sub.Orders...)
		for i := len(orders) - 1; i >= 0; i-- {
			if o := orders[i]; o.TradeType == "NATIVE" && o.TradeState == "NOTPAY" {
				return o.OutTradeNo, nil
			}
		}
		if !time.Now().Before(deadline) || ctxtime.Sleep(ctx, pollEvery) != nil {
			return "", errors.New("training pay-qr: no QR is waiting to be paid (show one with wxpos pay --qr or the window)")
		}
	}
}
