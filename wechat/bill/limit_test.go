package bill_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat/bill"
)

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestDecompressRefusesBomb: 32 MB of zeros gzip to 32 KB (1000:1); the
// reader stops with ErrRatio soon after RatioFloor, not at the end.
func TestDecompressRefusesBomb(t *testing.T) {
	bomb := gzipped(t, make([]byte, 32<<20))
	r, err := bill.Decompress(bytes.NewReader(bomb), bill.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, r)
	if !errors.Is(err, bill.ErrRatio) {
		t.Fatalf("err %v after %d bytes, want ErrRatio", err, n)
	}
	if n > 2*bill.RatioFloor {
		t.Fatalf("handed out %d bytes of the bomb before refusing it", n)
	}
}

// TestDecompressLimits: the size limit holds exactly (MaxSize bytes pass,
// one more fails) for plain and gzip input, and text that compresses like
// a real bill (5:1) is not taken for a bomb.
func TestDecompressLimits(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 9))
	var sb strings.Builder
	for sb.Len() < 3<<20 {
		sb.WriteString("`2026-11-25 10:00:01,`wx1,`1900000001,`0,`T1,`42")
		for range 26 {
			sb.WriteByte(byte('0' + rnd.IntN(10)))
		}
		sb.WriteString(",`SUCCESS,`12.34\n")
	}
	text := []byte(sb.String())
	for name, in := range map[string][]byte{"plain": text, "gzip": gzipped(t, text)} {
		t.Run(name, func(t *testing.T) {
			for _, tc := range []struct {
				max  int64
				want error
			}{{int64(len(text)), nil}, {int64(len(text)) - 1, bill.ErrTooLarge}} {
				r, err := bill.Decompress(bytes.NewReader(in), bill.Limits{MaxSize: tc.max})
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(r)
				if !errors.Is(err, tc.want) || (tc.want == nil && !bytes.Equal(got, text)) {
					t.Fatalf("limit %d: err %v (%d bytes), want %v", tc.max, err, len(got), tc.want)
				}
			}
		})
	}
}

// TestDecompressCorrupt: a truncated gzip stream is an error, not a short
// bill.
func TestDecompressCorrupt(t *testing.T) {
	z := gzipped(t, []byte(strings.Repeat("`row,`1.00\n", 1000)))
	r, err := bill.Decompress(bytes.NewReader(z[:len(z)/2]), bill.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(r); err == nil || !strings.Contains(err.Error(), "gunzip") {
		t.Fatalf("truncated gzip: err %v", err)
	}
}
