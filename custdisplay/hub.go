package custdisplay

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wxpos/wxpos/pos"
)

// DefaultHold is how long a result (paid, failed, change due) stays up when
// nothing new starts: long enough to read a reason or count the change.
const DefaultHold = 10 * time.Second

// showTimeout bounds one frame's drawing on a sink (a serial write).
const showTimeout = 5 * time.Second

// Sink draws frames: the customer window, a pole display. Show may be slow
// or fail; the Hub calls it from the sink's own goroutine, one frame at a
// time, and skips to the newest frame when it falls behind.
type Sink interface {
	Show(ctx context.Context, f Frame) error
}

// Hub runs a Model for the counter: the cashier window calls Keyed and
// AskCode, Run follows the core's events, and every new frame goes to
// each attached sink. Its methods are safe for concurrent use and never
// wait on a sink.
type Hub struct {
	hold time.Duration
	log  *slog.Logger

	mu     sync.Mutex
	model  *Model
	boxes  []chan Frame
	timer  *time.Timer
	closed bool
}

// NewHub returns a hub showing the idle frame; hold is how long a result
// stays up (0: DefaultHold); log hears of a sink failing and recovering
// (nil: slog.Default()).
func NewHub(hold time.Duration, log *slog.Logger) *Hub {
	if hold <= 0 {
		hold = DefaultHold
	}
	if log == nil {
		log = slog.Default()
	}
	return &Hub{hold: hold, log: log, model: NewModel()}
}

// Run follows the core's event stream until ctx ends or events closes,
// and stops the hold timer then.
func (h *Hub) Run(ctx context.Context, events <-chan pos.Event) {
	context.AfterFunc(ctx, func() {
		h.mu.Lock()
		h.closed = true
		if h.timer != nil {
			h.timer.Stop()
		}
		h.mu.Unlock()
	})
	go h.follow(ctx, events)
}

// Attach adds a sink, served by its own goroutine until ctx ends; it gets
// the frame on display now at once.
func (h *Hub) Attach(ctx context.Context, s Sink) {
	box := make(chan Frame, 1)
	h.mu.Lock()
	h.boxes = append(h.boxes, box)
	box <- h.model.Frame()
	h.mu.Unlock()
	go h.serve(ctx, s, box)
}

// Keyed tells the display the sale the cashier is keying now.
func (h *Hub) Keyed(s Sale) { h.input(func(m *Model) bool { return m.Keyed(s) }) }

// AskCode tells the display the cashier waits for the customer's payment
// code for s.
func (h *Hub) AskCode(s Sale) { h.input(func(m *Model) bool { return m.AskCode(s) }) }

// Frame returns the frame on display now.
func (h *Hub) Frame() Frame {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.model.Frame()
}

func (h *Hub) follow(ctx context.Context, events <-chan pos.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			h.input(func(m *Model) bool { return m.Event(e) })
		}
	}
}

// input applies one input under the lock (the model is a few map lookups:
// the cashier's window never waits on anything slower) and hands a
// changed frame to the sinks.
func (h *Hub) input(apply func(*Model) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || !apply(h.model) {
		return
	}
	h.publish()
	h.armHold()
}

// armHold starts the hold of a result frame; a timer of an older frame
// finds the frame changed and does nothing.
func (h *Hub) armHold() {
	f := h.model.Frame()
	if f.Mode != ModePaid && f.Mode != ModeFailed && f.Mode != ModeChange {
		return
	}
	if h.timer != nil {
		h.timer.Stop()
	}
	h.timer = time.AfterFunc(h.hold, func() {
		h.input(func(m *Model) bool { return m.Frame().Seq == f.Seq && m.HoldOver() })
	})
}

// publish puts the frame in every sink's mailbox, replacing one the sink
// has not taken yet. Called with h.mu held, so pushes do not interleave.
func (h *Hub) publish() {
	f := h.model.Frame()
	for _, box := range h.boxes {
		select {
		case <-box:
		default:
		}
		box <- f
	}
}

// serve draws the frames of one sink; a failure is logged when it starts
// and when the sink draws again, not on every frame.
func (h *Hub) serve(ctx context.Context, s Sink, box <-chan Frame) {
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case f := <-box:
			sctx, cancel := context.WithTimeout(ctx, showTimeout)
			err := s.Show(sctx, f)
			cancel()
			switch {
			case err != nil && !failing && ctx.Err() == nil:
				h.log.Warn("customer display failed", "err", err)
				failing = true
			case err == nil && failing:
				h.log.Info("customer display back")
				failing = false
			}
		}
	}
}
