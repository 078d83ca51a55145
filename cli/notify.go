package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/replica"
)

// hintConsumer is the terminal's cursor in the notification file.
const hintConsumer = "terminal"

// Receiver is the notification receiver for this environment's merchant,
// recording into the chain's PostgreSQL when [replica] is configured
// (replica.NotifySink: every terminal's replication worker pulls its own),
// else into <data>/notify.db (notify.BoltSink): v3 with the client's own
// verification (public key or platform certificates), v2 with the API
// key. chain reports the PostgreSQL case; closeSink releases the sink.
func (e *Env) Receiver(ctx context.Context) (rc *notify.Receiver, sink notify.Sink, chain bool, closeSink func() error, err error) {
	w, err := e.WeChat(ctx)
	if err != nil {
		return nil, nil, false, nil, err
	}
	sink, chain, closeSink, err = e.notifySink(ctx)
	if err != nil {
		return nil, nil, false, nil, err
	}
	r := notify.Receiver{MchID: e.Config.WeChat.StoreMchID(), Sink: sink, Log: e.Logger}
	if w.Profile != nil {
		r.MchID = w.Profile.MchID
	}
	if w.V3 != nil {
		r.V3 = w.V3.NotifyParser()
	}
	if w.V2 != nil {
		r.V2APIKey = w.V2.NotifyKey()
	}
	rc, err = notify.NewReceiver(r)
	if err != nil {
		closeSink()
		return nil, nil, false, nil, err
	}
	return rc, sink, chain, closeSink, nil
}

// notifySink is where notifications are recorded: the store's PostgreSQL
// (its schema current: wxpos hq migrate) when [replica] is configured, else notify.db.
func (e *Env) notifySink(ctx context.Context) (notify.Sink, bool, func() error, error) {
	rc := ReplicaConfig(e.Config.Replica)
	if !rc.Enabled() {
		sink, err := notify.OpenBolt(filepath.Join(e.DataDir, "notify.db"))
		if err != nil {
			return nil, false, nil, err
		}
		return sink, false, sink.Close, nil
	}
	pool, err := replica.Connect(ctx, rc)
	if err != nil {
		return nil, false, nil, fmt.Errorf("notifications: %w", err)
	}
	mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := replica.RequireSchema(mctx, pool); err != nil {
		pool.Close()
		return nil, false, nil, fmt.Errorf("notifications: %w", err)
	}
	return replica.NewNotifySink(pool), true, func() error { pool.Close(); return nil }, nil
}

// ServeNotifications runs the receiver on ln until ctx ends. With
// notify.db (a single store) every recorded notification goes to term as a
// hint (pos.Terminal.Hint: the terminal queries, then moves the order);
// with the chain's PostgreSQL each terminal's replication worker pulls the
// ones about its own numbers instead, and term may be nil.
func (e *Env) ServeNotifications(ctx context.Context, ln net.Listener, term *pos.Terminal) error {
	rc, sink, chain, closeSink, err := e.Receiver(ctx)
	if err != nil {
		return err
	}
	defer closeSink()
	srv := notify.NewServer(ln.Addr().String(), rc.Handler())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	followed := make(chan error, 1)
	if !chain && term != nil {
		go func() {
			followed <- notify.Follow(ctx, sink, hintConsumer, rc.Accepted(), 30*time.Second, func(_ context.Context, r notify.Record) {
				if err := term.Notified(noticeOf(r)); err != nil {
					e.Logger.Warn("notify: hint", "ref", r.Ref(), "err", err)
				}
			})
		}()
	}
	select {
	case <-ctx.Done():
	case err = <-served:
	case err = <-followed:
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func newNotifyCmd(g *globalFlags) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Receive WeChat Pay's payment and refund notifications",
	}
	var addr string
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve POST /notify/v3 and /notify/v2: record WeChat Pay's notifications for the terminals",
		Long: "serve runs the notification receiver (behind the reverse proxy that [notify] url names). Every\n" +
			"verified notification is recorded before WeChat is answered success:\n" +
			"  - with [replica] (a chain), in the store's PostgreSQL: no terminal is opened here, and each\n" +
			"    terminal's replication worker pulls the notifications about its own orders and settles them;\n" +
			"  - else (a single store), in <data>/notify.db, and this terminal's payment core queries the order\n" +
			"    or refund it names at once and settles it.\n" +
			"Refused deliveries (bad signature, stale, another merchant) are recorded too, in the same place.\n" +
			"A notification is a hint: an order moves only once WeChat's query confirms it.",
		Example: "  wxpos notify serve --addr 127.0.0.1:8443",
		Args:    cobra.NoArgs,
		RunE: g.withEnv(func(cmd *cobra.Command, env *Env, _ []string) error {
			if addr == "" {
				addr = env.Config.Notify.Listen
			}
			if addr == "" {
				return usageError{errors.New("--addr or [notify] listen is required")}
			}
			var term *pos.Terminal
			if !ReplicaConfig(env.Config.Replica).Enabled() {
				t, err := env.Terminal(cmd.Context())
				if err != nil {
					return err
				}
				term = t
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("notify serve: %w", err)
			}
			fmt.Fprintf(env.Stderr, "receiving notifications on http://%s/notify/v3 and /notify/v2\n", ln.Addr())
			return env.ServeNotifications(cmd.Context(), ln, term)
		}),
	}
	serve.Flags().StringVar(&addr, "addr", "", "`host:port` to listen on (default: [notify] listen)")
	cmd.AddCommand(serve)
	return cmd
}

// startNotifications runs the receiver inside the terminal's process when
// [notify] listen is set (a single store behind a reverse proxy), for as
// long as ctx lives. The address is taken before the window opens, so a
// port in use is an error at start, not a silent absence.
func (e *Env) startNotifications(ctx context.Context, term *pos.Terminal) error {
	addr := e.Config.Notify.Listen
	if addr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("notify.listen: %w", err)
	}
	go func() {
		if err := e.ServeNotifications(ctx, ln, term); err != nil {
			e.Logger.Error("notify: receiver stopped", "err", err)
		}
	}()
	return nil
}

// noticeOf is what recorded (verified) notification r tells the terminal:
// a payment's state and amount, so that the screen can say WeChat reports
// it paid before the query settles it; a refund's number only.
func noticeOf(r notify.Record) pos.Notice {
	if r.Kind == notify.KindRefund {
		return pos.Notice{Ref: r.OutRefundNo}
	}
	return pos.Notice{Ref: r.OutTradeNo, Paid: r.State == "SUCCESS", TotalFen: r.TotalFen}
}
