package scanner

import (
	"context"
	"errors"
	"io/fs"
	"sync"
	"testing"
	"time"
)

func TestSerialPortRead(t *testing.T) {
	tests := []struct {
		name      string
		identity  bool // keep the device-path check on
		hangUp    bool
		wantError bool
	}{
		{"idle read is no data, not EOF", true, false, false},
		{"hang-up found by write probe alone", false, true, true},
		{"hang-up found with path check", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, s := openPTY(t)
			defer m.Close()
			defer s.Close()
			p, err := SerialOpener{}.Open(context.Background(), testConfig(s.Name()))
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if !tt.identity {
				p.(*serialPort).id = nil
			}
			if tt.hangUp {
				m.Close()
			}
			buf := make([]byte, 16)
			n, err := p.Read(buf)
			if n != 0 {
				t.Fatalf("read %d bytes", n)
			}
			if tt.wantError != (err != nil) {
				t.Fatalf("Read error = %v, want error %v", err, tt.wantError)
			}
			if err != nil && !errors.Is(err, ErrDisconnected) {
				t.Fatalf("Read error %v does not match ErrDisconnected", err)
			}
		})
	}
}

func TestSerialOpenerErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		is   error
	}{
		{"missing device", Config{Port: "/nonexistent/tty"}, fs.ErrNotExist},
		{"cancelled", Config{Port: "/dev/null"}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			if tt.is == context.Canceled {
				cancel()
			}
			defer cancel()
			p, err := SerialOpener{}.Open(ctx, tt.cfg)
			if err == nil {
				p.Close()
			}
			if !errors.Is(err, tt.is) {
				t.Fatalf("Open = %v, want %v", err, tt.is)
			}
		})
	}
}

// fakePort hands out queued chunks, then idles like a serial read timeout.
type fakePort struct {
	chunks chan []byte
	fail   chan error
	closed chan struct{}

	mu       sync.Mutex
	reads    int // Read calls so far
	handed   int // chunks handed out
	lastHand int // the Read call that handed out the last chunk
}

func newFakePort() *fakePort {
	return &fakePort{chunks: make(chan []byte, 64), fail: make(chan error, 1), closed: make(chan struct{})}
}

func (p *fakePort) Read(b []byte) (int, error) {
	p.mu.Lock()
	p.reads++
	call := p.reads
	p.mu.Unlock()
	select {
	case c := <-p.chunks:
		p.mu.Lock()
		p.handed++
		p.lastHand = call
		p.mu.Unlock()
		return copy(b, c), nil
	case err := <-p.fail:
		return 0, err
	case <-time.After(10 * time.Millisecond):
		return 0, nil
	}
}

func (p *fakePort) Close() error { close(p.closed); return nil }

// consumed reports whether n chunks were handed out and the reader has come
// back for more since the last one: the scanner reads from one goroutine,
// so by then it has framed and delivered everything it was given.
func (p *fakePort) consumed(n int) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.handed >= n && p.reads > p.lastHand
}

func fakeConfig() Config {
	return Config{Port: "fake", RetryMin: time.Millisecond, RetryMax: 4 * time.Millisecond, FrameGap: time.Hour}
}

func TestScannerRetriesUntilOpen(t *testing.T) {
	checkGoroutines(t)
	const failures = 4
	port := newFakePort()
	calls := 0
	// The first Open waits until the test watches: Subscribe reports the
	// status of the moment, so a watcher that came late missed retry 1.
	watching := make(chan struct{})
	opener := OpenerFunc(func(ctx context.Context, cfg Config) (Port, error) {
		calls++ // only the scanner goroutine calls Open
		if calls == 1 {
			select {
			case <-watching:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if calls <= failures {
			return nil, &fs.PathError{Op: "open", Path: cfg.Port, Err: fs.ErrNotExist}
		}
		return port, nil
	})
	s := start(t, fakeConfig(), WithOpener(opener))
	log := watch(t, s)
	close(watching)
	log.waitFor(t, StateConnected)
	var retries []int
	for _, st := range log.snapshot() {
		if st.State == StateDisconnected && st.Err != nil {
			retries = append(retries, st.Retries)
		}
	}
	if len(retries) != failures || retries[0] != 1 || retries[failures-1] != failures {
		t.Fatalf("retry counts seen %v, want 1..%d", retries, failures)
	}
	port.fail <- errors.New("boom")
	st := log.waitFor(t, StateDisconnected)
	if st.Err == nil || st.Retries != 0 {
		t.Fatalf("after read error status = %+v", st)
	}
	select {
	case <-port.closed:
	case <-time.After(waitLong):
		t.Fatal("failed port not closed")
	}
}

func TestScannerDropsOldestWhenNobodyReads(t *testing.T) {
	checkGoroutines(t)
	port := newFakePort()
	cfg := fakeConfig()
	cfg.Buffer = 2
	s := start(t, cfg, WithOpener(OpenerFunc(func(context.Context, Config) (Port, error) { return port, nil })))
	watch(t, s).waitFor(t, StateConnected)
	codes := []string{"104567890123456781", "104567890123456782", "104567890123456783", "104567890123456784"}
	for _, c := range codes {
		port.chunks <- []byte(c + "\r")
	}
	eventually(t, func() bool { return port.consumed(len(codes)) })
	for _, want := range codes[2:] {
		if got := nextScan(t, s); got.Code != want {
			t.Fatalf("got %s, want the newest scans kept", Mask(got.Code))
		}
	}
	port.chunks <- []byte(codes[0] + "\r" + codes[1] + "\r")
	eventually(t, func() bool { return port.consumed(len(codes) + 1) })
	if n := s.Drain(); n != 2 {
		t.Fatalf("Drain = %d, want 2", n)
	}
	if n := s.Drain(); n != 0 {
		t.Fatalf("second Drain = %d, want 0", n)
	}
}

func TestSubscribeCancel(t *testing.T) {
	checkGoroutines(t)
	port := newFakePort()
	s := start(t, fakeConfig(), WithOpener(OpenerFunc(func(context.Context, Config) (Port, error) { return port, nil })))
	log := watch(t, s)
	log.waitFor(t, StateConnected)
	var calls int
	cancel := s.Subscribe(func(Status) { calls++ })
	if calls != 1 {
		t.Fatalf("Subscribe delivered the current status %d times", calls)
	}
	cancel()
	port.fail <- errors.New("gone")
	log.waitFor(t, StateDisconnected)
	if calls != 1 {
		t.Fatalf("cancelled subscriber called %d times", calls)
	}
}
