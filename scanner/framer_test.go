package scanner

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

const (
	codeA = "134567890123456789"
	codeB = "104567890123456780"
)

func feedAll(f *Framer, chunks ...string) []Frame {
	var out []Frame
	for _, c := range chunks {
		out = f.Feed(out, []byte(c))
	}
	return out
}

func datas(fs []Frame) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Data
	}
	return out
}

func TestFramer(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		chunks  []string
		want    []string
		pending int
	}{
		{"cr", Config{Suffix: SuffixCR}, []string{codeA + "\r" + codeB + "\r"}, []string{codeA, codeB}, 0},
		{"cr ignores lf", Config{Suffix: SuffixCR}, []string{codeA + "\r\n" + codeB + "\r\n"}, []string{codeA, codeB}, 0},
		{"lf", Config{Suffix: SuffixLF}, []string{codeA + "\n" + codeB + "\n"}, []string{codeA, codeB}, 0},
		{"lf ignores cr", Config{Suffix: SuffixLF}, []string{codeA + "\r\n", codeB + "\r"}, []string{codeA}, 18},
		{"crlf", Config{Suffix: SuffixCRLF}, []string{codeA + "\r\n" + codeB + "\r\n"}, []string{codeA, codeB}, 0},
		{"crlf split between cr and lf", Config{Suffix: SuffixCRLF}, []string{codeA + "\r", "\n"}, []string{codeA}, 0},
		{"crlf lone cr is noise", Config{Suffix: SuffixCRLF}, []string{"1345678\r90123456789\r\n"}, []string{codeA}, 0},
		{"crlf lone lf is noise", Config{Suffix: SuffixCRLF}, []string{"1345678\n90123456789\r\n"}, []string{codeA}, 0},
		{"any mixed", Config{}, []string{codeA + "\r" + codeB + "\n" + codeA + "\r\n"}, []string{codeA, codeB, codeA}, 0},
		{"none never terminates", Config{Suffix: SuffixNone}, []string{codeA + "\r\n"}, nil, 18},
		{"split in three reads", Config{}, []string{"13456", "78901234", "56789\r\n"}, []string{codeA}, 0},
		{"byte per read", Config{}, strings.Split(codeA+"\r\n", ""), []string{codeA}, 0},
		{"pending after last suffix", Config{}, []string{codeA + "\r\n1045"}, []string{codeA}, 4},
		{"empty frames skipped", Config{}, []string{"\r\n\r\n  \r" + codeA + "\n\n"}, []string{codeA}, 0},
		{"control noise dropped", Config{}, []string{"\x00\x02" + codeA[:9] + "\x1b\t" + codeA[9:] + "\x03\x7f\r"}, []string{codeA}, 0},
		{"spaces trimmed", Config{}, []string{"  " + codeA + " \r"}, []string{codeA}, 0},
		{"aim stripped", Config{StripAIM: true}, []string{"]C0" + codeA + "\r]Q1" + codeB + "\r"}, []string{codeA, codeB}, 0},
		{"aim kept when off", Config{}, []string{"]C0" + codeA + "\r"}, []string{"]C0" + codeA}, 0},
		{"not aim", Config{StripAIM: true}, []string{"]" + codeA + "\r"}, []string{"]" + codeA}, 0},
		{"prefix stripped", Config{Prefix: "WX:"}, []string{"WX:" + codeA + "\r" + codeB + "\r"}, []string{codeA, codeB}, 0},
		{"aim then prefix", Config{StripAIM: true, Prefix: "P"}, []string{"]C0P" + codeA + "\r"}, []string{codeA}, 0},
		{"utf8 kept", Config{}, []string{"二维码\r"}, []string{"二维码"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFramer(tt.cfg)
			got := feedAll(f, tt.chunks...)
			if !reflect.DeepEqual(datas(got), tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
				t.Errorf("frames = %q, want %q", datas(got), tt.want)
			}
			for _, fr := range got {
				if fr.Overflow || fr.Unterminated {
					t.Errorf("frame %q flagged %+v", fr.Data, fr)
				}
			}
			if f.Pending() != tt.pending {
				t.Errorf("Pending = %d, want %d", f.Pending(), tt.pending)
			}
		})
	}
}

func TestFramerAIMRecorded(t *testing.T) {
	got := feedAll(NewFramer(Config{StripAIM: true}), "]Q1"+codeA+"\r")
	if len(got) != 1 || got[0].AIM != "]Q1" || got[0].Data != codeA {
		t.Fatalf("got %+v", got)
	}
}

