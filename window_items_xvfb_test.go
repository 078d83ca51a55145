package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestItemsUnderXvfb is issue 22's "done when" on the real binary, as a
// cashier works (scripts/xvfb-items.sh does the same and keeps texts and
// screenshots in both languages): the window on a private Xvfb, training
// mode, a catalogue imported by the manager; scan three items with the
// keyboard wedge (4 ms a key, the cola twice), make the bread 3 (↑, 3 *),
// discount the towel 50 % — above a cashier's 10 % — with the manager's
// PIN, pay by scanning a payment code. The order is charged the
// discounted total, the discount's audit names the manager, and the Z
// report and the sales by item show the lines and the discount. Each step
// waits for the window's log to say the screen changed, so a slow machine
// makes it slower, not wrong. WXPOS_XVFB_SHOTS keeps screenshots.
func TestItemsUnderXvfb(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed: this test drives the real window on a private X server (apt-get install xvfb xauth xdotool)", tool)
		}
	}
	display := startXvfb(t)
	dir := t.TempDir()
	shots := os.Getenv("WXPOS_XVFB_SHOTS")
	inDir(t, dir, "2468\n2468\n", "staff", "setup", "Wang")
	csv := filepath.Join(dir, "items.csv")
	if err := os.WriteFile(csv, []byte(`id,name,name_en,price,barcodes,category
C1,可口可乐 330ml,Cola 330ml,3.50,6901939621233,饮料
B1,全麦面包,Wholemeal bread,12.50,6900000000014,食品
T1,纯棉毛巾,Cotton towel,30.00,6900000000021,日用

category,colour,order
饮料,#3366FF,1
食品,#FF9900,2
日用,#33AA55,3
`), 0o644); err != nil {
		t.Fatal(err)
	}
	inDir(t, dir, "2468\n", "catalog", "import", csv, "--manager", "Wang")
	// A till with staff sells only under a cashier signed in: Wang opens
	// the shift, so the window opens on the sale.
	inDir(t, dir, "2468\n", "shift", "open", "--cashier", "Wang", "--float", "0")

	w := startWindow(t, display, dir)
	const shown = `msg="sale lines shown" `
	for _, code := range []string{"6901939621233", "6900000000014", "6901939621233", "6900000000021"} {
		before := w.log.count(shown)
		w.typeAt(4*time.Millisecond, code+"\n")
		w.log.waitForNext(t, "the scan of "+code, 30*time.Second, map[string]int{shown: before})
	}
	w.log.waitFor(t, "three lines, ¥49.50", 10*time.Second, shown+`lines=3 selected=3 qty=1 total_fen=4950 discount_fen=0`)
	w.shot(shots, "items-1-three-items")
	w.key("Up")
	w.typeAt(personGap, "3*")
	w.log.waitFor(t, "the bread ×3, ¥74.50", 30*time.Second, shown+`lines=3 selected=2 qty=3 total_fen=7450 discount_fen=0`)
	w.key("Down")
	w.key("F4")
	w.log.waitFor(t, "the towel's discount form", 30*time.Second, `msg="discount form shown" line=3 whole=false`)
	w.typeAt(personGap, "50")
	w.key("Return")
	w.typeAt(personGap, "sample")
	w.shot(shots, "items-2-discount-form")
	w.key("Return")
	w.log.waitFor(t, "the manager's PIN asked", 30*time.Second, `msg="manager PIN asked" action=discount amount_fen=1500`)
	w.typeAt(personGap, "Wang")
	w.key("Return")
	w.typeAt(personGap, "2468")
	w.key("Return")
	w.log.waitFor(t, "the towel 50 % off, ¥59.50", 60*time.Second, shown+`lines=3 selected=3 qty=1 total_fen=5950 discount_fen=1500`)
	w.shot(shots, "items-3-discounted")

	w.typeAt(4*time.Millisecond, "130001000000000001\n")
	w.log.waitFor(t, "the payment of ¥59.50", 30*time.Second, `msg=order .* to=SUBMITTING amount_fen=5950 `)
	w.log.waitFor(t, "it paid", 30*time.Second, `msg=order .* to=PAID amount_fen=5950 `)
	w.log.waitFor(t, "its receipt", 30*time.Second, `msg="receipt shown" .* total_fen=5950`)
	w.log.waitFor(t, "the discount's audit", 10*time.Second, `line 3 discount -15.00 approved by Wang \(sample\)`)
	w.shot(shots, "items-4-receipt")
	if n := w.log.count(`msg=order .* to=SUBMITTING `); n != 1 {
		t.Errorf("%d payments started, want 1:\n%s", n, w.log.text())
	}
	w.kill()

	inDir(t, dir, "2468\n", "shift", "close", "--by", "Wang", "--counted", "0") // the Z sums closed shifts
	z := inDir(t, dir, "2468\n", "report", "z", "--close", "--manager", "Wang", "--lang", "en")
	for _, want := range []string{`Gross\s+74\.50\n`, `Discounts\s+-15\.00\n`, `Sales\s+1\s+59\.50\n`, `Net\s+¥59\.50\n`} {
		if !regexp.MustCompile(want).MatchString(z) {
			t.Errorf("the Z report has no line like %q:\n%s", want, z)
		}
	}
	// Item, quantity, gross, discount, net, returned.
	items := inDir(t, dir, "", "report", "items", "--lang", "en")
	for _, want := range []string{`可口可乐 330ml\s+2\s+7\.00\s+0\.00\s+7\.00\s+0\.00\n`, `全麦面包\s+3\s+37\.50\s+0\.00\s+37\.50\s+0\.00\n`,
		`纯棉毛巾\s+1\s+30\.00\s+15\.00\s+15\.00\s+0\.00\n`, `Total\s+74\.50\s+15\.00\s+59\.50\s+0\.00\n`} {
		if !regexp.MustCompile(want).MatchString(items) {
			t.Errorf("the sales by item have no line like %q:\n%s", want, items)
		}
	}
}

// inDir runs the binary on dir's data and configuration (as startWindow
// does) with stdin, and returns its standard output; it must succeed.
func inDir(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"--data", filepath.Join(dir, "data")}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=en_US.UTF-8",
		"HOME=" + filepath.Join(dir, "home"), "XDG_CONFIG_HOME=" + filepath.Join(dir, "config")}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("wxpos %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}
