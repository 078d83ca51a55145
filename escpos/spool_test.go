package escpos_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/escpos"
)

// TestSpoolTarget: on Windows a printer name the spooler does not know is
// offline, like a missing device file, and the error names the target; on
// other systems the target is refused as an argument. The job timeout is
// generous: under Wine the first OpenPrinter loads the print subsystem, which
// took over 5 s on a loaded CI machine (load 20).
func TestSpoolTarget(t *testing.T) {
	pr := &escpos.Printer{Target: escpos.Target{Kind: escpos.TargetSpool, Path: "wxpos no such printer"}, JobTimeout: 2 * time.Minute}
	err := pr.Send(context.Background(), []byte("hello\n"))
	want := escpos.ErrInvalidArgument
	if runtime.GOOS == "windows" {
		want = escpos.ErrOffline
	}
	if !errors.Is(err, want) {
		t.Fatalf("err = %v, want %v", err, want)
	}
	if !strings.Contains(err.Error(), "spool:wxpos no such printer") {
		t.Errorf("err = %v, want it to name the target", err)
	}
}
