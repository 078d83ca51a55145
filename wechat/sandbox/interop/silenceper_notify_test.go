package interop_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/pay"
	"github.com/silenceper/wechat/v2/pay/notify"
	"github.com/silenceper/wechat/v2/pay/order"
	"github.com/silenceper/wechat/v2/pay/refund"
	sdkutil "github.com/silenceper/wechat/v2/util"
)

// TestSilenceperNotifications lets the SDK's own notification code check
// what the sandbox sends: PaidVerifySign on the payment notification (the
// SDK's only signature verification) and DecryptReqInfo on the refund one.
func TestSilenceperNotifications(t *testing.T) {
	var mu sync.Mutex
	got := map[string][]byte{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got[r.URL.Path] = b
		mu.Unlock()
		out, _ := xml.Marshal(struct {
			XMLName    xml.Name `xml:"xml"`
			ReturnCode string   `xml:"return_code"`
			ReturnMsg  string   `xml:"return_msg"`
		}{ReturnCode: "SUCCESS", ReturnMsg: "OK"})
		_, _ = w.Write(out)
	}))
	defer recv.Close()

	for _, st := range []string{sdkutil.SignTypeMD5, sdkutil.SignTypeHMACSHA256} {
		t.Run(st, func(t *testing.T) {
			cfg := sdkConfig()
			cfg.NotifyURL = recv.URL + "/pay/" + st
			sdk := pay.NewPay(cfg)
			no := fmt.Sprintf("SDKN%d", time.Now().UnixNano())
			pre, err := sdk.GetOrder().PrePayOrder(&order.Params{TotalFee: "321", CreateIP: "10.0.0.8", Body: "门店-扫码", OutTradeNo: no, TradeType: "NATIVE", SignType: st, Attach: "t=1"})
			if err != nil {
				t.Fatal(err)
			}
			customerPays(t, pre.CodeURL)
			if _, err := sdk.GetRefund().Refund(&refund.Params{OutTradeNo: no, OutRefundNo: "R" + no, TotalFee: "321", RefundFee: "21",
				RootCa: rig.p12Path, NotifyURL: recv.URL + "/refund/" + st}); err != nil {
				t.Fatal(err)
			}
			if n, err := rig.sb.DeliverNotifications(context.Background()); err != nil || n != 2 {
				t.Fatalf("delivered %d: %v", n, err)
			}
			mu.Lock()
			payBody, refundBody := got["/pay/"+st], got["/refund/"+st]
			mu.Unlock()

			var paid notify.PaidResult
			if err := xml.Unmarshal(payBody, &paid); err != nil {
				t.Fatal(err)
			}
			if !sdk.GetNotify().PaidVerifySign(paid) {
				t.Fatalf("the SDK rejects the payment notification: %s", payBody)
			}
			if *paid.OutTradeNo != no || *paid.TotalFee != 321 || *paid.ResultCode != "SUCCESS" || *paid.Attach != "t=1" {
				t.Fatalf("payment notification: %s", payBody)
			}

			var rr notify.RefundedResult
			if err := xml.Unmarshal(refundBody, &rr); err != nil {
				t.Fatal(err)
			}
			info, err := sdk.GetNotify().DecryptReqInfo(&rr)
			if err != nil {
				t.Fatalf("the SDK cannot decrypt req_info: %v", err)
			}
			if *info.OutRefundNO != "R"+no || *info.RefundFee != 21 || *info.RefundStatus != "SUCCESS" || *info.TotalFee != 321 {
				t.Fatalf("refund notification: %+v", info)
			}
		})
	}
}
