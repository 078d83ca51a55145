package csvout_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/internal/csvout"
)

var cols = []csvout.Column{{Key: "no", ZH: "单号"}, {Key: "amount_yuan", ZH: "金额（元）", EN: "amount (yuan)"}}

// parse reads a file the way a spreadsheet would after checking the BOM:
// it fails the test when the file does not start with one.
func parse(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(csvout.BOM)) {
		t.Fatalf("no UTF-8 BOM at the start: % x", b[:min(len(b), 8)])
	}
	r := csv.NewReader(bytes.NewReader(b[len(csvout.BOM):]))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return rows
}

func TestWriter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lang   csvout.Lang
		header []string
	}{
		{"chinese", csvout.Chinese, []string{"单号", "金额（元）"}},
		{"english", csvout.English, []string{"no", "amount (yuan)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w := csvout.New(&b, tc.lang, cols)
			w.Row("=cmd|'/c calc'!A1", csvout.Yuan(-30))
			w.Row("W1", csvout.Yuan(123456))
			w.Table([]csvout.Column{{Key: "x", ZH: "甲"}})
			w.Row("+1")
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), "1234.56\r\n\r\n") {
				t.Errorf("lines do not end in CRLF or no blank line between tables: %q", b.String())
			}
			rows := parse(t, b.Bytes())
			want := [][]string{tc.header, {"'=cmd|'/c calc'!A1", "-0.30"}, {"W1", "1234.56"},
				{csvout.Headers([]csvout.Column{{Key: "x", ZH: "甲"}}, tc.lang)[0]}, {"'+1"}}
			if len(rows) != len(want) {
				t.Fatalf("rows = %q, want %q", rows, want)
			}
			for i := range want {
				if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
				}
			}
		})
	}
}

func TestLangOf(t *testing.T) {
	for in, want := range map[string]csvout.Lang{"zh-CN": csvout.Chinese, "zh_CN.UTF-8": csvout.Chinese, "ZH": csvout.Chinese,
		"en": csvout.English, "C": csvout.English, "": csvout.English, "en_US.UTF-8": csvout.English} {
		if got := csvout.LangOf(in); got != want {
			t.Errorf("LangOf(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestLangFromEnv(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	if got := csvout.LangFromEnv(); got != csvout.Chinese {
		t.Errorf("LANG=zh_CN: %v, want Chinese", got)
	}
	t.Setenv("LC_ALL", "C")
	if got := csvout.LangFromEnv(); got != csvout.English {
		t.Errorf("LC_ALL=C over LANG=zh_CN: %v, want English", got)
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		fen  int64
		want string
	}{{0, "0.00"}, {5, "0.05"}, {30, "0.30"}, {-30, "-0.30"}, {100, "1.00"}, {123456, "1234.56"}, {-9223372036854775808, "-92233720368547758.08"}} {
		if got := csvout.Yuan(tc.fen); got != tc.want {
			t.Errorf("Yuan(%d) = %q, want %q", tc.fen, got, tc.want)
		}
	}
	for _, tc := range []struct {
		milli, fen int64
		exact      string
	}{{0, 0, "0.00000"}, {72, 0, "0.00072"}, {499, 0, "0.00499"}, {500, 1, "0.00500"}, {29500, 30, "0.29500"},
		{30000, 30, "0.30000"}, {-1500, -2, "-0.01500"}, {-100000, -100, "-1.00000"}, {123456789, 123457, "1234.56789"}} {
		if got := csvout.FeeFen(tc.milli); got != tc.fen {
			t.Errorf("FeeFen(%d) = %d, want %d", tc.milli, got, tc.fen)
		}
		if got := csvout.FeeExact(tc.milli); got != tc.exact {
			t.Errorf("FeeExact(%d) = %q, want %q", tc.milli, got, tc.exact)
		}
	}
}

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{"": "", "-12.5": "-12.5", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "a=b": "a=b"} {
		if got := csvout.Safe(in); got != want {
			t.Errorf("Safe(%q) = %q, want %q", in, got, want)
		}
	}
}
