package scanner

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/wxpos/wxpos/internal/ctxtime"
)

// Scanner reads codes from one serial scanner in its own goroutine, which
// Start launches and which ends when ctx is cancelled or Close is called. It
// reconnects with backoff when the device disappears and reports every
// connection change through Status and Subscribe.
type Scanner struct {
	cfg    Config
	opener Opener
	log    *slog.Logger
	now    func() time.Time

	scans  chan Scan
	cancel context.CancelFunc
	done   chan struct{}

	mu     sync.Mutex // guards status, subs, nextID
	status Status
	subs   map[int]func(Status)
	nextID int

	notifyMu sync.Mutex // orders subscriber calls
}

// Option configures a Scanner.
type Option func(*Scanner)

// WithOpener replaces SerialOpener, e.g. with a fake port in tests.
func WithOpener(o Opener) Option { return func(s *Scanner) { s.opener = o } }

// WithLogger sets the logger (default: discard). Codes are always masked.
func WithLogger(l *slog.Logger) Option { return func(s *Scanner) { s.log = l } }

// Start validates cfg and starts reading cfg.Port in a new goroutine owned by
// the returned Scanner. A missing device is not an error: the Scanner starts
// connecting, turns disconnected and keeps retrying. Only an invalid cfg fails (ErrConfig).
func Start(ctx context.Context, cfg Config, opts ...Option) (*Scanner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.WithDefaults()
	s := &Scanner{
		cfg:    cfg,
		opener: SerialOpener{},
		log:    slog.New(slog.DiscardHandler),
		now:    time.Now,
		scans:  make(chan Scan, cfg.Buffer),
		done:   make(chan struct{}),
		subs:   make(map[int]func(Status)),
	}
	for _, o := range opts {
		o(s)
	}
	s.status = Status{State: StateConnecting, Port: cfg.Port, Since: s.now()}
	ctx, s.cancel = context.WithCancel(ctx)
	go s.run(ctx)
	return s, nil
}

// Scans delivers every code read, valid or not (check Scan.OK). It holds
// Config.Buffer scans; when the reader falls behind, the oldest is dropped.
// It is closed after the Scanner stops.
func (s *Scanner) Scans() <-chan Scan { return s.scans }

// Drain discards scans waiting in Scans and returns how many there were;
// call it when a payment starts so an earlier scan cannot be used for it.
func (s *Scanner) Drain() int {
	n := 0
	for {
		select {
		case _, ok := <-s.scans:
			if !ok {
				return n
			}
			n++
		default:
			return n
		}
	}
}

// Status returns the current connection status.
func (s *Scanner) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Subscribe calls fn with the current status now and again after every
// change, in order, until the returned cancel is called. Calls after the
// first come from the Scanner's goroutine: fn must return quickly (a UI
// hands the value to fyne.Do) and must not call Subscribe.
func (s *Scanner) Subscribe(fn func(Status)) (cancel func()) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.subs[id] = fn
	st := s.status
	s.mu.Unlock()
	fn(st)
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

// Done is closed when the Scanner's goroutine has ended.
func (s *Scanner) Done() <-chan struct{} { return s.done }

// Close stops the Scanner, closes the port and waits for its goroutine to
// end, which takes at most about one read timeout. It is safe to call more
// than once.
func (s *Scanner) Close() error {
	s.cancel()
	<-s.done
	return nil
}

func (s *Scanner) setStatus(state State, err error, retries int) {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	s.mu.Lock()
	next := Status{State: state, Port: s.cfg.Port, Since: s.status.Since, Err: err, Retries: retries}
	if next.State != s.status.State {
		next.Since = s.now()
	}
	if !s.status.State.CanMove(next.State) {
		s.log.Error("scanner: bug: illegal state change", "from", s.status.State, "to", next.State)
	}
	if sameStatus(next, s.status) {
		s.mu.Unlock()
		return
	}
	s.status = next
	fns := make([]func(Status), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(next)
	}
}

func (s *Scanner) run(ctx context.Context) {
	defer close(s.done)
	defer close(s.scans)
	defer s.setStatus(StateStopped, nil, 0)

	cfg := s.cfg
	backoff, retries := cfg.RetryMin, 0
	for {
		port, err := s.opener.Open(ctx, cfg)
		if ctx.Err() != nil {
			if err == nil {
				_ = port.Close()
			}
			return
		}
		if err != nil {
			retries++
			if retries == 1 {
				s.log.Warn("scanner: open failed, retrying", "port", cfg.Port, "err", err)
			}
			s.setStatus(StateDisconnected, err, retries)
			if ctxtime.Sleep(ctx, backoff) != nil {
				return
			}
			backoff = min(backoff*2, cfg.RetryMax)
			continue
		}
		backoff, retries = cfg.RetryMin, 0
		s.log.Info("scanner: connected", "port", cfg.Port)
		s.setStatus(StateConnected, nil, 0)

		err = s.readPort(ctx, port)
		if cerr := port.Close(); cerr != nil && ctx.Err() == nil {
			err = errors.Join(err, fmt.Errorf("close %s: %w", cfg.Port, cerr))
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("scanner: disconnected", "port", cfg.Port, "err", err)
		s.setStatus(StateDisconnected, err, 0)
		if ctxtime.Sleep(ctx, backoff) != nil {
			return
		}
	}
}

// readPort reads until the port fails or ctx ends; the port fails only with
// an error, so a device that returns no data keeps the connection.
func (s *Scanner) readPort(ctx context.Context, port Port) error {
	fr := NewFramer(s.cfg) // a fresh framer: a half code from before an unplug is dropped
	buf := make([]byte, 256)
	var frames []Frame
	var last time.Time
	for ctx.Err() == nil {
		n, err := port.Read(buf)
		if n > 0 {
			last = s.now()
			frames = fr.Feed(frames[:0], buf[:n])
			for _, f := range frames {
				s.deliver(scanFromFrame(f, s.cfg.Port, last))
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if n == 0 && fr.Pending() > 0 && s.now().Sub(last) >= s.cfg.FrameGap {
			if f, ok := fr.Flush(); ok {
				s.deliver(scanFromFrame(f, s.cfg.Port, s.now()))
			}
		}
	}
	return nil
}

// deliver queues sc, dropping the oldest queued scan when the buffer is
// full: a stale payment code is worth less than a fresh one.
func (s *Scanner) deliver(sc Scan) {
	s.log.Debug("scanner: scan", "scan", sc)
	for {
		select {
		case s.scans <- sc:
			return
		default:
		}
		select {
		case old := <-s.scans:
			s.log.Warn("scanner: nobody reading, dropped scan", "scan", old)
		default:
		}
	}
}
