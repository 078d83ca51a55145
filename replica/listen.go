package replica

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/wxpos/wxpos/pos"
)

// NotifyChannel is the PostgreSQL channel NotifySink.Accept notifies, in
// the transaction that records a new notification, with the number it is
// about (out_trade_no or out_refund_no) as the payload. PostgreSQL delivers
// it at commit, so a listening Worker pulls a notification the moment it is
// recorded instead of at its next poll.
const NotifyChannel = "wxpos_notifications"

// listenCheck is how long a listening connection may stay silent before
// the worker pings it: a server that vanished without closing the
// connection is noticed and listened to again, not waited on for ever.
const listenCheck = 30 * time.Second

// listen keeps a connection of its own (not one of the pool's, which a
// LISTEN would pin) listening on NotifyChannel until ctx ends. A NOTIFY
// about one of this terminal's numbers wakes Run (w.notified), which pulls
// at once; so does each (re)connection, for whatever was recorded while
// nobody listened. Run also pulls every Options.HintEvery, so a NOTIFY
// lost otherwise delays a hint by that much and loses nothing.
func (w *Worker) listen(ctx context.Context) {
	failures := 0
	for {
		err := w.listenOnce(ctx, func() { failures = 0 })
		if ctx.Err() != nil {
			return
		}
		failures++
		w.o.Logger.Warn("replicate: listen for notifications", "err", err)
		t := time.NewTimer(w.backoff(failures))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// listenOnce connects, LISTENs, calls listening and wakes Run, then waits
// for notifications until the connection fails or ctx ends.
func (w *Worker) listenOnce(ctx context.Context, listening func()) error {
	cctx, cancel := context.WithTimeout(ctx, w.o.PushTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, w.pool.Config().ConnConfig)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(cctx, "LISTEN "+pgx.Identifier{NotifyChannel}.Sanitize()); err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	listening()
	w.wakeForHints()
	pay, refund := pos.NumberPrefix("P", w.o.StoreID, w.o.TerminalID), pos.NumberPrefix("R", w.o.StoreID, w.o.TerminalID)
	for {
		wctx, cancel := context.WithTimeout(ctx, listenCheck)
		n, err := conn.WaitForNotification(wctx)
		quiet := wctx.Err() != nil
		cancel()
		switch {
		case err == nil:
			if strings.HasPrefix(n.Payload, pay) || strings.HasPrefix(n.Payload, refund) {
				w.wakeForHints()
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case quiet:
			pctx, cancel := context.WithTimeout(ctx, w.o.PushTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return fmt.Errorf("ping: %w", err)
			}
		default:
			return fmt.Errorf("wait: %w", err)
		}
	}
}

// wakeForHints asks Run to pull notifications now; it never blocks.
func (w *Worker) wakeForHints() {
	select {
	case w.notified <- struct{}{}:
	default:
	}
}
