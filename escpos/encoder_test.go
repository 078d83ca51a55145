package escpos_test

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/escpos"
	"github.com/wxpos/wxpos/receipt/receipttest"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// TestCommands checks each command against the bytes the ESC/POS reference
// gives for it, and keeps a golden file per command.
func TestCommands(t *testing.T) {
	qrHead := []byte{
		0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0, // model 2
		0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6, // module size 6
		0x1D, 0x28, 0x6B, 3, 0, 49, 69, 49, // level M
	}
	qrPrint := []byte{0x1D, 0x28, 0x6B, 3, 0, 49, 81, 48}
	long := strings.Repeat("9", 300)
	tests := []struct {
		name string
		run  func(e *escpos.Encoder)
		want []byte
	}{
		{"init", func(e *escpos.Encoder) { e.Init() }, []byte{0x1B, 0x40}},
		{"chinese_on", func(e *escpos.Encoder) { e.Chinese(true) }, []byte{0x1C, 0x26}},
		{"chinese_off", func(e *escpos.Encoder) { e.Chinese(false) }, []byte{0x1C, 0x2E}},
		{"bold_on", func(e *escpos.Encoder) { e.Bold(true) }, []byte{0x1B, 0x45, 1}},
		{"bold_off", func(e *escpos.Encoder) { e.Bold(false) }, []byte{0x1B, 0x45, 0}},
		{"size_normal", func(e *escpos.Encoder) { e.Size(1, 1) }, []byte{0x1D, 0x21, 0x00}},
		{"size_double", func(e *escpos.Encoder) { e.Size(2, 2) }, []byte{0x1D, 0x21, 0x11}},
		{"size_double_height", func(e *escpos.Encoder) { e.Size(1, 2) }, []byte{0x1D, 0x21, 0x01}},
		{"size_double_width", func(e *escpos.Encoder) { e.Size(2, 1) }, []byte{0x1D, 0x21, 0x10}},
		{"size_max", func(e *escpos.Encoder) { e.Size(8, 8) }, []byte{0x1D, 0x21, 0x77}},
		{"align_left", func(e *escpos.Encoder) { e.Align(escpos.AlignLeft) }, []byte{0x1B, 0x61, 0}},
		{"align_center", func(e *escpos.Encoder) { e.Align(escpos.AlignCenter) }, []byte{0x1B, 0x61, 1}},
		{"align_right", func(e *escpos.Encoder) { e.Align(escpos.AlignRight) }, []byte{0x1B, 0x61, 2}},
		{"text_ascii", func(e *escpos.Encoder) { e.Text("Total 12.50") }, []byte("Total 12.50")},
		{"text_gbk", func(e *escpos.Encoder) { e.Text("中文￥") }, []byte{0xD6, 0xD0, 0xCE, 0xC4, 0xA3, 0xA4}},
		{"line_mixed", func(e *escpos.Encoder) { e.Line("合计 9.90") }, []byte{0xBA, 0xCF, 0xBC, 0xC6, ' ', '9', '.', '9', '0', 0x0A}},
		{"text_control_chars_neutralised", func(e *escpos.Encoder) { e.Text("a\x1bp\x00\x19b") }, []byte("a?p??b")},
		{"text_unencodable_keeps_columns", func(e *escpos.Encoder) { e.Text("x😀y") }, []byte("x??y")},
		{"feed", func(e *escpos.Encoder) { e.Feed(3) }, []byte{0x1B, 0x64, 3}},
		{"qr", func(e *escpos.Encoder) { e.QR("S001T01", 6, escpos.QRLevelM) },
			cat(qrHead, []byte{0x1D, 0x28, 0x6B, 10, 0, 49, 80, 48}, []byte("S001T01"), qrPrint)},
		{"qr_long_data_two_byte_length", func(e *escpos.Encoder) { e.QR(long, 6, escpos.QRLevelM) },
			cat(qrHead, []byte{0x1D, 0x28, 0x6B, 303 & 0xFF, 303 >> 8, 49, 80, 48}, []byte(long), qrPrint)},
		{"cut_full", func(e *escpos.Encoder) { e.Cut(false) }, []byte{0x1D, 0x56, 0}},
		{"cut_partial", func(e *escpos.Encoder) { e.Cut(true) }, []byte{0x1D, 0x56, 1}},
		{"feed_cut_full", func(e *escpos.Encoder) { e.FeedCut(false, 3) }, []byte{0x1D, 0x56, 65, 3}},
		{"feed_cut_partial", func(e *escpos.Encoder) { e.FeedCut(true, 0) }, []byte{0x1D, 0x56, 66, 0}},
		{"drawer_pin2", func(e *escpos.Encoder) { e.KickDrawer(escpos.DrawerPin2, 50, 500) }, []byte{0x1B, 0x70, 0, 25, 250}},
		{"drawer_pin5", func(e *escpos.Encoder) { e.KickDrawer(escpos.DrawerPin5, 100, 100) }, []byte{0x1B, 0x70, 1, 50, 50}},
		{"status_paper", func(e *escpos.Encoder) { e.StatusRequest(escpos.StatusPaper) }, []byte{0x10, 0x04, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			e := escpos.NewEncoder(&b)
			tt.run(e)
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), tt.want) {
				t.Errorf("got % x, want % x", b.Bytes(), tt.want)
			}
			receipttest.Golden(t, *update, "cmd_"+tt.name+".bin", b.Bytes())
		})
	}
}

