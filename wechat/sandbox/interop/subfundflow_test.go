package interop_test

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"

	"github.com/go-pay/gopay"
	gopayv3 "github.com/go-pay/gopay/wechat/v3"
	"github.com/wechatpay-apiv3/wechatpay-go/core"
	"github.com/wechatpay-apiv3/wechatpay-go/core/auth/validators"
	"github.com/wechatpay-apiv3/wechatpay-go/utils"

	"github.com/wxpos/wxpos/wechat/sandbox"
)

// openBillFile decrypts a downloaded sub-merchant fund-flow file with the
// AES key the SDK recovered from encrypt_key: AES-256-GCM, the nonce
// string's bytes as IV (16 in the official sample), no associated data.
// Neither SDK has this step: wechatpay-go's utils.DecryptAES256GCM and
// gopay's notification decryption take base64 text and a 12-byte nonce.
// The plain bill must have the announced SHA1.
func openBillFile(t *testing.T, key, nonce, hashValue string, file []byte) []byte {
	t.Helper()
	block, err := aes.NewCipher([]byte(key))
	if err != nil {
		t.Fatalf("bill key: %v", err)
	}
	aead, err := cipher.NewGCMWithNonceSize(block, len(nonce))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := aead.Open(nil, []byte(nonce), file, nil)
	if err != nil {
		t.Fatalf("bill file does not open: %v", err)
	}
	if sum := sha1.Sum(plain); hex.EncodeToString(sum[:]) != hashValue {
		t.Fatalf("bill hash %s, announced %s", hex.EncodeToString(sum[:]), hashValue)
	}
	return plain
}

// TestGopaySubMerchantFundFlow: gopay v1.5.123's V3BillSubFundFlowBill
// (its signature check on) applies for the sub-merchant's fund flow as the
// service provider; V3BillDownLoadBill fetches the file and the SDK's
// V3DecryptText (RSA-OAEP with the provider's key) recovers the file key.
// gopay reads the answer into its TradeBill model (top-level
// download_url), which the real answer (download_bill_list) does not
// fill: the list is read from the body the SDK verified (SignInfo), into
// gopay's own DownloadBill model.
func TestGopaySubMerchantFundFlow(t *testing.T) {
	ctx := context.Background()
	c, p := gopayPartnerClient(t)
	no := sdkNo("GSF")
	day := billDayWithTrades(t, func() {
		bm := make(gopay.BodyMap)
		bm.Set("sp_appid", p.SpAppID).Set("sub_mchid", p.SubMchID).Set("description", "门店-咖啡").Set("out_trade_no", no).
			SetBodyMap("payer", func(b gopay.BodyMap) { b.Set("auth_code", sandbox.NewCode(sandbox.ScenarioSuccess)) }).
			SetBodyMap("amount", func(b gopay.BodyMap) { b.Set("total", 1288).Set("currency", "CNY") }).
			SetBodyMap("scene_info", func(b gopay.BodyMap) { b.Set("device_ip", "10.0.0.8") })
		if r, err := c.V3PartnerTransactionCodePay(ctx, bm); err != nil || r.Code != gopayv3.Success {
			t.Fatalf("partner codepay: %+v %v", r, err)
		}
	})
	bm := make(gopay.BodyMap)
	bm.Set("sub_mchid", p.SubMchID).Set("bill_date", day).Set("account_type", "BASIC").Set("algorithm", "AEAD_AES_256_GCM")
	r, err := c.V3BillSubFundFlowBill(ctx, bm)
	if err != nil || r.Code != gopayv3.Success || r.SignInfo == nil {
		t.Fatalf("sub-merchant-fundflowbill: %+v %v", r, err)
	}
	var list gopayv3.DownloadBill
	if err := json.Unmarshal([]byte(r.SignInfo.SignBody), &list); err != nil || list.DownloadBillCount != 1 || len(list.DownloadBillList) != 1 {
		t.Fatalf("answer %s: %v", r.SignInfo.SignBody, err)
	}
	d := list.DownloadBillList[0]
	file, err := c.V3BillDownLoadBill(ctx, d.DownloadUrl)
	if err != nil {
		t.Fatalf("download %s: %v", d.DownloadUrl, err)
	}
	key, err := c.V3DecryptText(d.EncryptKey)
	if err != nil {
		t.Fatalf("encrypt_key: %v", err)
	}
	fundFlowHolds(t, openBillFile(t, key, d.Nonce, d.HashValue, file), no)

	bm.Set("sub_mchid", "1799999999")
	if r, err := c.V3BillSubFundFlowBill(ctx, bm); err != nil || r.Code != 400 || r.ErrResponse.Code != "INVALID_REQUEST" {
		t.Fatalf("a sub-merchant the provider does not serve: %+v %v", r, err)
	}
}

