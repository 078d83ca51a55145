package cli_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/cli"
	"github.com/wxpos/wxpos/paygate/gatetest"
	"github.com/wxpos/wxpos/tz"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

const (
	allHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
	allPay1   = "`2026-11-25 10:00:01,`wx1,`1900000001,`0,`T1,`4200000001,`PS1-T1-00000001,`o1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`12.34,`0.00,`0,`0,`0.00,`0.00,`,`,`咖啡，大杯,`,`0.07000,`0.60%,`12.34,`0.00,`"
	allRef1   = "`2026-11-25 11:00:00,`wx1,`1900000001,`0,`T1,`4200000001,`PS1-T1-00000001,`o1,`MICROPAY,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5030001,`RS1-T1-00000001,`2.00,`0.00,`ORIGINAL,`SUCCESS,`咖啡，大杯,`,`-0.01000,`0.60%,`0.00,`2.00,`"
	allPay2   = "`2026-11-25 12:00:00,`wx1,`1900000001,`0,`T2,`4200000002,`PS1-T2-00000001,`o2,`NATIVE,`SUCCESS,`CFT,`CNY,`1.00,`0.00,`0,`0,`0.00,`0.00,`,`,`茶,`,`0.01000,`0.60%,`1.00,`0.00,`"
	sumHeader = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
	allSum    = "`3,`13.34,`2.00,`0.00,`0.07000,`13.34,`2.00"

	legacyHeader = "交易时间,公众账号ID,商户号,子商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,总金额,代金券或立减优惠金额,微信退款单号,商户退款单号,退款金额,代金券或立减优惠退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率"
	legacyRow    = "`2014-06-03 10:00:00,`wx2421b1c4370ec43b,`10000100,`0,`1000,`1001690740201406030000000001,`1217752501201406033233368018,`oUpF8uN95,`JSAPI,`SUCCESS,`CMC,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`被扫支付测试,`订单额外描述,`0.00000,`0.60%"
	legacySumH   = "总交易单数,总交易额,总退款金额,总代金券或立减优惠退款金额,手续费总金额"
	legacySum    = "`1,`0.01,`0.00,`0.00,`0.00000"

	successHeader = "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注"
	successRow    = "`2026-11-25 10:00:01,`wx1,`1900000001,`0,`T1,`4200000001,`PS1-T1-00000001,`o1,`MICROPAY,`SUCCESS,`OTHERS,`CNY,`12.34,`0.00,`咖啡,`,`0.07000,`0.60%,`12.34,`"
	successSum    = "`1,`12.34,`0.00,`0.00,`0.07000,`12.34,`0.00"
)

// fiveDecimals finds an amount printed with the bill's five decimals.
var fiveDecimals = regexp.MustCompile(`\d\.\d{5}\b`)

// writeConfig writes a config file, creating its directory.
func writeConfig(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func lines(ls ...string) string { return strings.Join(ls, "\n") }

func gz(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

type importJSON struct {
	BillType            string `json:"bill_type"`
	Columns             int    `json:"columns"`
	Rows                int    `json:"rows"`
	SummaryRowsDeclared int    `json:"summary_rows_declared"`
	SettledTotalFen     int64  `json:"settled_total_fen"`
	RefundTotalFen      int64  `json:"refund_total_fen"`
	FeeTotalYuan        string `json:"fee_total_yuan"`
	SummaryMatches      bool   `json:"summary_matches"`
}

func TestBillImport(t *testing.T) {
	all := lines(allHeader, allPay1, allRef1, allPay2, sumHeader, allSum)
	wantAll := importJSON{"ALL", 27, 3, 3, 1334, 200, "0.07000", true}
	tests := []struct {
		name    string
		file    string
		code    int
		want    *importJSON
		errHint string
	}{
		{name: "ALL, current layout", file: all, want: &wantAll},
		{name: "CRLF, BOM and a trailing newline", file: "\ufeff" + strings.ReplaceAll(all, "\n", "\r\n") + "\r\n", want: &wantAll},
		{name: "full-width punctuation and spaces in the headers", file: lines(
			strings.Replace(strings.Replace(allHeader, "应结订单金额", "应结订单金额（元）", 1), "订单金额,", "订单 金额,", 1),
			allPay1, allRef1, allPay2, strings.Replace(sumHeader, "手续费总金额", "手续费总金额（元）", 1), allSum), want: &wantAll},
		{name: "gzip", file: gz(all), want: &wantAll},
		{name: "legacy 24 columns", file: lines(legacyHeader, legacyRow, legacySumH, legacySum),
			want: &importJSON{"ALL", 24, 1, 1, 1, 0, "0.00000", true}},
		{name: "SUCCESS bill", file: lines(successHeader, successRow, sumHeader, successSum),
			want: &importJSON{"SUCCESS", 20, 1, 1, 1234, 0, "0.07000", true}},
		{name: "summary does not match: exit 1, JSON still printed", code: cli.ExitFailure,
			file: lines(allHeader, allPay1, allRef1, allPay2, sumHeader, strings.Replace(allSum, "`3,", "`4,", 1)),
			want: &importJSON{"ALL", 27, 3, 4, 1334, 200, "0.07000", false}},
		{name: "malformed amount: exit 2 with line and column", code: cli.ExitUsage,
			file: lines(allHeader, allPay1, strings.Replace(allRef1, "`2.00,", "`2.0x,", 1), allPay2, sumHeader, allSum), errHint: "line 3, column 17"},
		{name: "missing summary: exit 2 with the line", code: cli.ExitUsage,
			file: lines(allHeader, allPay1), errHint: "line 2"},
		{name: "wrong field count: exit 2", code: cli.ExitUsage,
			file: lines(allHeader, allPay1+",`extra", sumHeader, allSum), errHint: "line 2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "bill.csv")
			if err := os.WriteFile(f, []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errOut := run(t, "bill", "import", f, "--json")
			if code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tc.code, errOut)
			}
			if tc.errHint != "" {
				if !strings.Contains(errOut, tc.errHint) || out != "" {
					t.Fatalf("stderr %q (stdout %q), want it to name %q", errOut, out, tc.errHint)
				}
				return
			}
			if strings.Count(out, "\n") != 1 {
				t.Fatalf("want exactly one JSON line, got %q", out)
			}
			var got importJSON
			dec := json.NewDecoder(strings.NewReader(out))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("%v in %q", err, out)
			}
			if got != *tc.want {
				t.Fatalf("got  %+v\nwant %+v", got, *tc.want)
			}
			// The text form says the same with the same exit status.
			code, out, _ = run(t, "bill", "import", f)
			if code != tc.code || !strings.Contains(out, "rows:") {
				t.Fatalf("text form: exit %d, %q", code, out)
			}
		})
	}
}

