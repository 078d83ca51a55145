package poledisplay

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/custdisplay"
	"github.com/wxpos/wxpos/receipt"
)

// cat joins byte slices and strings into the bytes a display must get.
func cat(parts ...any) []byte {
	var b []byte
	for _, p := range parts {
		switch v := p.(type) {
		case []byte:
			b = append(b, v...)
		case string:
			b = append(b, v...)
		}
	}
	return b
}

var (
	tea     = receipt.Line{Name: "Tea", Qty: 1, UnitFen: 450, TotalFen: 450}
	baozi   = receipt.Line{Name: "包子", Qty: 2, UnitFen: 400, TotalFen: 800}
	sale    = custdisplay.Frame{Mode: custdisplay.ModeSale, Lines: []receipt.Line{tea}, TotalFen: 450}
	saleCJK = custdisplay.Frame{Mode: custdisplay.ModeSale, Lines: []receipt.Line{tea, baozi}, TotalFen: 1250}
	ask     = custdisplay.Frame{Mode: custdisplay.ModeAskCode, TotalFen: 1250, AmountFen: 1250}
	paid    = custdisplay.Frame{Mode: custdisplay.ModePaid, AmountFen: 1250}
	failed  = custdisplay.Frame{Mode: custdisplay.ModeFailed, AmountFen: 1250, Why: custdisplay.WhyBalance}
	change  = custdisplay.Frame{Mode: custdisplay.ModeChange, AmountFen: 1250, TenderedFen: 2000, ChangeFen: 750}
	idle    = custdisplay.Frame{Mode: custdisplay.ModeIdle}
)

// TestEncodeBytes: every byte of each protocol, written out by hand from
// the command tables (docs/CUSTOMER_DISPLAY.md), not from the encoder.
func TestEncodeBytes(t *testing.T) {
	cases := []struct {
		name  string
		p     Protocol
		frame custdisplay.Frame
		want  []byte
	}{
		// ESC/POS: CLR, US $ 1 1, upper line, US $ 1 2, lower line.
		{"escpos sale line", ProtocolESCPOS, sale, cat([]byte{0x0C, 0x1F, 0x24, 0x01, 0x01}, "Tea             4.50",
			[]byte{0x1F, 0x24, 0x01, 0x02}, "TOTAL           4.50")},
		{"escpos hanzi name is its line number", ProtocolESCPOS, saleCJK, cat([]byte{0x0C, 0x1F, 0x24, 0x01, 0x01}, "ITEM 2          8.00",
			[]byte{0x1F, 0x24, 0x01, 0x02}, "TOTAL          12.50")},
		{"escpos ask code", ProtocolESCPOS, ask, cat([]byte{0x0C, 0x1F, 0x24, 0x01, 0x01}, "PLEASE SHOW PAY CODE",
			[]byte{0x1F, 0x24, 0x01, 0x02}, "TOTAL          12.50")},
		{"escpos failed", ProtocolESCPOS, failed, cat([]byte{0x0C, 0x1F, 0x24, 0x01, 0x01}, "PAYMENT FAILED      ",
			[]byte{0x1F, 0x24, 0x01, 0x02}, "INSUFFICIENT BALANCE")},
		{"escpos change", ProtocolESCPOS, change, cat([]byte{0x0C, 0x1F, 0x24, 0x01, 0x01}, "CASH           20.00",
			[]byte{0x1F, 0x24, 0x01, 0x02}, "CHANGE          7.50")},
		{"escpos idle", ProtocolESCPOS, idle, cat([]byte{0x0C, 0x1F, 0x24, 0x01, 0x01}, "WELCOME             ",
			[]byte{0x1F, 0x24, 0x01, 0x02}, "                    ")},
		// CD5220: CLR, ESC Q A upper CR, ESC Q B lower CR.
		{"cd5220 paid", ProtocolCD5220, paid, cat([]byte{0x0C, 0x1B, 0x51, 0x41}, "THANK YOU           ", []byte{0x0D, 0x1B, 0x51, 0x42},
			"PAID           12.50", []byte{0x0D})},
		{"cd5220 ask code", ProtocolCD5220, ask, cat([]byte{0x0C, 0x1B, 0x51, 0x41}, "PLEASE SHOW PAY CODE", []byte{0x0D, 0x1B, 0x51, 0x42},
			"TOTAL          12.50", []byte{0x0D})},
		// LED8: ESC s lamp, ESC Q A digits CR.
		{"led8 running total", ProtocolLED8, saleCJK, []byte{0x1B, 0x73, 0x32, 0x1B, 0x51, 0x41, '1', '2', '.', '5', '0', 0x0D}},
		{"led8 ask code", ProtocolLED8, ask, []byte{0x1B, 0x73, 0x32, 0x1B, 0x51, 0x41, '1', '2', '.', '5', '0', 0x0D}},
		{"led8 paid lights 收款", ProtocolLED8, paid, []byte{0x1B, 0x73, 0x33, 0x1B, 0x51, 0x41, '1', '2', '.', '5', '0', 0x0D}},
		{"led8 change lights 找零", ProtocolLED8, change, []byte{0x1B, 0x73, 0x34, 0x1B, 0x51, 0x41, '7', '.', '5', '0', 0x0D}},
		{"led8 idle: lamps out, cleared", ProtocolLED8, idle, []byte{0x1B, 0x73, 0x30, 0x0C}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Encode(c.p, c.frame); !bytes.Equal(got, c.want) {
				t.Errorf("Encode:\n got % x\nwant % x", got, c.want)
			}
		})
	}
}