// TestWechatpayGoSubMerchantBills: the official SDK v0.2.21 has no
// service for the sub-merchant's bills; its core client, as the service
// provider with verification on, applies for the trade bill with
// sub_mchid (the sub-merchant's payment in it, its 特约商户号 column) and
// for the fund-flow bill, fetches the files with the NullValidator (they
// are unsigned), and utils.DecryptOAEP recovers the fund-flow file's key
// with the provider's private key.
func TestWechatpayGoSubMerchantBills(t *testing.T) {
	ctx := context.Background()
	c, p := officialPartnerClient(t)
	no := sdkNo("OSF")
	day := billDayWithTrades(t, func() {
		res, err := c.Post(ctx, apiBase+"/v3/pay/partner/transactions/codepay", map[string]any{
			"sp_appid": p.SpAppID, "sp_mchid": p.SpMchID, "sub_mchid": p.SubMchID, "description": "门店-咖啡", "out_trade_no": no,
			"payer":      map[string]string{"auth_code": sandbox.NewCode(sandbox.ScenarioSuccess)},
			"amount":     map[string]any{"total": 960, "currency": "CNY"},
			"scene_info": map[string]any{"device_ip": "10.0.0.8"},
		})
		if err != nil {
			t.Fatalf("partner codepay: %v", err)
		}
		io.Copy(io.Discard, res.Response.Body)
		res.Response.Body.Close()
	})
	download := func(u string) []byte {
		t.Helper()
		file, err := core.NewClientWithValidator(c, &validators.NullValidator{}).Get(ctx, u)
		if err != nil {
			t.Fatalf("download %s: %v", u, err)
		}
		defer file.Response.Body.Close()
		body, err := io.ReadAll(file.Response.Body)
		if err != nil {
			t.Fatal(err)
		}
		return body
	}
	tb, err := c.Get(ctx, apiBase+"/v3/bill/tradebill?"+url.Values{"bill_date": {day}, "sub_mchid": {p.SubMchID}, "bill_type": {"ALL"}, "tar_type": {"GZIP"}}.Encode())
	if err != nil {
		t.Fatalf("tradebill: %v", err)
	}
	var trade struct {
		HashType    string `json:"hash_type"`
		HashValue   string `json:"hash_value"`
		DownloadURL string `json:"download_url"`
	}
	if err := core.UnMarshalResponse(tb.Response, &trade); err != nil {
		t.Fatal(err)
	}
	text := string(checkBillHeaded(t, download(trade.DownloadURL), trade.HashType, trade.HashValue, "交易时间,"))
	if !strings.Contains(text, "`"+no) || !strings.Contains(text, "`"+p.SpMchID+",`"+p.SubMchID) {
		t.Fatalf("the sub-merchant's trade bill:\n%s", text)
	}
	q := url.Values{"sub_mchid": {p.SubMchID}, "bill_date": {day}, "account_type": {"BASIC"}, "algorithm": {"AEAD_AES_256_GCM"}}
	res, err := c.Get(ctx, apiBase+"/v3/bill/sub-merchant-fundflowbill?"+q.Encode())
	if err != nil {
		t.Fatalf("sub-merchant-fundflowbill: %v", err)
	}
	var apply struct {
		Count int `json:"download_bill_count"`
		List  []struct {
			Sequence    int    `json:"bill_sequence"`
			DownloadURL string `json:"download_url"`
			EncryptKey  string `json:"encrypt_key"`
			HashType    string `json:"hash_type"`
			HashValue   string `json:"hash_value"`
			Nonce       string `json:"nonce"`
		} `json:"download_bill_list"`
	}
	if err := core.UnMarshalResponse(res.Response, &apply); err != nil || apply.Count != 1 || len(apply.List) != 1 || apply.List[0].HashType != "SHA1" {
		t.Fatalf("answer %+v: %v", apply, err)
	}
	d := apply.List[0]
	body := download(d.DownloadURL)
	priv, err := utils.LoadPrivateKey(p.MerchantPrivateKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	key, err := utils.DecryptOAEP(d.EncryptKey, priv)
	if err != nil {
		t.Fatalf("encrypt_key: %v", err)
	}
	fundFlowHolds(t, openBillFile(t, key, d.Nonce, d.HashValue, body), no)
}
