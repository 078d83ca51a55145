package sandbox_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// billDay fills one business day: two micropays, one Native, one refund,
// one declined and one unpaid order (neither in the bill).
func billDay(t *testing.T, e *env) {
	t.Helper()
	p1 := newNo("B")
	e.v2("/pay/micropay", micropayParams(p1, sandbox.NewCode(sandbox.ScenarioSuccess), 1234))
	e.sb.Advance(time.Minute)
	p2 := newNo("B")
	e.v3("POST", "/v3/pay/transactions/codepay", codepayBody(e, p2, sandbox.NewCode(sandbox.ScenarioSuccess), 50))
	n := newNo("B")
	r := e.v2("/pay/unifiedorder", nativeParams(n, 2000))
	e.sb.Advance(time.Minute)
	if err := e.sb.PayNative(r["code_url"]); err != nil {
		t.Fatal(err)
	}
	e.v2("/pay/micropay", micropayParams(newNo("B"), sandbox.NewCode(sandbox.ScenarioNotEnough), 700))
	e.v2("/pay/unifiedorder", nativeParams(newNo("B"), 300))
	e.sb.Advance(time.Minute)
	if rf := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": p1, "out_refund_no": "BR1", "total_fee": "1234", "refund_fee": "234"}); rf["result_code"] != "SUCCESS" {
		t.Fatal(rf)
	}
}

// parseBill splits a bill into header, rows (backquotes removed) and the
// summary, checking the layout on the way.
func parseBill(t *testing.T, data []byte, cols int) (rows [][]string, summary []string) {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	if len(lines) < 4 {
		t.Fatalf("bill too short: %q", data)
	}
	if got := len(strings.Split(lines[0], ",")); got != cols || strings.Contains(lines[0], "`") {
		t.Fatalf("header has %d columns: %s", got, lines[0])
	}
	if lines[len(lines)-2] != "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额" {
		t.Fatalf("summary header: %q", lines[len(lines)-2])
	}
	split := func(l string) []string {
		f := strings.Split(l, ",")
		for i := range f {
			if !strings.HasPrefix(f[i], "`") {
				t.Fatalf("field %d not backquoted: %q", i, l)
			}
			f[i] = f[i][1:]
		}
		return f
	}
	for _, l := range lines[1 : len(lines)-2] {
		f := split(l)
		if len(f) != cols {
			t.Fatalf("row has %d fields: %s", len(f), l)
		}
		rows = append(rows, f)
	}
	return rows, split(lines[len(lines)-1])
}

// fenOf parses a yuan amount exactly.
func fenOf(t *testing.T, s string) int64 {
	t.Helper()
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, ok := strings.Cut(s, ".")
	if !ok || len(frac) < 2 || strings.Trim(frac[2:], "0") != "" {
		t.Fatalf("bad amount %q", s)
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac[:2], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("bad amount %q", s)
	}
	if neg {
		return -(w*100 + f)
	}
	return w*100 + f
}

