//go:build unix

package escpos_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/wxpos/wxpos/escpos"
)

// A device file target (usb:/dev/usb/lp0) exists on Unix only: on Windows a
// USB printer is reached through the spooler (spool_test.go).
func TestDeviceFileTargets(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "lp-fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Unblock the abandoned open of the writing end, so it can finish.
		if r, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			time.Sleep(50 * time.Millisecond)
			r.Close()
		}
	})
	lp0 := filepath.Join(dir, "lp0")
	if err := os.WriteFile(lp0, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly := filepath.Join(dir, "lp-ro")
	if err := os.WriteFile(readOnly, nil, 0o400); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr []error
	}{
		{"file receives the job", lp0, nil},
		{"missing device is offline", filepath.Join(dir, "nope", "lp0"), []error{escpos.ErrOffline, fs.ErrNotExist}},
		{"no reader times out", fifo, []error{escpos.ErrTimeout}},
	}
	if os.Geteuid() != 0 {
		tests = append(tests, struct {
			name    string
			path    string
			wantErr []error
		}{"no permission", readOnly, []error{escpos.ErrPermission}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := &escpos.Printer{Target: escpos.Target{Kind: escpos.TargetUSB, Path: tt.path}, JobTimeout: 200 * time.Millisecond}
			err := pr.Send(context.Background(), []byte("hello\n"))
			for _, want := range tt.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want %v", err, want)
				}
			}
			if tt.wantErr != nil {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(tt.path); string(got) != "hello\n" {
				t.Errorf("device got %q", got)
			}
		})
	}
}
