package cli_test

import (
	"bytes"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/escpos"
)

func printEnv(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"--config", cfg, "--data", filepath.Join(dir, "data")}
}

func TestPrintTest(t *testing.T) {
	t.Run("none shows the page and saves a png", func(t *testing.T) {
		pngPath := filepath.Join(t.TempDir(), "page.png")
		code, out, errOut := run(t, append(printEnv(t), "print", "test", "--printer", "none", "--width", "80", "--png", pngPath)...)
		if code != 0 {
			t.Fatalf("code %d, stderr %q", code, errOut)
		}
		for _, want := range []string{"打印测试", "English:", "[QR: " + escpos.TestPageQR + "]", strings.Repeat("1234567890", 4) + "12345678"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		f, err := os.Open(pngPath)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := png.Decode(f); err != nil {
			t.Errorf("saved picture is not a PNG: %v", err)
		}
	})
	t.Run("tcp printer receives the page", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		got := make(chan []byte, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			var b bytes.Buffer
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			b.ReadFrom(c)
			got <- b.Bytes()
		}()
		code, out, errOut := run(t, append(printEnv(t), "print", "test", "--printer", "tcp:"+ln.Addr().String(), "--drawer")...)
		if code != 0 {
			t.Fatalf("code %d, stderr %q", code, errOut)
		}
		if !strings.Contains(out, "test page sent to tcp:") {
			t.Errorf("stdout %q", out)
		}
		b := <-got
		// Status request first, then the job: reset, drawer kick, …, cut.
		job, ok := bytes.CutPrefix(b, []byte{0x10, 0x04, 0x01})
		if !ok || !bytes.HasPrefix(job, []byte{0x1B, 0x40, 0x1C, 0x26, 0x1B, 0x70, 0, 25, 250}) || !bytes.HasSuffix(job, []byte{0x1D, 0x56, 66, 0}) {
			t.Errorf("printer got % x…", b[:min(len(b), 16)])
		}
	})
	t.Run("closed port is a clear failure", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		code, _, errOut := run(t, append(printEnv(t), "print", "test", "--printer", "tcp:"+addr)...)
		if code != 1 || !strings.Contains(errOut, "printer offline or not connected") {
			t.Errorf("code %d, stderr %q", code, errOut)
		}
	})
	for _, bad := range [][]string{{"--printer", "lpt:1"}, {"--width", "76"}} {
		t.Run("usage "+bad[0], func(t *testing.T) {
			code, _, errOut := run(t, append(append(printEnv(t), "print", "test"), bad...)...)
			if code != 2 || !strings.Contains(errOut, bad[0]) {
				t.Errorf("code %d, stderr %q", code, errOut)
			}
		})
	}
}
