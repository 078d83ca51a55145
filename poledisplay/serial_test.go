package poledisplay

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/wxpos/wxpos/custdisplay"
)

// readUntil collects what the pole side of a pseudo-terminal receives until
// it has n bytes or nothing more comes.
func readUntil(t *testing.T, ptmx interface {
	Read([]byte) (int, error)
	SetReadDeadline(time.Time) error
}, n int) []byte {
	t.Helper()
	var b []byte
	buf := make([]byte, 256)
	for len(b) < n {
		_ = ptmx.SetReadDeadline(time.Now().Add(5 * time.Second))
		k, err := ptmx.Read(buf)
		b = append(b, buf[:k]...)
		if err != nil {
			break
		}
	}
	return b
}

// TestDisplayOverSerial draws frames on a pseudo-terminal through the real
// serial driver (raw mode: a CR or LF must arrive as sent): ESC @ once,
// then each frame's bytes.
func TestDisplayOverSerial(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	d := New(Target{Path: tty.Name(), Baud: 9600, Protocol: ProtocolCD5220})
	t.Cleanup(func() { d.Close() })
	frames := []custdisplay.Frame{ask, paid}
	want := Init(ProtocolCD5220)
	for _, f := range frames {
		if err := d.Show(context.Background(), f); err != nil {
			t.Fatal(err)
		}
		want = append(want, Encode(ProtocolCD5220, f)...)
	}
	if got := readUntil(t, ptmx, len(want)); !bytes.Equal(got, want) {
		t.Errorf("the line carried\n% x\nwant\n% x", got, want)
	}
}

func TestDisplayMissingPort(t *testing.T) {
	d := New(Target{Path: "/dev/does-not-exist-ttyUSB9", Baud: 9600, Protocol: ProtocolESCPOS})
	if err := d.Show(context.Background(), idle); err == nil {
		t.Error("a missing port drew a frame")
	}
}
