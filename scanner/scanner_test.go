package scanner

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"
)

// waitLong bounds every wait in these tests; it is a deadlock guard, not a
// performance assertion.
const waitLong = 5 * time.Second

// checkGoroutines fails the test if goroutines started during it are still
// running shortly after it ends (all cleanups, including Close, have run).
func checkGoroutines(t *testing.T) {
	t.Helper()
	before := runtime.NumGoroutine()
	t.Cleanup(func() {
		deadline := time.Now().Add(waitLong)
		for runtime.NumGoroutine() > before {
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Errorf("goroutine leak: %d before, %d after\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// openPTY opens a pseudo-terminal pair, skipping where there is none.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, s, err := pty.Open()
	if errors.Is(err, pty.ErrUnsupported) {
		t.Skip("no pseudo-terminals on this platform")
	}
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	return m, s
}

// device is a fake serial scanner: a pty pair reached through a symlink, so
// the test can unplug it (close the master, remove the link) and plug in a
// new one under the same name, like /dev/serial/by-id/… on a real machine.
type device struct {
	t      *testing.T
	link   string
	master *os.File
	slave  *os.File
}

func newDevice(t *testing.T) *device {
	d := &device{t: t, link: filepath.Join(t.TempDir(), "scanner")}
	d.plug()
	t.Cleanup(d.unplug)
	return d
}

// plug creates a new pty and points the link at it (atomically, replacing
// whatever the link pointed at).
func (d *device) plug() {
	d.t.Helper()
	m, s := openPTY(d.t)
	tmp := d.link + ".new"
	if err := os.Symlink(s.Name(), tmp); err != nil {
		d.t.Fatal(err)
	}
	if err := os.Rename(tmp, d.link); err != nil {
		d.t.Fatal(err)
	}
	d.master, d.slave = m, s
}

// unplug closes the pty (the slave hangs up) and removes the link.
func (d *device) unplug() {
	if d.master != nil {
		d.master.Close()
		d.slave.Close()
		d.master, d.slave = nil, nil
	}
	os.Remove(d.link)
}

func (d *device) write(s string) {
	d.t.Helper()
	if _, err := d.master.Write([]byte(s)); err != nil {
		d.t.Fatalf("write to pty: %v", err)
	}
}

// recordingOpener wraps SerialOpener and records what each read returned.
type recordingOpener struct {
	mu    sync.Mutex
	reads []string // data of every non-empty read
	opens atomic.Int32
}

func (o *recordingOpener) Open(ctx context.Context, cfg Config) (Port, error) {
	p, err := SerialOpener{}.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	o.opens.Add(1)
	return &recordingPort{Port: p, o: o}, nil
}

func (o *recordingOpener) dataReads() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.reads...)
}

type recordingPort struct {
	Port
	o *recordingOpener
}

func (p *recordingPort) Read(b []byte) (int, error) {
	n, err := p.Port.Read(b)
	if n > 0 {
		p.o.mu.Lock()
		p.o.reads = append(p.o.reads, string(b[:n]))
		p.o.mu.Unlock()
	}
	return n, err
}

// statusLog collects every status a subscriber sees.
type statusLog struct {
	mu  sync.Mutex
	all []Status
	ch  chan Status
}

// watch subscribes to s and fails t if s ever makes a move its state
// table does not allow.
func watch(t *testing.T, s *Scanner) *statusLog {
	l := &statusLog{ch: make(chan Status, 256)}
	s.Subscribe(func(st Status) {
		l.mu.Lock()
		if n := len(l.all); n > 0 && !l.all[n-1].State.CanMove(st.State) {
			t.Errorf("illegal move %s -> %s", l.all[n-1].State, st.State)
		}
		l.all = append(l.all, st)
		l.mu.Unlock()
		l.ch <- st
	})
	return l
}

func (l *statusLog) snapshot() []Status {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Status(nil), l.all...)
}

// states returns the sequence of states with repeats collapsed.
func (l *statusLog) states() []State {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []State
	for _, st := range l.all {
		if len(out) == 0 || out[len(out)-1] != st.State {
			out = append(out, st.State)
		}
	}
	return out
}

func (l *statusLog) waitFor(t *testing.T, want State) Status {
	t.Helper()
	timeout := time.After(waitLong)
	for {
		select {
		case st := <-l.ch:
			if st.State == want {
				return st
			}
		case <-timeout:
			t.Fatalf("no %s status; saw %v", want, l.states())
		}
	}
}

func testConfig(port string) Config {
	return Config{
		Port:        port,
		ReadTimeout: 100 * time.Millisecond,
		FrameGap:    300 * time.Millisecond,
		RetryMin:    20 * time.Millisecond,
		RetryMax:    100 * time.Millisecond,
		Buffer:      16,
	}
}

func start(t *testing.T, cfg Config, opts ...Option) *Scanner {
	t.Helper()
	s, err := Start(context.Background(), cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func nextScan(t *testing.T, s *Scanner) Scan {
	t.Helper()
	select {
	case sc, ok := <-s.Scans():
		if !ok {
			t.Fatal("Scans closed")
		}
		return sc
	case <-time.After(waitLong):
		t.Fatal("no scan")
	}
	return Scan{}
}

// noMoreScans asserts nothing else arrives within a few read timeouts and
// the frame gap (long enough for a spurious flush to happen).
func noMoreScans(t *testing.T, s *Scanner) {
	t.Helper()
	select {
	case sc := <-s.Scans():
		t.Fatalf("unexpected scan %v", sc)
	case <-time.After(500 * time.Millisecond):
	}
}

type wantScan struct {
	code   string
	reason Reason
}

func expectScans(t *testing.T, s *Scanner, want ...wantScan) {
	t.Helper()
	for i, w := range want {
		got := nextScan(t, s)
		if got.Code != w.code || got.Reason() != w.reason {
			t.Fatalf("scan %d = %q (reason %q), want %q (reason %q)", i, got.Code, got.Reason(), w.code, w.reason)
		}
	}
	noMoreScans(t, s)
}

func connected(t *testing.T, d *device, cfg Config) (*Scanner, *recordingOpener) {
	t.Helper()
	o := &recordingOpener{}
	s := start(t, cfg, WithOpener(o))
	watch(t, s).waitFor(t, StateConnected)
	return s, o
}

func TestScannerPTY(t *testing.T) {
	const ean = "6901234567892"
	long := strings.Repeat("8", 300)
	tests := []struct {
		name   string
		suffix Suffix
		writes []string // each written separately, 250 ms apart
		want   []wantScan
	}{
		{"cr", SuffixCR, []string{codeA + "\r" + codeB + "\r"}, []wantScan{{codeA, ""}, {codeB, ""}}},
		{"lf", SuffixLF, []string{codeA + "\n" + codeB + "\n"}, []wantScan{{codeA, ""}, {codeB, ""}}},
		{"crlf", SuffixCRLF, []string{codeA + "\r\n" + codeB + "\r\n"}, []wantScan{{codeA, ""}, {codeB, ""}}},
		{"any with crlf", SuffixAny, []string{codeA + "\r\n" + codeB + "\r\n"}, []wantScan{{codeA, ""}, {codeB, ""}}},
		{"any with lone cr and lf", SuffixAny, []string{codeA + "\r" + codeB + "\n"}, []wantScan{{codeA, ""}, {codeB, ""}}},
		{"garbage then code", SuffixAny, []string{"\x00\x02\xfe\xff#@!\x1b[0m\r\n" + codeA + "\r\n"}, []wantScan{{"\xfe\xff#@![0m", ReasonNotDigits}, {codeA, ""}}},
		{"noise inside code", SuffixAny, []string{"\x00" + codeA[:5] + "\x02\x03" + codeA[5:] + "\x7f\r\n"}, []wantScan{{codeA, ""}}},
		{"product barcode", SuffixAny, []string{ean + "\r\n"}, []wantScan{{ean, ReasonProductBarcode}}},
		{"over-long input", SuffixAny, []string{long + "\r\n" + codeA + "\r\n"}, []wantScan{{long[:DefaultMaxLen], ReasonTooLong}, {codeA, ""}}},
		{"over-long over several reads", SuffixAny, []string{long, long, long + "\r\n" + codeB + "\r\n"}, []wantScan{{long[:DefaultMaxLen], ReasonTooLong}, {codeB, ""}}},
		{"no suffix arrives", SuffixAny, []string{codeA}, []wantScan{{codeA, ""}}},
		{"partial then silence", SuffixCR, []string{"134567"}, []wantScan{{"134567", ReasonPartialRead}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGoroutines(t)
			d := newDevice(t)
			cfg := testConfig(d.link)
			cfg.Suffix = tt.suffix
			s, _ := connected(t, d, cfg)
			for i, w := range tt.writes {
				if i > 0 {
					time.Sleep(250 * time.Millisecond)
				}
				d.write(w)
			}
			expectScans(t, s, tt.want...)
		})
	}
}

func TestScannerSplitFrames(t *testing.T) {
	checkGoroutines(t)
	d := newDevice(t)
	s, o := connected(t, d, testConfig(d.link))
	// Each piece is written only after the previous one was read, so the
	// code reaches the scanner in four reads.
	for i, part := range []string{"1345", "67890123", "456789\r", "\n"} {
		d.write(part)
		eventually(t, func() bool { return len(o.dataReads()) > i })
	}
	expectScans(t, s, wantScan{codeA, ""})
	if reads := o.dataReads(); len(reads) < 3 {
		t.Fatalf("code arrived in %d reads %q; the test needs it split", len(reads), reads)
	}
}

func TestScannerSeveralCodesInOneRead(t *testing.T) {
	checkGoroutines(t)
	d := newDevice(t)
	s, o := connected(t, d, testConfig(d.link))
	d.write(codeA + "\r\n" + codeB + "\r\n" + "6901234567892\r\n" + "284567890123456789\r\n")
	expectScans(t, s,
		wantScan{codeA, ""},
		wantScan{codeB, ""},
		wantScan{"6901234567892", ReasonProductBarcode},
		wantScan{"284567890123456789", ReasonAlipay},
	)
	multi := false
	for _, r := range o.dataReads() {
		if strings.Count(r, "\n") >= 2 {
			multi = true
		}
	}
	if !multi {
		t.Fatalf("no read carried two codes: %q", o.dataReads())
	}
}

func TestScannerScanFields(t *testing.T) {
	checkGoroutines(t)
	d := newDevice(t)
	cfg := testConfig(d.link)
	cfg.StripAIM = true
	s, _ := connected(t, d, cfg)
	before := time.Now()
	d.write("]C0" + codeA + "\r")
	sc := nextScan(t, s)
	if !sc.OK() || sc.Code != codeA || sc.AIM != "]C0" || sc.Source != d.link || sc.At.Before(before) || sc.Unterminated {
		t.Fatalf("scan = %+v (code %q)", sc, sc.Code)
	}
}

func TestScannerUnplugAndReplug(t *testing.T) {
	checkGoroutines(t)
	d := newDevice(t)
	o := &recordingOpener{}
	s := start(t, testConfig(d.link), WithOpener(o))
	log := watch(t, s)
	log.waitFor(t, StateConnected)

	// Half a code, then the cable is pulled while the read is waiting.
	d.write("13456789")
	time.Sleep(150 * time.Millisecond)
	d.unplug()
	st := log.waitFor(t, StateDisconnected)
	if !errors.Is(st.Err, ErrDisconnected) {
		t.Fatalf("disconnect reason %v does not match ErrDisconnected", st.Err)
	}
	// While the device is away, opens fail and are retried.
	eventually(t, func() bool { return s.Status().Retries >= 2 })
	if st := s.Status(); st.State != StateDisconnected || !errors.Is(st.Err, fs.ErrNotExist) {
		t.Fatalf("status while unplugged = %+v", st)
	}

	d.plug()
	log.waitFor(t, StateConnected)
	d.write("104567890123456780\r\n")
	// The half code from the old device must not prefix the new one.
	expectScans(t, s, wantScan{codeB, ""})

	// Subscribing races with the first open, so the log may or may not
	// begin with "connecting".
	want := []State{StateConnected, StateDisconnected, StateConnected}
	got := log.states()
	if len(got) > 0 && got[0] == StateConnecting {
		got = got[1:]
	}
	if !equalStates(got, want) {
		t.Fatalf("states %v, want %v", got, want)
	}
	if n := o.opens.Load(); n != 2 {
		t.Fatalf("%d successful opens, want 2", n)
	}
	if st := s.Status(); st.Err != nil || st.Retries != 0 {
		t.Fatalf("status after reconnect = %+v", st)
	}
}

// TestScannerDeviceReplaced covers a link that suddenly names another
// device while the old one still exists (re-plug into another socket).
func TestScannerDeviceReplaced(t *testing.T) {
	checkGoroutines(t)
	d := newDevice(t)
	s := start(t, testConfig(d.link))
	log := watch(t, s)
	log.waitFor(t, StateConnected)
	old := d.master
	oldSlave := d.slave
	d.plug() // the link now points at a new pty; the old one stays open
	defer old.Close()
	defer oldSlave.Close()
	st := log.waitFor(t, StateDisconnected)
	if !errors.Is(st.Err, ErrDisconnected) {
		t.Fatalf("reason %v", st.Err)
	}
	log.waitFor(t, StateConnected)
	d.write(codeA + "\r")
	expectScans(t, s, wantScan{codeA, ""})
}

func TestScannerStartsWithoutDevice(t *testing.T) {
	checkGoroutines(t)
	link := filepath.Join(t.TempDir(), "later")
	s := start(t, testConfig(link))
	log := watch(t, s)
	if st := log.waitFor(t, StateDisconnected); !errors.Is(st.Err, fs.ErrNotExist) {
		t.Fatalf("status = %+v", st)
	}
	m, sl := openPTY(t)
	defer m.Close()
	defer sl.Close()
	if err := os.Symlink(sl.Name(), link); err != nil {
		t.Fatal(err)
	}
	log.waitFor(t, StateConnected)
	m.Write([]byte(codeB + "\n"))
	expectScans(t, s, wantScan{codeB, ""})
}

func TestScannerClose(t *testing.T) {
	tests := []struct {
		name string
		stop func(s *Scanner, cancel context.CancelFunc)
	}{
		{"Close", func(s *Scanner, _ context.CancelFunc) { s.Close() }},
		{"Close twice", func(s *Scanner, _ context.CancelFunc) { s.Close(); s.Close() }},
		{"context cancelled", func(s *Scanner, cancel context.CancelFunc) { cancel(); <-s.Done() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkGoroutines(t)
			d := newDevice(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s, err := Start(ctx, testConfig(d.link))
			if err != nil {
				t.Fatal(err)
			}
			watch(t, s).waitFor(t, StateConnected)
			d.write("1345") // a read is in progress with data pending
			tt.stop(s, cancel)
			select {
			case <-s.Done():
			default:
				t.Fatal("goroutine still running after stop")
			}
			if _, ok := <-s.Scans(); ok {
				t.Fatal("Scans not closed")
			}
			if st := s.Status(); st.State != StateStopped {
				t.Fatalf("state %s, want stopped", st.State)
			}
			// The port was closed: the device can be opened again.
			p, err := SerialOpener{}.Open(context.Background(), testConfig(d.link))
			if err != nil {
				t.Fatalf("reopen after Close: %v", err)
			}
			p.Close()
		})
	}
}

func TestStartRejectsBadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no port", Config{}},
		{"read timeout too short", Config{Port: "/dev/x", ReadTimeout: time.Millisecond}},
		{"read timeout too long", Config{Port: "/dev/x", ReadTimeout: time.Minute}},
		{"bad suffix", Config{Port: "/dev/x", Suffix: "tab"}},
		{"bad parity", Config{Port: "/dev/x", Parity: "mark"}},
		{"max len below a code", Config{Port: "/dev/x", MaxLen: 10}},
		{"stop bits", Config{Port: "/dev/x", StopBits: 3}},
		{"odd baud", Config{Port: "/dev/x", Baud: 1234}},
		{"negative baud", Config{Port: "/dev/x", Baud: -9600}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(context.Background(), tt.cfg)
			if !errors.Is(err, ErrConfig) {
				if s != nil {
					s.Close()
				}
				t.Fatalf("Start = %v, want ErrConfig", err)
			}
		})
	}
}

// eventually waits until cond holds, failing t after waitLong.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitLong)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func equalStates(a, b []State) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