func TestFramerOverflow(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		chunks []string
	}{
		{"one read", Config{MaxLen: 20}, []string{strings.Repeat("7", 500) + "\r" + codeA + "\r"}},
		{"many reads", Config{MaxLen: 20}, []string{strings.Repeat("7", 15), strings.Repeat("7", 15), strings.Repeat("7", 400) + "\r\n", codeA + "\r\n"}},
		{"over after prefix strip", Config{MaxLen: 20, Prefix: "PP"}, []string{"PP" + strings.Repeat("7", 21) + "\r" + codeA + "\r"}},
		{"crlf mode", Config{MaxLen: 20, Suffix: SuffixCRLF}, []string{strings.Repeat("x", 100) + "\r\n" + codeA + "\r\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFramer(tt.cfg)
			var got []Frame
			for _, c := range tt.chunks {
				got = f.Feed(got, []byte(c))
				if f.Pending() > f.limit {
					t.Fatalf("Pending %d above limit %d", f.Pending(), f.limit)
				}
			}
			if len(got) != 2 {
				t.Fatalf("frames = %+v, want overflow + code", got)
			}
			if !got[0].Overflow || len(got[0].Data) != tt.cfg.MaxLen {
				t.Errorf("first frame %+v: want Overflow with %d bytes", got[0], tt.cfg.MaxLen)
			}
			if err := got[0].Check(); !errorsIsReason(err, ReasonTooLong) {
				t.Errorf("Check = %v, want too_long", err)
			}
			if got[1].Overflow || got[1].Data != codeA {
				t.Errorf("second frame %+v: want clean code after overflow", got[1])
			}
		})
	}
}

func TestFramerFlush(t *testing.T) {
	tests := []struct {
		name             string
		cfg              Config
		in               string
		wantOK           bool
		wantUnterminated bool
	}{
		{"none suffix", Config{Suffix: SuffixNone}, codeA, true, false},
		{"any suffix", Config{}, codeA, true, true},
		{"only noise", Config{}, "  \x00", false, false},
		{"nothing", Config{}, "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := NewFramer(tt.cfg)
			f.Feed(nil, []byte(tt.in))
			fr, ok := f.Flush()
			if ok != tt.wantOK {
				t.Fatalf("Flush ok = %v, want %v", ok, tt.wantOK)
			}
			if ok && (fr.Data != codeA || fr.Unterminated != tt.wantUnterminated) {
				t.Errorf("Flush = %+v", fr)
			}
			if f.Pending() != 0 {
				t.Errorf("Pending after Flush = %d", f.Pending())
			}
		})
	}
}

func TestFramerReset(t *testing.T) {
	f := NewFramer(Config{Suffix: SuffixCRLF})
	f.Feed(nil, []byte("99999\r"))
	f.Reset()
	got := feedAll(f, "\n"+codeA+"\r\n")
	if !reflect.DeepEqual(datas(got), []string{codeA}) {
		t.Fatalf("after Reset frames = %q", datas(got))
	}
}

func errorsIsReason(err error, r Reason) bool {
	var ce *CodeError
	return errors.As(err, &ce) && ce.Reason == r
}

var fuzzSuffixes = []Suffix{SuffixAny, SuffixCR, SuffixLF, SuffixCRLF, SuffixNone}

func fuzzConfig(mode uint8, maxLen uint8) Config {
	return Config{
		Suffix:   fuzzSuffixes[int(mode)%len(fuzzSuffixes)],
		StripAIM: mode&0x10 != 0,
		Prefix:   map[bool]string{true: "P:", false: ""}[mode&0x20 != 0],
		MaxLen:   PaymentCodeLen + int(maxLen%64),
	}
}

