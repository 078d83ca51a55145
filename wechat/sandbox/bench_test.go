package sandbox_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

func signedV2(c *sandbox.Credentials, p map[string]string) []byte {
	q := map[string]string{"appid": c.AppID, "mch_id": c.MchID, "nonce_str": "bench"}
	for k, v := range p {
		q[k] = v
	}
	q["sign"] = wechat.SignV2(q, c.APIKey, wechat.SignMD5)
	return wechat.EncodeXML(q)
}

// BenchmarkV2Micropay measures one in-process v2 micropay (parse, verify,
// ledger, sign, encode).
func BenchmarkV2Micropay(b *testing.B) {
	c := testCredentials(b)
	sb, err := sandbox.New(sandbox.Options{Credentials: c})
	if err != nil {
		b.Fatal(err)
	}
	bodies := make([][]byte, b.N)
	for i := range bodies {
		bodies[i] = signedV2(c, micropayParams("BM"+strconv.Itoa(i), sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/pay/micropay", bytes.NewReader(bodies[i])))
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkV3Query measures one in-process v3 query: Authorization check
// (RSA verify) and response signature (RSA sign) dominate.
func BenchmarkV3Query(b *testing.B) {
	e := newEnv(b, nil)
	path := "/v3/pay/transactions/out-trade-no/BQ1000?mchid=" + e.creds.MchID
	auth := e.authorization("GET", path, nil, time.Now())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Header.Set("Authorization", auth)
		w := httptest.NewRecorder()
		e.sb.ServeHTTP(w, r)
		if w.Code != 404 {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkBill2000 renders an ALL bill of 2000 payments and 200 refunds.
func BenchmarkBill2000(b *testing.B) {
	e := newEnv(b, func(o *sandbox.Options) { o.RefundDelay = -1 })
	for i := range 2000 {
		w := httptest.NewRecorder()
		no := fmt.Sprintf("BB%06d", i)
		e.sb.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/pay/micropay", bytes.NewReader(signedV2(e.creds, micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), int64(100+i))))))
		if i%10 == 0 {
			w = httptest.NewRecorder()
			e.sb.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/secapi/pay/refund", bytes.NewReader(signedV2(e.creds, map[string]string{"out_trade_no": no, "out_refund_no": "R" + no, "total_fee": strconv.Itoa(100 + i), "refund_fee": "50"}))))
		}
	}
	e.sb.Advance(24 * time.Hour)
	body := signedV2(e.creds, map[string]string{"bill_date": "20260310", "bill_type": "ALL"})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w := httptest.NewRecorder()
		e.sb.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/pay/downloadbill", bytes.NewReader(body)))
		if w.Code != 200 || bytes.HasPrefix(w.Body.Bytes(), []byte("<xml>")) {
			b.Fatal(w.Body.String())
		}
		b.SetBytes(int64(w.Body.Len()))
	}
}
