package scanner

import (
	"errors"
	"testing"
	"time"
)

func TestParseSuffix(t *testing.T) {
	tests := []struct {
		in      string
		want    Suffix
		wantErr bool
	}{
		{"CR", SuffixCR, false}, {"lf", SuffixLF, false}, {"CRLF", SuffixCRLF, false},
		{"any", SuffixAny, false}, {"", SuffixAny, false}, {"none", SuffixNone, false},
		{"TAB", "", true}, {"cr lf", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSuffix(tt.in)
			if tt.wantErr != (err != nil) || got != tt.want {
				t.Fatalf("ParseSuffix(%q) = %q, %v", tt.in, got, err)
			}
			if err != nil && !errors.Is(err, ErrConfig) {
				t.Fatalf("error %v does not match ErrConfig", err)
			}
		})
	}
}

func TestParseParity(t *testing.T) {
	tests := []struct {
		in      string
		want    Parity
		wantErr bool
	}{
		{"N", ParityNone, false}, {"", ParityNone, false}, {"E", ParityEven, false},
		{"odd", ParityOdd, false}, {"M", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseParity(tt.in)
			if tt.wantErr != (err != nil) || got != tt.want {
				t.Fatalf("ParseParity(%q) = %q, %v", tt.in, got, err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{Port: "/dev/ttyACM0"}.WithDefaults()
	want := Config{
		Port: "/dev/ttyACM0", Baud: 9600, DataBits: 8, Parity: ParityNone, StopBits: 1, Suffix: SuffixAny,
		MaxLen: DefaultMaxLen, ReadTimeout: 100 * time.Millisecond, FrameGap: DefaultFrameGap,
		RetryMin: DefaultRetryMin, RetryMax: DefaultRetryMax, Buffer: DefaultBuffer,
	}
	if c != want {
		t.Fatalf("defaults\n got %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}
