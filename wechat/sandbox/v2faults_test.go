package sandbox_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// TestV2FaultsAnswerLikeV2: an injected status on a v2 path is answered
// as the v2 service reports that failure — HTTP 200 XML, signed with the
// request's sign type — and touches nothing; only a proxy's statuses stay
// HTML.
func TestV2FaultsAnswerLikeV2(t *testing.T) {
	cases := []struct {
		name, path string
		status     int
		params     func(no string) map[string]string
		want       map[string]string
	}{
		{"500 micropay", "/pay/micropay", 500,
			func(no string) map[string]string {
				return micropayParams(no, sandbox.NewCode(sandbox.ScenarioSuccess), 100)
			},
			map[string]string{"return_code": "SUCCESS", "result_code": "FAIL", "err_code": "SYSTEMERROR"}},
		{"503 orderquery HMAC", "/pay/orderquery", 503,
			func(no string) map[string]string {
				return map[string]string{"out_trade_no": no, "sign_type": "HMAC-SHA256"}
			},
			map[string]string{"return_code": "SUCCESS", "result_code": "FAIL", "err_code": "SYSTEMERROR"}},
		{"429 refund", "/secapi/pay/refund", 429,
			func(no string) map[string]string {
				return map[string]string{"out_trade_no": no, "out_refund_no": "R" + no, "total_fee": "100", "refund_fee": "100"}
			},
			map[string]string{"return_code": "SUCCESS", "result_code": "FAIL", "err_code": "FREQUENCY_LIMITED"}},
		{"500 downloadbill", "/pay/downloadbill", 500,
			func(string) map[string]string {
				return map[string]string{"bill_date": "20260309", "bill_type": "ALL"}
			},
			map[string]string{"return_code": "FAIL", "error_code": "SYSTEMERROR"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			if err := e.sb.AddFault(sandbox.Fault{Path: c.path, Status: c.status}); err != nil {
				t.Fatal(err)
			}
			no := newNo("VF")
			got := e.v2(c.path, c.params(no)) // HTTP 200, XML, signature checked
			for k, v := range c.want {
				if got[k] != v {
					t.Fatalf("%s = %q, want %q (%v)", k, got[k], v, got)
				}
			}
			if c.want["return_code"] == "SUCCESS" && got["err_code_des"] == "" {
				t.Fatalf("no err_code_des: %v", got)
			}
			if n := len(e.sb.Ledger().Orders); n != 0 {
				t.Fatalf("a fault committed %d orders", n)
			}
		})
	}
	t.Run("not the merchant's request: unsigned FAIL", func(t *testing.T) {
		e := newEnv(t, nil)
		if err := e.sb.AddFault(sandbox.Fault{Path: "/pay/orderquery", Status: 500}); err != nil {
			t.Fatal(err)
		}
		got := e.v2Raw("/pay/orderquery", []byte("<xml><mch_id>1</mch_id></xml>"), wechat.SignMD5)
		if got["return_code"] != "FAIL" || got["return_msg"] == "" {
			t.Fatal(got)
		}
	})
	for _, status := range []int{502, 504} {
		t.Run(http.StatusText(status)+" is a proxy's HTML", func(t *testing.T) {
			e := newEnv(t, nil)
			if err := e.sb.AddFault(sandbox.Fault{Path: "/pay/orderquery", Status: status}); err != nil {
				t.Fatal(err)
			}
			resp, err := e.srv.Client().Post(e.srv.URL+"/pay/orderquery", "text/xml", strings.NewReader("<xml/>"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != status || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") || !strings.HasPrefix(string(body), "<html>") {
				t.Fatalf("%d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
			}
		})
	}
}
