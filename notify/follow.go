package notify

import (
	"context"
	"net/http"
	"time"
)

// followBatch is how many records Follow reads at a time.
const followBatch = 256

// Follow hands every accepted record after consumer's cursor to fn, oldest
// first, and moves the cursor past it; then it waits for wake (the
// Receiver's Accepted, or nil) or poll, and repeats until ctx ends. The
// consumer reads the durable record, never the handler: a slow fn delays
// only itself. A record is handed at least once (the cursor moves after fn),
// so fn must be idempotent — a hint is.
func Follow(ctx context.Context, s Sink, consumer string, wake <-chan struct{}, poll time.Duration,
	fn func(context.Context, Record)) error {
	at, err := s.Cursor(ctx, consumer)
	if err != nil {
		return err
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		recs, err := s.Since(ctx, at, followBatch)
		if err != nil && ctx.Err() == nil {
			return err
		}
		for _, r := range recs {
			fn(ctx, r)
			at = r.Seq
		}
		if len(recs) > 0 {
			if err := s.SetCursor(ctx, consumer, at); err != nil && ctx.Err() == nil {
				return err
			}
		}
		if len(recs) == followBatch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-t.C:
		}
	}
}

// NewServer is an http.Server for the receiver at addr, with the bounds a
// public endpoint needs: the request's headers within 2 s and the whole
// request (a notification is 1–2 KiB) within 3 s, so a client that
// trickles holds nothing for long and a body read fits in the delivery's
// AnswerDeadline; the answer written within AnswerDeadline and a second;
// small headers.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 2 * time.Second, ReadTimeout: 3 * time.Second,
		WriteTimeout: AnswerDeadline + time.Second, IdleTimeout: 60 * time.Second, MaxHeaderBytes: 16 << 10}
}