func TestInvalidArguments(t *testing.T) {
	tests := []struct {
		name string
		run  func(e *escpos.Encoder)
	}{
		{"size zero", func(e *escpos.Encoder) { e.Size(0, 1) }},
		{"size nine", func(e *escpos.Encoder) { e.Size(1, 9) }},
		{"align", func(e *escpos.Encoder) { e.Align(3) }},
		{"feed negative", func(e *escpos.Encoder) { e.Feed(-1) }},
		{"feed too far", func(e *escpos.Encoder) { e.Feed(256) }},
		{"qr empty", func(e *escpos.Encoder) { e.QR("", 6, escpos.QRLevelM) }},
		{"qr too long", func(e *escpos.Encoder) { e.QR(strings.Repeat("1", escpos.MaxQRData+1), 6, escpos.QRLevelM) }},
		{"qr module size", func(e *escpos.Encoder) { e.QR("x", 17, escpos.QRLevelM) }},
		{"qr level", func(e *escpos.Encoder) { e.QR("x", 6, 47) }},
		{"cut feed", func(e *escpos.Encoder) { e.FeedCut(true, 300) }},
		{"drawer pin", func(e *escpos.Encoder) { e.KickDrawer(2, 50, 500) }},
		{"drawer pulse too long", func(e *escpos.Encoder) { e.KickDrawer(escpos.DrawerPin2, 600, 600) }},
		{"drawer off shorter than on", func(e *escpos.Encoder) { e.KickDrawer(escpos.DrawerPin2, 100, 50) }},
		{"status kind", func(e *escpos.Encoder) { e.StatusRequest(5) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			e := escpos.NewEncoder(&b)
			tt.run(e)
			e.Init() // ignored after the error
			if err := e.Err(); !errors.Is(err, escpos.ErrInvalidArgument) {
				t.Errorf("Err() = %v, want ErrInvalidArgument", err)
			}
			if b.Len() != 0 {
				t.Errorf("wrote % x after an invalid argument", b.Bytes())
			}
		})
	}
}

// failAfter accepts n bytes, then fails every write.
type failAfter struct {
	n    int
	got  bytes.Buffer
	errs int
}

var errBroken = errors.New("broken pipe to printer")

func (f *failAfter) Write(p []byte) (int, error) {
	if f.got.Len()+len(p) > f.n {
		f.errs++
		return 0, errBroken
	}
	return f.got.Write(p)
}

func TestWriterErrorSurfaces(t *testing.T) {
	tests := []struct {
		name  string
		limit int
		want  []byte
	}{
		{"first write fails", 0, nil},
		{"fails after init", 2, []byte{0x1B, 0x40}},
		{"fails inside qr", 30, []byte{0x1B, 0x40, 0x1C, 0x26, 'h', 'i', 0x0A,
			0x1D, 0x28, 0x6B, 4, 0, 49, 65, 50, 0, 0x1D, 0x28, 0x6B, 3, 0, 49, 67, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &failAfter{n: tt.limit}
			e := escpos.NewEncoder(w)
			e.Init()
			e.Chinese(true)
			e.Line("hi")
			e.QR("S001", 6, escpos.QRLevelM)
			e.FeedCut(true, 0)
			if err := e.Err(); !errors.Is(err, errBroken) {
				t.Fatalf("Err() = %v, want the writer's error", err)
			}
			if w.errs != 1 {
				t.Errorf("writer saw %d failing writes, want 1 (the encoder stops at the first)", w.errs)
			}
			if !bytes.Equal(w.got.Bytes(), tt.want) {
				t.Errorf("written % x, want % x", w.got.Bytes(), tt.want)
			}
		})
	}
}

func TestParsePaper(t *testing.T) {
	tests := []struct {
		in   string
		want escpos.Paper
		cols int
		ok   bool
	}{
		{"58", escpos.Paper58, 32, true},
		{"80", escpos.Paper80, 48, true},
		{"80mm", escpos.Paper80, 48, true},
		{"76", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := escpos.ParsePaper(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, ok want %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, escpos.ErrInvalidArgument) {
				t.Errorf("err = %v, want ErrInvalidArgument", err)
			}
			if p != tt.want || p.Columns() != tt.cols {
				t.Errorf("got %v (%d columns), want %v (%d)", p, p.Columns(), tt.want, tt.cols)
			}
		})
	}
}

func FuzzEncoderText(f *testing.F) {
	f.Add("可口可乐 330ml ￥3.50 — ×2")
	f.Add("\x1bp\x00\x19\xfa\xff\xfe")
	f.Fuzz(func(t *testing.T, s string) {
		var b bytes.Buffer
		e := escpos.NewEncoder(&b)
		e.Text(s)
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		for _, c := range b.Bytes() {
			if c < 0x20 && c != 0x0A {
				t.Fatalf("text %q produced control byte %#x: % x", s, c, b.Bytes())
			}
		}
	})
}
