package ui

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

const coldStartEnv = "WXPOS_UI_COLDSTART_CHILD"

// TestColdStartChild is the process BenchmarkColdStart starts: from a fresh
// process it builds the themed terminal (embedded CJK font and all) and
// renders its first frame with the software painter, then prints how long
// that took.
func TestColdStartChild(t *testing.T) {
	if os.Getenv(coldStartEnv) != "1" {
		t.Skip("run by BenchmarkColdStart")
	}
	start := time.Now()
	a := test.NewApp()
	a.Settings().SetTheme(NewTheme())
	warmFonts()
	w := test.NewWindow(widget.NewLabel(""))
	w.Resize(fyne.NewSize(1024, 720))
	newTerminal(context.Background(), w, func(f func()) { f() }, WithCheckout(newFakeCheckout()), WithTraining(true))
	if img := w.Canvas().Capture(); img.Bounds().Dx() == 0 {
		t.Fatal("nothing rendered")
	}
	fmt.Printf("coldstart-ms %d\n", time.Since(start).Milliseconds())
}

// BenchmarkColdStart measures a cold start to a rendered, interactive sale
// screen: a new process per iteration (package init, theme, font parse,
// layout, first frame). It reports the wall time of the whole process, the
// in-process time to the first frame and the CPU time the process used;
// the target is 1.5 s of wall time on the cashier's machine.
func BenchmarkColdStart(b *testing.B) {
	var inProc, cpu time.Duration
	for b.Loop() {
		cmd := exec.Command(os.Args[0], "-test.run=^TestColdStartChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), coldStartEnv+"=1")
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			b.Fatalf("child: %v\n%s", err, out.String())
		}
		ms, ok := childMillis(out.Bytes())
		if !ok {
			b.Fatalf("child printed no time:\n%s", out.String())
		}
		inProc += time.Duration(ms) * time.Millisecond
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	b.ReportMetric(float64(inProc.Milliseconds())/float64(b.N), "first-frame-ms/op")
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
}

func childMillis(out []byte) (int64, bool) {
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "coldstart-ms "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// BenchmarkSoak1000Sales rings up 1,000 sales through the screens on the
// real payment core and sandbox (two scans, one cash sale in three; every
// tenth a QR paid by the simulated customer) and reports the process RSS
// and live heap afterwards. Target: RSS under 150 MB. Run with
// -benchtime=1x; each iteration is a thousand sales.
func BenchmarkSoak1000Sales(b *testing.B) {
	for b.Loop() {
		r := newPosRig(b, nil)
		for i := range 1000 {
			switch {
			case i%10 == 9:
				r.typeText("23")
				r.key(fyne.KeyF2)
				s := screenAs[*qrScreen](r.harness)
				r.waitFor("QR", func() bool { return s.state == StateShowingQR && !s.simBtn.Disabled() })
				s.simBtn.OnTapped()
			case i%3 == 2:
				r.typeText("12.5")
				r.key(fyne.KeyF3)
				r.typeText("20")
				r.key(fyne.KeyReturn)
			default:
				r.pay(b, strconv.Itoa(1+i%200), sandbox.ScenarioSuccess)
			}
			r.waitFor("receipt", onScreen[*receiptScreen](r.harness))
			r.key(fyne.KeyReturn)
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(rssBytes())/(1<<20), "rss-MB")
		b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	}
}

// rssBytes reads the resident set size from /proc (0 where there is none).
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}
