package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// rig is a sandbox that delivers to a Receiver over real HTTP, a v3 and a
// v2 client of the sandbox's merchant, and the receiver's bbolt sink.
type rig struct {
	t     testing.TB
	sb    *sandbox.Server
	prof  sandbox.Profile
	v3    *wechat.Client
	v2    *wechat.V2Client
	sink  *notify.BoltSink
	path  string
	rc    *notify.Receiver
	url   string // the receiver's base URL
	mu    sync.Mutex
	down  bool          // the receiver answers 503 (an outage in front of it)
	last  *http.Request // the last delivery as it arrived
	lastB []byte        // its body
}

func newRig(t testing.TB) *rig {
	t.Helper()
	sb, err := sandbox.New(sandbox.Options{RefundDelay: -1, NotifyLoopback: true})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(sb)
	t.Cleanup(api.Close)
	r := &rig{t: t, sb: sb, prof: sb.Profile(api.URL), path: filepath.Join(t.TempDir(), "notify.db")}
	r.openSink()
	p := r.prof
	r.v3, err = wechat.New(wechat.WithBaseURL(p.BaseURL), wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithMerchantKey(p.V3.MerchantSerialNo, []byte(p.V3.MerchantPrivateKeyPEM)), wechat.WithV3Key(p.V3.APIV3Key),
		wechat.WithWechatPayPublicKey(p.V3.PlatformPublicKeyID, []byte(p.V3.PlatformPublicKeyPEM)), wechat.WithClock(sb.Now))
	if err != nil {
		t.Fatal(err)
	}
	r.v2, err = wechat.NewV2(wechat.WithBaseURL(p.BaseURL), wechat.WithMerchant(p.MchID, p.AppID),
		wechat.WithV2Key(p.V2.APIKey, wechat.SignMD5),
		wechat.WithClientCertificate([]byte(p.V2.ClientCertPEM), []byte(p.V2.ClientKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(srv.Close)
	r.url = srv.URL
	return r
}

// openSink (re)opens the sink file and a receiver on it.
func (r *rig) openSink() {
	t := r.t
	sink, err := notify.OpenBolt(r.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sink.Close() })
	v, err := wechat.NewPublicKeyVerifier(r.prof.V3.PlatformPublicKeyID, []byte(r.prof.V3.PlatformPublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	// Wall clock, as the sandbox signs its headers with it (its business
	// clock moves on for retries; the transport's ±5 min does not).
	rc, err := notify.NewReceiver(notify.Receiver{MchID: r.prof.MchID, Sink: sink, V2APIKey: r.prof.V2.APIKey,
		V3: &wechat.NotifyParser{Verifier: v, APIv3Key: r.prof.V3.APIV3Key}})
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.sink, r.rc = sink, rc
	r.mu.Unlock()
}

func (r *rig) serve(w http.ResponseWriter, req *http.Request) {
	b, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	down, rc := r.down, r.rc
	r.last, r.lastB = req.Clone(context.Background()), b
	r.mu.Unlock()
	if down {
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(b))
	rc.Handler().ServeHTTP(w, req)
}

func (r *rig) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

// paidQR makes a Native order of amount fen with notify_url at the
// receiver's path and has the customer pay it.
func (r *rig) paidQR(api, no string, amount int64) {
	t := r.t
	req := wechat.NativeRequest{OutTradeNo: no, Description: "门店-咖啡", Total: amount, NotifyURL: r.url + "/notify/" + api,
		ClientIP: "10.0.0.8", ProductID: no, Attach: "wxpos:TAG" + no}
	var n *wechat.NativeOrder
	var err error
	if api == "v2" {
		n, err = r.v2.NativePrepay(context.Background(), req)
	} else {
		n, err = r.v3.NativePrepay(context.Background(), req)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := r.sb.PayNative(n.CodeURL); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) refund(api, no, refundNo string, amount, total int64) {
	req := wechat.RefundRequest{OutTradeNo: no, OutRefundNo: refundNo, Refund: amount, Total: total,
		NotifyURL: r.url + "/notify/" + api}
	var err error
	if api == "v2" {
		_, err = r.v2.Refund(context.Background(), req)
	} else {
		_, err = r.v3.Refund(context.Background(), req)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	r.sb.Advance(time.Second) // the refund completes
}

func (r *rig) deliver() int {
	n, err := r.sb.DeliverNotifications(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	return n
}

func (r *rig) records() []notify.Record {
	recs, err := r.sink.Since(context.Background(), 0, 1000)
	if err != nil {
		r.t.Fatal(err)
	}
	return recs
}

func (r *rig) refusals() []notify.Refusal {
	fs, err := r.sink.Refusals(context.Background(), 1000)
	if err != nil {
		r.t.Fatal(err)
	}
	return fs
}

// lastDelivery is the last delivery's headers and body, to replay or forge.
func (r *rig) lastDelivery() (http.Header, []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last == nil {
		r.t.Fatal("nothing was delivered")
	}
	return r.last.Header.Clone(), bytes.Clone(r.lastB)
}

// post sends body with header to the receiver's path, returning the status
// and answer body.
func (r *rig) post(path string, header http.Header, body []byte) (int, string) {
	req, err := http.NewRequest(http.MethodPost, r.url+path, bytes.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header = header
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// forgeV3 signs a v3 notification the way WeChat does (the sandbox's
// WeChat Pay private key), with plain as the encrypted resource.
func (r *rig) forgeV3(id, original string, plain any, at time.Time) (http.Header, []byte) {
	return r.forgeV3Key(r.sb.Credentials().APIV3Key, id, original, plain, at)
}

// forgeV3Key is forgeV3 with the resource encrypted under apiV3Key, which
// need not be the merchant's.
func (r *rig) forgeV3Key(apiV3Key, id, original string, plain any, at time.Time) (http.Header, []byte) {
	t := r.t
	creds := r.sb.Credentials()
	pt, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	ct, err := wechat.EncryptAEADAES256GCM(apiV3Key, "0123456789ab", original, pt)
	if err != nil {
		t.Fatal(err)
	}
	event := "TRANSACTION.SUCCESS"
	if original == "refund" {
		event = "REFUND.SUCCESS"
	}
	body, _ := json.Marshal(map[string]any{"id": id, "create_time": at.Format(time.RFC3339), "resource_type": "encrypt-resource",
		"event_type": event, "summary": "支付成功", "resource": map[string]string{"original_type": original,
			"algorithm": "AEAD_AES_256_GCM", "ciphertext": ct, "associated_data": original, "nonce": "0123456789ab"}})
	key, err := wechat.ParsePrivateKeyPEM([]byte(creds.PublicKeyPrivatePEM))
	if err != nil {
		t.Fatal(err)
	}
	ts, nonce := strconv.FormatInt(at.Unix(), 10), wechat.NonceString()
	sig, err := wechat.SignSHA256RSA(key, wechat.V3ResponseMessage(ts, nonce, string(body)))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Wechatpay-Timestamp", ts)
	h.Set("Wechatpay-Nonce", nonce)
	h.Set("Wechatpay-Signature", sig)
	h.Set("Wechatpay-Serial", creds.PublicKeyID)
	h.Set("Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048")
	return h, body
}

// paidResource is a v3 transaction resource for a paid order.
func paidResource(mchid, no string, total int64, at time.Time) map[string]any {
	return map[string]any{"appid": "wx0000000000000000", "mchid": mchid, "out_trade_no": no, "transaction_id": "4200000000" + no,
		"trade_type": "NATIVE", "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "bank_type": "OTHERS",
		"attach": "wxpos:X", "success_time": at.Format(time.RFC3339), "payer": map[string]string{"openid": "o1"},
		"amount": map[string]any{"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"}}
}