func TestLEDBytesLamps(t *testing.T) {
	for lamp, want := range map[Lamp]byte{LampNone: 0x30, LampPrice: 0x31, LampTotal: 0x32, LampCollect: 0x33, LampChange: 0x34} {
		got := LEDBytes(lamp, "0.50")
		if w := []byte{0x1B, 0x73, want, 0x1B, 0x51, 0x41, '0', '.', '5', '0', 0x0D}; !bytes.Equal(got, w) {
			t.Errorf("lamp %c: % x, want % x", lamp, got, w)
		}
	}
	if got := Init(ProtocolLED8); !bytes.Equal(got, []byte{0x1B, 0x40}) {
		t.Errorf("Init = % x, want 1b 40 (ESC @)", got)
	}
}

// TestTextFits: whatever the frame, two lines of exactly 20 printable
// ASCII bytes, and an amount is never cut.
func TestTextFits(t *testing.T) {
	long := receipt.Line{Name: "An item with a very long name indeed", Qty: 1, TotalFen: 123456789}
	frames := []custdisplay.Frame{sale, saleCJK, ask, paid, failed, change, idle,
		{Mode: custdisplay.ModeSale, Lines: []receipt.Line{long}, TotalFen: 123456789},
		{Mode: custdisplay.ModeFailed, Why: "something new"},
		{Mode: custdisplay.ModePaying, Password: true, AmountFen: 1},
		{Mode: custdisplay.ModeQR, AmountFen: 99},
	}
	for _, f := range frames {
		l1, l2 := Text(f)
		for _, l := range []string{l1, l2} {
			if len(l) != Cols || !ascii(l) {
				t.Errorf("%s: line %q is not %d printable ASCII characters", f.Mode, l, Cols)
			}
		}
	}
	if l1, _ := Text(frames[7]); !strings.HasSuffix(l1, " 1234567.89") {
		t.Errorf("long line %q cut the amount", l1)
	}
}

func TestParseTarget(t *testing.T) {
	ok := []struct {
		in   string
		want Target
	}{
		{"serial:/dev/ttyUSB1", Target{Path: "/dev/ttyUSB1", Baud: 9600, Protocol: ProtocolESCPOS}},
		{"serial:/dev/ttyUSB1?baud=2400&protocol=led8", Target{Path: "/dev/ttyUSB1", Baud: 2400, Protocol: ProtocolLED8}},
		{"serial:COM3?protocol=cd5220", Target{Path: "COM3", Baud: 9600, Protocol: ProtocolCD5220}},
	}
	for _, c := range ok {
		got, on, err := ParseTarget(c.in)
		if err != nil || !on || got != c.want {
			t.Errorf("ParseTarget(%q) = %+v, %v, %v; want %+v", c.in, got, on, err, c.want)
		}
		if back, _, _ := ParseTarget(got.String()); back != got {
			t.Errorf("String of %+v reads back as %+v", got, back)
		}
	}
	for _, none := range []string{"", "none", "  none "} {
		if _, on, err := ParseTarget(none); on || err != nil {
			t.Errorf("ParseTarget(%q) = %v, %v; want off", none, on, err)
		}
	}
	for _, bad := range []string{"usb:/dev/lp0", "serial:", "serial:/dev/ttyUSB1?baud=fast", "serial:/dev/ttyUSB1?baud=0",
		"serial:/dev/ttyUSB1?protocol=vt100", "serial:/dev/ttyUSB1?speed=9600"} {
		if _, _, err := ParseTarget(bad); !errors.Is(err, ErrTarget) {
			t.Errorf("ParseTarget(%q) err = %v, want ErrTarget", bad, err)
		}
	}
}

// FuzzParseTarget: any setting is read or refused with ErrTarget, never a
// panic, and one that is read reads back the same from its String.
func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"", "none", "serial:/dev/ttyUSB1", "serial:COM3?baud=2400&protocol=led8", "serial:?", "serial:x?baud=-1", "tcp:1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, on, err := ParseTarget(s)
		switch {
		case err != nil:
			if !errors.Is(err, ErrTarget) {
				t.Fatalf("ParseTarget(%q) err = %v, not ErrTarget", s, err)
			}
		case on:
			back, on2, err := ParseTarget(got.String())
			if err != nil || !on2 || back != got {
				t.Fatalf("ParseTarget(%q) = %+v, whose String %q reads back as %+v, %v", s, got, got.String(), back, err)
			}
		}
	})
}