// TestBillFetchAndReconcileSandbox fetches a day from an external sandbox
// (a profile file, as `wxpos sandbox --profile` writes) and reconciles it:
// this terminal has no records, so its payment is WeChat-only and the other
// till's is not a difference.
func TestBillFetchAndReconcileSandbox(t *testing.T) {
	day := time.Date(2026, 11, 25, 12, 0, 0, 0, tz.Shanghai)
	env := gatetest.Start(t, func() time.Time { return day }, nil)
	ctx := context.Background()
	for _, p := range []struct{ no, dev string }{{"PS1-T1-00000001", "T1"}, {"PS1-T2-00000001", "T2"}} {
		if _, err := env.Client.Codepay(ctx, wechat.CodepayRequest{OutTradeNo: p.no, Description: "x",
			AuthCode: gatetest.Code(sandbox.ScenarioSuccess), Total: 1234, DeviceIP: "10.0.0.1", DeviceID: p.dev}); err != nil {
			t.Fatal(err)
		}
	}
	env.Sandbox.Advance(23 * time.Hour)
	dir := t.TempDir()
	profile := filepath.Join(dir, "profile.json")
	if err := env.Sandbox.Profile(env.HTTP.URL).WriteFile(profile); err != nil {
		t.Fatal(err)
	}
	xdg := filepath.Join(dir, "xdg")
	setConfigHome(t, xdg)
	writeConfig(t, filepath.Join(xdg, "wxpos", "config.toml"), "[ui]\nlocale = \"en\"\n") // the English labels below
	data := filepath.Join(dir, "data")
	code, out, errOut := run(t, "--data", data, "--sandbox-profile", profile, "bill", "fetch", "--day", "2026-11-25")
	if code != 0 {
		t.Fatalf("fetch: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "bill stored") || !strings.Contains(out, "wechat_only 1") || !strings.Contains(out, "other_terminal 1") {
		t.Fatalf("fetch output:\n%s", out)
	}
	var fetched struct {
		Day   string `json:"day"`
		Bytes int64  `json:"bytes"`
		Recon struct {
			Counts map[string]int `json:"counts"`
		} `json:"reconciliation"`
	}
	code, out, errOut = run(t, "--data", data, "--sandbox-profile", profile, "bill", "fetch", "--day", "2026-11-25", "--json")
	if err := json.Unmarshal([]byte(out), &fetched); code != 0 || err != nil || fetched.Day != "2026-11-25" ||
		fetched.Bytes == 0 || fetched.Recon.Counts["wechat_only"] != 1 {
		t.Fatalf("bill fetch --json: exit %d, %v, %s:\n%s", code, err, errOut, out)
	}
	code, out, errOut = run(t, "--data", data, "reconcile", "--day", "20261125", "--no-fetch")
	if code != 0 {
		t.Fatalf("reconcile: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "[open] wechat_only order PS1-T1-00000001") || strings.Contains(out, "PS1-T2-00000001") {
		t.Fatalf("reconcile output:\n%s", out)
	}
	// The fetch checked the basic account's fund flow too: both payments
	// credited 12.34 less 0.07.
	if !strings.Contains(out, "fund flow 2026-11-25 (basic account, the whole merchant): BALANCED") ||
		!strings.Contains(out, "trade bill ¥24.54 net of fees ¥0.14; basic account ¥24.54 net of fees ¥0.14") {
		t.Fatalf("reconcile output lacks the fund-flow check:\n%s", out)
	}
	// The bill's fee of each 12.34 is 0.07000 yuan: text shows yuan to the fen.
	if !strings.Contains(out, "fees: this terminal ¥0.07, other terminals ¥0.07") || fiveDecimals.MatchString(out) {
		t.Errorf("reconcile text: want fees in yuan with two decimals:\n%s", out)
	}
	var js struct {
		At   string `json:"at"`
		Fees struct {
			TerminalMilliFen int64 `json:"terminal_milli_fen"`
		} `json:"fees"`
		Differences []struct {
			ID string `json:"id"`
		} `json:"differences"`
		FundFlow *struct {
			FlowNetMilliFen int64 `json:"flow_net_millifen"`
		} `json:"fund_flow"`
	}
	code, jsOut, _ := run(t, "--data", data, "reconcile", "--day", "20261125", "--no-fetch", "--json")
	if err := json.Unmarshal([]byte(jsOut), &js); code != 0 || err != nil || len(js.Differences) != 1 || js.FundFlow == nil || js.FundFlow.FlowNetMilliFen != 2454000 {
		t.Fatalf("reconcile --json: exit %d, %v:\n%s", code, err, jsOut)
	}
	if js.Fees.TerminalMilliFen != 7000 || !strings.HasSuffix(js.At, "+08:00") {
		t.Errorf("reconcile --json: want the bill's exact fee (7000 thousandths of a fen) and at in +08:00: %+v", js)
	}
	// Under ui.locale zh-CN (the default) the same in Chinese.
	zh := filepath.Join(dir, "zh.toml")
	writeConfig(t, zh, "[ui]\nlocale = \"zh-CN\"\n")
	code, zhOut, _ := run(t, "--config", zh, "--data", data, "reconcile", "--day", "20261125", "--no-fetch")
	code, fetchOut, _ := run(t, "--config", zh, "--data", data, "--sandbox-profile", profile, "bill", "fetch", "--day", "2026-11-25")
	if code != 0 || !strings.Contains(fetchOut, "2026-11-25：账单已保存") || !strings.Contains(fetchOut, "对账 2026-11-25") {
		t.Errorf("bill fetch under zh-CN: exit %d:\n%s", code, fetchOut)
	}
	for _, want := range []string{"对账 2026-11-25", "微信有、本机无", "手续费：本机 ¥0.07", "退款或补录销售"} {
		if code != 0 || !strings.Contains(zhOut, want) {
			t.Errorf("reconcile under zh-CN: exit %d, lacks %q:\n%s", code, want, zhOut)
		}
	}
	id := "wechat_only/order/PS1-T1-00000001"
	if !strings.Contains(out, "id "+id) {
		t.Fatalf("reconcile output lacks the difference id:\n%s", out)
	}
	code, out, errOut = run(t, "--data", data, "--sandbox-profile", profile, "reconcile", "--day", "2026-11-25",
		"--resolve", id, "--action", "query", "--as", "boss")
	if code != 0 || !strings.Contains(out, "WeChat: SUCCESS 1234 fen") || !strings.Contains(out, "[open] wechat_only") {
		t.Fatalf("query: exit %d, %s\n%s", code, errOut, out)
	}
	code, _, errOut = run(t, "--data", data, "reconcile", "--day", "2026-11-25", "--resolve", id, "--action", "record_sale")
	if code != cli.ExitUsage || !strings.Contains(errOut, "--note") {
		t.Fatalf("record_sale without a note: exit %d, %q", code, errOut)
	}
	code, out, errOut = run(t, "--data", data, "reconcile", "--day", "2026-11-25", "--resolve", id, "--action", "record_sale",
		"--note", "sold at till 1, record lost", "--as", "boss")
	if code != 0 || !strings.Contains(out, "BALANCED") || !strings.Contains(out, "record_sale by boss") {
		t.Fatalf("record sale: exit %d, %s\n%s", code, errOut, out)
	}
	// The recorded sale now matches the bill on a fresh run.
	code, out, _ = run(t, "--data", data, "reconcile", "--day", "2026-11-25", "--no-fetch")
	if code != 0 || !strings.Contains(out, "matched 1") || !strings.Contains(out, "differences: none") {
		t.Fatalf("after recording: exit %d\n%s", code, out)
	}
	code, _, errOut = run(t, "--data", data, "reconcile", "--day", "2026-11-24", "--no-fetch")
	if code != cli.ExitFailure || !strings.Contains(errOut, "bill fetch") {
		t.Fatalf("reconcile of a day without a bill: exit %d, %q", code, errOut)
	}
}
