package cli

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// newSandboxCmd is `wxpos sandbox`: the WeChat Pay simulator on a real
// listener, described by a profile file written once it listens.
func newSandboxCmd() *cobra.Command {
	var addr, profile, dataDir, tokenFile, keyMode string
	var useTLS, notifyLoopback bool
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the WeChat Pay simulator (API v2 + v3 + control API)",
		Long: "sandbox serves a simulated WeChat Pay merchant: API v2 (XML) and API v3 (JSON) on one listener,\n" +
			"plus the control API under /sandbox/. Once listening it writes the profile file (mode 0600)\n" +
			"with the base URL, merchant ids, keys, certificates and scenario codes, then serves until interrupted.\n" +
			"Keys are generated per run unless --data keeps them (with the ledger) across restarts.\n" +
			"Notifications go only where WeChat Pay could reach (a public https notify_url) unless\n" +
			"--notify-loopback lets them reach a receiver on this machine or network.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if profile == "" {
				return Usagef("sandbox: --profile FILE is required")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			logger := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			token, err := readControlToken(tokenFile)
			if err != nil {
				return err
			}
			return runSandbox(ctx, sandboxRun{addr: addr, profile: profile, dataDir: dataDir, tls: useTLS, logger: logger, controlToken: token,
				notifyLoopback: notifyLoopback, keyMode: keyMode,
				ready: func(listen net.Addr, base string) {
					w := cmd.OutOrStdout()
					fmt.Fprintf(w, "wxpos sandbox listening on %s (profile %s)\n", listen, profile)
					if base != "http://"+listen.String() && base != "https://"+listen.String() {
						fmt.Fprintf(w, "  base URL in the profile: %s\n", base)
					}
					if token != "" {
						fmt.Fprintln(w, "  control API (/sandbox/): Authorization: Bearer <the token in --control-token-file>")
					}
				}})
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:0", "listen address (port 0 picks a free port)")
	f.StringVar(&profile, "profile", "", "write the JSON profile to this `FILE` once listening (required)")
	f.StringVar(&dataDir, "data", "", "keep keys and ledger in this `DIR` across restarts (default: fresh keys, memory only)")
	f.StringVar(&tokenFile, "control-token-file", "", "guard the control API with the token in this `FILE` (required when --addr is not loopback)")
	f.BoolVar(&notifyLoopback, "notify-loopback", false, "deliver notifications to http, loopback and private notify_urls too (a local receiver; the real service cannot)")
	f.StringVar(&keyMode, "key-mode", string(sandbox.PublicKeyMode), "how v3 answers are signed by default: public_key, platform_cert, or public_key_only\n"+
		"(a merchant never issued a platform certificate: /v3/certificates is 404)")
	f.BoolVar(&useTLS, "tls", false, "serve HTTPS with a generated CA (in the profile) and require the merchant client certificate on /secapi/")
	return cmd
}

// sandboxRun is one `wxpos sandbox` invocation.
type sandboxRun struct {
	addr, profile, dataDir string
	keyMode                string
	tls                    bool
	notifyLoopback         bool
	controlToken           string
	logger                 *slog.Logger
	ready                  func(listen net.Addr, baseURL string)
}

// readControlToken reads the control API token from path ("" for none).
func readControlToken(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("sandbox: --control-token-file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	if len(tok) < 16 || strings.ContainsAny(tok, " \t\r\n") {
		return "", Usagef("sandbox: the control token in %s must be one word of at least 16 characters", path)
	}
	return tok, nil
}

// runSandbox listens, writes the profile and serves until ctx ends.
func runSandbox(ctx context.Context, r sandboxRun) error {
	ln, err := net.Listen("tcp", r.addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen %s: %w", r.addr, err)
	}
	defer ln.Close()
	tcp := ln.Addr().(*net.TCPAddr)
	if !tcp.IP.IsLoopback() && r.controlToken == "" {
		return Usagef("sandbox: %s is reachable from other machines, and the control API moves the clock, injects faults and pays orders: "+
			"give --control-token-file FILE, or listen on loopback (--addr 127.0.0.1:0)", tcp)
	}
	host := tcp.IP.String()
	if tcp.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	hostPort := net.JoinHostPort(host, fmt.Sprint(tcp.Port))
	scheme := "http"
	if r.tls {
		scheme = "https"
	}
	base := scheme + "://" + hostPort
	sb, err := sandbox.New(sandbox.Options{DataDir: r.dataDir, BaseURL: base, Logger: r.logger, ControlToken: r.controlToken,
		NotifyLoopback: r.notifyLoopback, KeyMode: sandbox.KeyMode(r.keyMode)})
	if err != nil {
		return err
	}
	defer sb.Close() // after the listener and the notifier stopped (deferred below)
	if r.tls {
		cfg, err := sb.TLSConfig(host, "127.0.0.1", "::1", "localhost", "api.mch.weixin.qq.com", "api2.mch.weixin.qq.com")
		if err != nil {
			return err
		}
		ln = tls.NewListener(ln, cfg)
	}
	if err := sb.Profile(base).WriteFile(r.profile); err != nil {
		return err
	}
	srv, ln := sandbox.Listen(ln, sb, sandbox.DefaultLimits())
	srv.ErrorLog = slog.NewLogLogger(r.logger.Handler(), slog.LevelDebug)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	// Payment and refund notifications to notify_url, until ctx ends.
	nctx, cancelNotify := context.WithCancel(ctx)
	notifyDone := make(chan struct{})
	go func() { _ = sb.Run(nctx); close(notifyDone) }()
	defer func() { cancelNotify(); <-notifyDone }()
	if r.ready != nil {
		r.ready(ln.Addr(), base)
	}
	select {
	case err := <-done:
		return fmt.Errorf("sandbox: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("sandbox: shutdown: %w", err)
	}
	return nil
}
