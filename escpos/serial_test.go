package escpos_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/wxpos/wxpos/escpos"
)

// TestSerialTarget prints over a pseudo-terminal: tarm/serial must put the
// line in raw mode, or LF would arrive as CR LF.
func TestSerialTarget(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close(); tty.Close() })
	got := make(chan []byte, 1)
	go func() {
		var b []byte
		buf := make([]byte, 256)
		for {
			ptmx.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, err := ptmx.Read(buf)
			b = append(b, buf[:n]...)
			if bytes.HasSuffix(b, []byte{0x1D, 0x56, 66, 0}) || err != nil {
				got <- b
				return
			}
		}
	}()
	want := []byte{0x1B, 0x40, 'o', 'k', 0x0A, 0x1D, 0x56, 66, 0}
	pr := &escpos.Printer{Target: escpos.Target{Kind: escpos.TargetSerial, Path: tty.Name(), Baud: 9600}}
	if err := pr.Send(context.Background(), want); err != nil {
		t.Fatal(err)
	}
	select {
	case b := <-got:
		if !bytes.Equal(b, want) {
			t.Errorf("serial line carried % x, want % x", b, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing arrived on the serial line")
	}
}

func TestSerialMissingPort(t *testing.T) {
	pr := &escpos.Printer{Target: escpos.Target{Kind: escpos.TargetSerial, Path: "/dev/does-not-exist-ttyUSB9", Baud: 9600}}
	err := pr.Send(context.Background(), []byte("x"))
	if !errors.Is(err, escpos.ErrOffline) {
		t.Errorf("err = %v, want ErrOffline", err)
	}
}