// FuzzFramer checks that however the input is split across reads the frames
// are the same, that no frame breaks the framer's promises, and that the
// verdict of a frame never echoes a long digit string.
func FuzzFramer(f *testing.F) {
	f.Add([]byte(codeA+"\r\n"+codeB+"\r"), uint16(7), uint8(0), uint8(0))
	f.Add([]byte("]Q1"+codeA+"\r\n"), uint16(2), uint8(0x13), uint8(3))
	f.Add([]byte("P:"+codeA+"\n\x00\xff]C0"), uint16(1), uint8(0x32), uint8(9))
	f.Add(bytes.Repeat([]byte("1"), 300), uint16(100), uint8(1), uint8(0))
	f.Add([]byte("\r\r\n\n \t\x1b[0m6901234567892\r\n"), uint16(3), uint8(3), uint8(60))
	f.Fuzz(func(t *testing.T, data []byte, split uint16, mode uint8, maxLen uint8) {
		cfg := fuzzConfig(mode, maxLen)
		run := func(chunks ...[]byte) ([]Frame, *Framer) {
			fr := NewFramer(cfg)
			var out []Frame
			for _, c := range chunks {
				out = fr.Feed(out, c)
				if fr.Pending() > fr.limit {
					t.Fatalf("Pending %d > limit %d", fr.Pending(), fr.limit)
				}
			}
			if last, ok := fr.Flush(); ok {
				out = append(out, last)
			}
			return out, fr
		}
		whole, _ := run(data)
		k := 0
		if len(data) > 0 {
			k = int(split) % (len(data) + 1)
		}
		halves, _ := run(data[:k], data[k:])
		if !reflect.DeepEqual(whole, halves) {
			t.Fatalf("split at %d changed frames:\nwhole  %q\nhalves %q", k, datas(whole), datas(halves))
		}
		bytesOneByOne := make([][]byte, len(data))
		for i := range data {
			bytesOneByOne[i] = data[i : i+1]
		}
		single, _ := run(bytesOneByOne...)
		if !reflect.DeepEqual(whole, single) {
			t.Fatalf("byte-at-a-time changed frames:\nwhole  %q\nsingle %q", datas(whole), datas(single))
		}
		for _, fr := range whole {
			if len(fr.Data) > cfg.MaxLen {
				t.Fatalf("frame of %d bytes > MaxLen %d", len(fr.Data), cfg.MaxLen)
			}
			if fr.Data == "" && !fr.Overflow {
				t.Fatal("empty frame emitted")
			}
			for i := 0; i < len(fr.Data); i++ {
				if c := fr.Data[i]; c < 0x20 || c == 0x7f {
					t.Fatalf("control byte %#x in frame %q", c, fr.Data)
				}
			}
			if !fr.Overflow && strings.Trim(fr.Data, " ") != fr.Data {
				t.Fatalf("frame %q not trimmed", fr.Data)
			}
			err := fr.Check()
			if err == nil {
				if Classify(fr.Data) != "" || fr.Overflow {
					t.Fatalf("frame %q passed Check but is not a code", fr.Data)
				}
				continue
			}
			if len(fr.Data) >= 8 && allDigits(fr.Data) && strings.Contains(err.Error(), fr.Data) {
				t.Fatalf("verdict %q echoes the scanned digits", err)
			}
		}
	})
}

// FuzzFramerRoundTrip checks that codes separated by the configured suffix
// come back exactly, whatever the codes are.
func FuzzFramerRoundTrip(f *testing.F) {
	f.Add(codeA+" "+codeB+" 6901234567892", uint8(0), uint16(5))
	f.Add("a b c", uint8(3), uint16(1))
	f.Fuzz(func(t *testing.T, text string, mode uint8, split uint16) {
		suffix := []string{"\r", "\n", "\r\n"}[int(mode)%3]
		cfg := Config{Suffix: []Suffix{SuffixCR, SuffixLF, SuffixCRLF}[int(mode)%3], MaxLen: 64}
		codes := strings.FieldsFunc(text, func(r rune) bool { return r <= ' ' || r == 0x7f || r == ']' })
		var in []byte
		var want []string
		for _, c := range codes {
			if len(c) > cfg.MaxLen {
				continue
			}
			in = append(in, c...)
			in = append(in, suffix...)
			want = append(want, c)
		}
		k := 0
		if len(in) > 0 {
			k = int(split) % (len(in) + 1)
		}
		fr := NewFramer(cfg)
		got := fr.Feed(nil, in[:k])
		got = fr.Feed(got, in[k:])
		if !reflect.DeepEqual(datas(got), want) && len(got)+len(want) > 0 {
			t.Fatalf("frames %q, want %q", datas(got), want)
		}
		if fr.Pending() != 0 {
			t.Fatalf("%d bytes left pending", fr.Pending())
		}
	})
}

// BenchmarkFramer measures framing throughput on a stream of payment codes
// arriving in 32-byte reads, as a USB-CDC scanner delivers them.
func BenchmarkFramer(b *testing.B) {
	var stream []byte
	for len(stream) < 64<<10 {
		stream = append(stream, "]C0"+codeA+"\r\n"...)
	}
	f := NewFramer(Config{StripAIM: true})
	frames := make([]Frame, 0, 64)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < len(stream); i += 32 {
			frames = f.Feed(frames[:0], stream[i:min(i+32, len(stream))])
		}
	}
}
