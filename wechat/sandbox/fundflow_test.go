package sandbox_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

const fundFlowHeader = "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号"

// downloadFundFlowV2 asks v2 /pay/downloadfundflow with the given sign type.
func (e *env) downloadFundFlowV2(t *testing.T, date, account string, st wechat.SignType) []byte {
	t.Helper()
	q := map[string]string{"appid": e.creds.AppID, "mch_id": e.creds.MchID, "nonce_str": wechat.NonceString(), "bill_date": date, "account_type": account}
	if st != wechat.SignMD5 {
		q["sign_type"] = string(st)
	}
	q["sign"] = wechat.SignV2(q, e.creds.APIKey, st)
	resp, err := e.srv.Client().Post(e.srv.URL+"/pay/downloadfundflow", "text/xml", bytes.NewReader(wechat.EncodeXML(q)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b
}

// TestFundFlowBill: the basic account's fund-flow bill of a day lists each
// payment credited net of its fee and each refund debited net of the fee
// returned, with the running balance and a summary that adds up; v3
// (apply, download_url, SHA1) and v2 (HMAC-SHA256 only) serve the same
// text; the other accounts have no flows.
func TestFundFlowBill(t *testing.T) {
	e := newEnv(t, nil)
	billDay(t, e) // 12.34, 0.50, 20.00 paid; 2.34 refunded of the first
	e.sb.Advance(23 * time.Hour)
	plain := e.downloadFundFlowV2(t, "20260310", "Basic", wechat.SignHMACSHA256)
	lines := strings.Split(string(plain), "\n")
	if len(lines) != 7 || lines[0] != fundFlowHeader || lines[5] != "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额" {
		t.Fatalf("layout:\n%s", plain)
	}
	want := []struct{ kind, dir, amount, balance, remark string }{
		{"交易", "收入", "12.27", "12.27", "结算总金额 12.34 元;含手续费 0.07 元"},
		{"交易", "收入", "0.50", "12.77", "结算总金额 0.50 元;含手续费 0.00 元"},
		{"交易", "收入", "19.88", "32.65", "结算总金额 20.00 元;含手续费 0.12 元"},
		{"退款", "支出", "2.33", "30.32", "退款总金额2.34元;含手续费0.01元"},
	}
	for i, w := range want {
		f := strings.Split(lines[i+1], ",")
		for j := range f {
			if !strings.HasPrefix(f[j], "`") {
				t.Fatalf("line %d field %d not backquoted: %s", i+2, j, lines[i+1])
			}
			f[j] = f[j][1:]
		}
		if len(f) != 11 || f[3] != w.kind || f[4] != w.kind || f[5] != w.dir || f[6] != w.amount || f[7] != w.balance || f[8] != "system" || f[9] != w.remark || f[1] != f[2] || f[1] == "" || f[10] == "" {
			t.Fatalf("line %d = %q, want %+v", i+2, f, w)
		}
	}
	if lines[6] != "`4,`3,`32.65,`1,`2.33" {
		t.Fatalf("summary %q", lines[6])
	}

	t.Run("v3 apply and download", func(t *testing.T) {
		r := e.v3("GET", "/v3/bill/fundflowbill?bill_date=2026-03-10&account_type=BASIC", nil)
		sum := sha1.Sum(plain)
		if r.status != 200 || jsonField(t, r.body, "hash_value") != hex.EncodeToString(sum[:]) {
			t.Fatalf("%d %s", r.status, r.body)
		}
		u, _ := url.Parse(jsonField(t, r.body, "download_url"))
		if f := e.v3("GET", u.RequestURI(), nil); f.status != 200 || !bytes.Equal(f.body, plain) {
			t.Fatalf("file %d differs from the v2 bill", f.status)
		}
		if def := e.v3("GET", "/v3/bill/fundflowbill?bill_date=2026-03-10", nil); def.status != 200 {
			t.Fatalf("account_type defaults to BASIC: %d %s", def.status, def.body)
		}
	})
	t.Run("refusals", func(t *testing.T) {
		for _, c := range []struct{ q, code string }{
			{"bill_date=2026-03-10&account_type=OPERATION", "NO_STATEMENT_EXIST"},
			{"bill_date=2026-03-10&account_type=FEES", "NO_STATEMENT_EXIST"},
			{"bill_date=2026-03-10&account_type=Basic", "PARAM_ERROR"},
			{"bill_date=2026-03-10&account_type=SAVINGS", "PARAM_ERROR"},
			{"bill_date=2026-03-09", "NO_STATEMENT_EXIST"},
			{"bill_date=2026-03-11", "INVALID_REQUEST"},
		} {
			if r := e.v3("GET", "/v3/bill/fundflowbill?"+c.q, nil); r.status != 400 || r.code(t) != c.code {
				t.Errorf("%s: %d %s, want %s", c.q, r.status, r.body, c.code)
			}
		}
		if m := e.decodeXML(t, e.downloadFundFlowV2(t, "20260310", "Basic", wechat.SignMD5)); m["return_code"] != "FAIL" || !strings.Contains(m["return_msg"], "HMAC-SHA256") {
			t.Errorf("MD5-signed v2 request: %v", m)
		}
		if m := e.decodeXML(t, e.downloadFundFlowV2(t, "20260310", "Operation", wechat.SignHMACSHA256)); m["return_code"] != "FAIL" || m["error_code"] != "20002" {
			t.Errorf("v2 Operation account: %v", m)
		}
	})
}

// subFundFlowFile is one entry of a sub-merchant fund-flow bill's answer.
type subFundFlowFile struct {
	Sequence    int    `json:"bill_sequence"`
	DownloadURL string `json:"download_url"`
	EncryptKey  string `json:"encrypt_key"`
	HashType    string `json:"hash_type"`
	HashValue   string `json:"hash_value"`
	Nonce       string `json:"nonce"`
}

// TestSubMerchantFundFlowBill: the service provider asks for its
// sub-merchant's fund flow (GET /v3/bill/sub-merchant-fundflowbill): one
// encrypted file whose key decrypts with the provider's merchant key, the
// bill inside the sub-merchant's flows only (the direct merchant's payment
// is not there), its SHA1 the announced one, gzipped inside with
// tar_type=GZIP; the provider's own account (/v3/bill/fundflowbill, v2
// downloadfundflow) has no statement; the refusals.
func TestSubMerchantFundFlowBill(t *testing.T) {
	d := newEnv(t, nil)
	p := d.asPartner()
	pp := d.prof.Partner
	d.directCodepay(newNo("DF"), 111)
	sub := newNo("SF")
	if r := p.spCodepay(sub, pp.SubMchID, 1234); r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	d.sb.Advance(24 * time.Hour)
	day := start.Format(time.DateOnly)
	priv, err := wechat.ParsePrivateKeyPEM([]byte(pp.MerchantPrivateKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	base := "/v3/bill/sub-merchant-fundflowbill?sub_mchid=" + pp.SubMchID + "&bill_date=" + day + "&account_type=BASIC&algorithm=AEAD_AES_256_GCM"
	for _, tar := range []string{"", "&tar_type=GZIP"} {
		a := p.v3("GET", base+tar, nil)
		var ans struct {
			Count int               `json:"download_bill_count"`
			List  []subFundFlowFile `json:"download_bill_list"`
		}
		a.decode(t, &ans)
		if a.status != 200 || ans.Count != 1 || len(ans.List) != 1 || ans.List[0].Sequence != 1 || ans.List[0].HashType != "SHA1" || len(ans.List[0].Nonce) != 16 {
			t.Fatalf("apply%s: %d %s", tar, a.status, a.body)
		}
		f := ans.List[0]
		u, _ := url.Parse(f.DownloadURL)
		file := p.v3("GET", u.RequestURI(), nil)
		if file.status != 200 || bytes.Contains(file.body, []byte(sub)) {
			t.Fatalf("download%s: %d, plain text in the file: %v", tar, file.status, bytes.Contains(file.body, []byte(sub)))
		}
		plain, err := wechat.DecryptBillFile(priv, f.EncryptKey, f.Nonce, file.body)
		if err != nil {
			t.Fatalf("decrypt%s: %v", tar, err)
		}
		if tar != "" {
			zr, err := gzip.NewReader(bytes.NewReader(plain))
			if err != nil {
				t.Fatalf("GZIP bill is not gzip: %v", err)
			}
			if plain, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		sum := sha1.Sum(plain)
		text := string(plain)
		if hex.EncodeToString(sum[:]) != f.HashValue || !strings.HasPrefix(text, fundFlowHeader) || !strings.Contains(text, "`"+sub) ||
			!strings.Contains(text, "`12.27,`12.27,") || strings.Contains(text, "`1.11") || strings.Count(text, "\n") != 3 {
			t.Fatalf("bill%s (hash %v):\n%s", tar, hex.EncodeToString(sum[:]) == f.HashValue, text)
		}
	}
	if a := p.v3("GET", "/v3/bill/fundflowbill?bill_date="+day, nil); a.code(t) != "NO_STATEMENT_EXIST" {
		t.Fatalf("the provider's own account: %d %s", a.status, a.body)
	}
	q := map[string]string{"appid": pp.SpAppID, "mch_id": pp.SpMchID, "sub_mch_id": pp.SubMchID, "nonce_str": wechat.NonceString(),
		"bill_date": strings.ReplaceAll(day, "-", ""), "account_type": "Basic", "sign_type": "HMAC-SHA256"}
	q["sign"] = wechat.SignV2(q, pp.APIKey, wechat.SignHMACSHA256)
	if r := d.v2Raw("/pay/downloadfundflow", wechat.EncodeXML(q), wechat.SignHMACSHA256); r["return_code"] != "FAIL" || r["error_code"] != "20002" {
		t.Fatalf("v2 downloadfundflow of the provider: %v", r)
	}
	for name, c := range map[string]struct {
		e     *env
		query string
		code  string
	}{
		"direct merchant":       {d, base, "PARAM_ERROR"},
		"no sub_mchid":          {p, strings.Replace(base, "sub_mchid="+pp.SubMchID+"&", "", 1), "PARAM_ERROR"},
		"no algorithm":          {p, strings.TrimSuffix(base, "&algorithm=AEAD_AES_256_GCM"), "PARAM_ERROR"},
		"SM4_GCM":               {p, strings.Replace(base, "AEAD_AES_256_GCM", "SM4_GCM", 1), "PARAM_ERROR"},
		"unserved sub-merchant": {p, strings.Replace(base, pp.SubMchID, "1799999999", 1), "INVALID_REQUEST"},
		"operation account":     {p, strings.Replace(base, "BASIC", "OPERATION", 1), "NO_STATEMENT_EXIST"},
		"deposit account":       {p, strings.Replace(base, "BASIC", "DEPOSIT", 1), "NO_STATEMENT_EXIST"},
		"unknown account":       {p, strings.Replace(base, "BASIC", "SAVINGS", 1), "PARAM_ERROR"},
	} {
		if a := c.e.v3("GET", c.query, nil); a.code(t) != c.code {
			t.Errorf("%s: %d %s", name, a.status, a.body)
		}
	}
}