func TestBillLayoutAndSummary(t *testing.T) {
	tests := []struct {
		billType string
		cols     int
		rows     int
		// column indexes (0-based) summed into the summary columns
		settle, refund, fee, order, refReq int
		want                               [7]string
	}{
		{"ALL", 27, 4, 12, 16, 22, 24, 25, [7]string{"4", "32.84", "2.34", "0.00", "0.18000", "32.84", "2.34"}},
		{"SUCCESS", 20, 3, 12, -1, 16, 18, -1, [7]string{"3", "32.84", "0.00", "0.00", "0.19000", "32.84", "0.00"}},
		{"REFUND", 29, 1, 12, 18, 24, 26, 27, [7]string{"1", "0.00", "2.34", "0.00", "-0.01000", "0.00", "2.34"}},
	}
	e := newEnv(t, nil)
	billDay(t, e)
	e.sb.Advance(23 * time.Hour) // 10:03 next day
	for _, tc := range tests {
		t.Run(tc.billType, func(t *testing.T) {
			body := e.downloadBillV2(t, "20260310", tc.billType, "")
			rows, sum := parseBill(t, body, tc.cols)
			if len(rows) != tc.rows {
				t.Fatalf("%d rows", len(rows))
			}
			for i, w := range tc.want {
				if sum[i] != w {
					t.Fatalf("summary[%d] = %q, want %q (%v)", i, sum[i], w, sum)
				}
			}
			total := func(col int) int64 {
				var s int64
				if col < 0 {
					return 0
				}
				for _, r := range rows {
					s += fenOf(t, r[col])
				}
				return s
			}
			if total(tc.settle) != fenOf(t, sum[1]) || total(tc.refund) != fenOf(t, sum[2]) || total(tc.fee) != fenOf(t, sum[4]) ||
				total(tc.order) != fenOf(t, sum[5]) || total(tc.refReq) != fenOf(t, sum[6]) {
				t.Fatalf("summary does not match rows: %v", sum)
			}
			for _, r := range rows {
				if r[1] != e.creds.AppID || r[2] != e.creds.MchID || r[3] != "0" || r[11] != "CNY" || len(r[5]) != 28 {
					t.Fatalf("ids: %v", r)
				}
				if _, err := time.Parse(time.DateTime, r[0]); err != nil || !strings.HasPrefix(r[0], "2026-03-10 ") {
					t.Fatalf("time %q", r[0])
				}
			}
		})
	}
	t.Run("gzip_same_bytes", func(t *testing.T) {
		plain := e.downloadBillV2(t, "20260310", "ALL", "")
		gz := e.downloadBillV2(t, "20260310", "ALL", "GZIP")
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		un, _ := io.ReadAll(zr)
		if !bytes.Equal(un, plain) {
			t.Fatal("gzip bill differs")
		}
	})
	t.Run("v3_tradebill_hash_and_download", func(t *testing.T) {
		plain := e.downloadBillV2(t, "20260310", "ALL", "")
		for _, tar := range []string{"", "GZIP"} {
			q := "/v3/bill/tradebill?bill_date=2026-03-10&bill_type=ALL"
			if tar != "" {
				q += "&tar_type=" + tar
			}
			r := e.v3("GET", q, nil)
			var out struct {
				HashType, HashValue, DownloadURL string
			}
			out.HashType, out.HashValue, out.DownloadURL = jsonField(t, r.body, "hash_type"), jsonField(t, r.body, "hash_value"), jsonField(t, r.body, "download_url")
			sum := sha1.Sum(plain)
			if r.status != 200 || out.HashType != "SHA1" || out.HashValue != hex.EncodeToString(sum[:]) {
				t.Fatalf("%d %s", r.status, r.body)
			}
			u, err := url.Parse(out.DownloadURL)
			if err != nil || u.Scheme+"://"+u.Host != e.srv.URL || u.Path != "/v3/billdownload/file" || u.Query().Get("token") == "" {
				t.Fatalf("download_url %q", out.DownloadURL)
			}
			f := e.v3("GET", u.RequestURI(), nil)
			// The file is neither signed nor given a Request-ID (issue #19);
			// the API answer naming it has one.
			if f.status != 200 || f.header.Get("Wechatpay-Signature") != "" || f.header.Get("Request-Id") != "" || r.header.Get("Request-Id") == "" {
				t.Fatalf("file: %d %v", f.status, f.header)
			}
			data := f.body
			if tar == "GZIP" {
				zr, err := gzip.NewReader(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				data, _ = io.ReadAll(zr)
			}
			if !bytes.Equal(data, plain) {
				t.Fatal("v3 bill differs from v2 bill")
			}
		}
	})
	t.Run("download_url_expires", func(t *testing.T) {
		r := e.v3("GET", "/v3/bill/tradebill?bill_date=2026-03-10", nil)
		u, _ := url.Parse(jsonField(t, r.body, "download_url"))
		e.sb.Advance(5 * time.Minute)
		f := e.v3("GET", u.RequestURI(), nil)
		if f.status != 400 || f.code(t) != "INVALID_REQUEST" {
			t.Fatalf("%d %s", f.status, f.body)
		}
	})
}

func TestBillAvailability(t *testing.T) {
	tests := []struct {
		name    string
		advance time.Duration
		date    string
		v2Code  string
		v3Code  string
	}{
		{"same_day", time.Hour, "20260310", "20001", "INVALID_REQUEST"},
		{"next_day_before_10", 22*time.Hour + 59*time.Minute, "20260310", "20001", "STATEMENT_CREATING"},
		{"next_day_10_00", 23 * time.Hour, "20260310", "", ""},
		{"day_without_trades", 48 * time.Hour, "20260311", "20002", "NO_STATEMENT_EXIST"},
		{"future", 0, "20260320", "20001", "INVALID_REQUEST"},
		{"older_than_3_months", 100 * 24 * time.Hour, "20260310", "20001", "INVALID_REQUEST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.v2("/pay/micropay", micropayParams(newNo("B"), sandbox.NewCode(sandbox.ScenarioSuccess), 100))
			e.sb.Advance(tc.advance)
			r := e.v2Bill(t, tc.date, "ALL", "")
			if tc.v2Code == "" {
				if r["return_code"] != "" {
					t.Fatalf("want bill, got %v", r)
				}
			} else if r["return_code"] != "FAIL" || r["error_code"] != tc.v2Code || r["return_msg"] == "" {
				t.Fatalf("v2: %v", r)
			}
			d := tc.date[:4] + "-" + tc.date[4:6] + "-" + tc.date[6:]
			v3 := e.v3("GET", "/v3/bill/tradebill?bill_date="+d, nil)
			if tc.v3Code == "" {
				if v3.status != 200 {
					t.Fatalf("v3: %d %s", v3.status, v3.body)
				}
			} else if v3.status != 400 || v3.code(t) != tc.v3Code {
				t.Fatalf("v3: %d %s", v3.status, v3.body)
			}
		})
	}
	t.Run("no_bill_exist_text", func(t *testing.T) {
		e := newEnv(t, nil)
		e.sb.Advance(48 * time.Hour)
		r := e.v2Bill(t, "20260310", "ALL", "")
		if r["return_msg"] != "No Bill Exist" || r["error_code"] != "20002" {
			t.Fatal(r)
		}
	})
	t.Run("bad_bill_type", func(t *testing.T) {
		e := newEnv(t, nil)
		e.sb.Advance(48 * time.Hour)
		if r := e.v2Bill(t, "20260310", "FOO", ""); r["error_code"] != "20102" {
			t.Fatal(r)
		}
	})
}

// v2Bill calls downloadbill; a bill answer returns an empty map.
func (e *env) v2Bill(t *testing.T, date, billType, tar string) map[string]string {
	t.Helper()
	body := e.downloadBillV2(t, date, billType, tar)
	if bytes.HasPrefix(body, []byte("<xml>")) {
		return e.decodeXML(t, body)
	}
	return map[string]string{}
}
