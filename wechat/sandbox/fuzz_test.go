package sandbox_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// FuzzV2Body: any body on a v2 endpoint gets a 200 XML answer; an unsigned
// one is a FAIL without a signature, and the sandbox never panics.
func FuzzV2Body(f *testing.F) {
	c := testCredentials(f)
	sb, err := sandbox.New(sandbox.Options{Credentials: c})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte("<xml><appid>wx</appid></xml>"))
	f.Add([]byte("<xml><a><![CDATA[x]]></a></xml>"))
	f.Add([]byte("not xml"))
	f.Add(signedV2(c, micropayParams("FZ1", "130001000000000001", 1)))
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, path := range []string{"/pay/micropay", "/secapi/pay/refund", "/pay/downloadbill"} {
			w := httptest.NewRecorder()
			sb.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body)))
			if w.Code != 200 {
				t.Fatalf("%s: HTTP %d", path, w.Code)
			}
			if path == "/pay/downloadbill" && !bytes.HasPrefix(w.Body.Bytes(), []byte("<xml>")) {
				continue // a bill (only for a correctly signed request)
			}
			m, err := wechat.DecodeXML(bytes.NewReader(w.Body.Bytes()))
			if err != nil {
				t.Fatalf("%s: answer is not v2 XML: %v", path, err)
			}
			switch m["return_code"] {
			case "FAIL":
				if _, ok := m["sign"]; ok {
					t.Fatal("signed FAIL answer")
				}
			case "SUCCESS":
				if !wechat.VerifyV2(m, c.APIKey) && !wechat.VerifyV2Type(m, c.APIKey, wechat.SignHMACSHA256) {
					t.Fatal("unsigned SUCCESS answer")
				}
			default:
				t.Fatalf("return_code %q", m["return_code"])
			}
		}
	})
}
