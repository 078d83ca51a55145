package sandbox_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// A v2 micropay against an in-process sandbox, then the sandbox clock moves
// on and the ledger shows the order.
func Example() {
	sb, err := sandbox.New(sandbox.Options{
		Now: func() time.Time { return time.Date(2026, 3, 10, 11, 0, 0, 0, time.FixedZone("CST", 8*3600)) },
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := httptest.NewServer(sb)
	defer srv.Close()
	p := sb.Profile(srv.URL)

	req := map[string]string{
		"appid": p.AppID, "mch_id": p.MchID, "nonce_str": wechat.NonceString(),
		"out_trade_no": "EX0001", "auth_code": p.ScenarioCodes["userpaying_success"],
		"total_fee": "1250", "body": "门店-咖啡", "spbill_create_ip": "10.0.0.8",
	}
	req["sign"] = wechat.SignV2(req, p.V2.APIKey, wechat.SignMD5)
	resp, err := http.Post(p.BaseURL+"/pay/micropay", "text/xml", bytes.NewReader(wechat.EncodeXML(req)))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	ans, err := wechat.DecodeXML(resp.Body)
	if err != nil || !wechat.VerifyV2(ans, p.V2.APIKey) {
		fmt.Println("bad answer", err)
		return
	}
	fmt.Println(ans["result_code"], ans["err_code"])

	sb.Advance(10 * time.Second) // the customer types the password
	o := sb.Ledger().Orders[0]
	fmt.Println(o.OutTradeNo, o.TradeState, o.AmountFen, o.SuccessTime)
	// Output:
	// FAIL USERPAYING
	// EX0001 SUCCESS 1250 2026-03-10T11:00:05+08:00
}
