package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/wechat"
	"github.com/wxpos/wxpos/wechat/sandbox"
)

// receiver is a merchant notify endpoint that fails the first `fail` calls.
type receiver struct {
	mu   sync.Mutex
	fail int
	got  []received
	srv  *httptest.Server
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, fail int, v3 bool) *receiver {
	rc := &receiver{fail: fail}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got = append(rc.got, received{r.Header.Clone(), b})
		if rc.fail > 0 {
			rc.fail--
			http.Error(w, `{"code":"FAIL","message":"busy"}`, http.StatusInternalServerError)
			return
		}
		if v3 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		_, _ = w.Write([]byte("<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>"))
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) last(t *testing.T) received {
	t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) == 0 {
		t.Fatal("no notification received")
	}
	return rc.got[len(rc.got)-1]
}

func deliver(t *testing.T, sb *sandbox.Server) int {
	t.Helper()
	n, err := sb.DeliverNotifications(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestV2Notifications(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.RefundDelay = time.Minute })
	rc := newReceiver(t, 1, false)
	no := newNo("NN")
	p := nativeParams(no, 660)
	p["notify_url"] = rc.srv.URL + "/pay"
	p["sign_type"] = "HMAC-SHA256"
	r := e.v2("/pay/unifiedorder", p)
	if n := deliver(t, e.sb); n != 0 {
		t.Fatal("notified before payment")
	}
	if err := e.sb.PayNative(r["code_url"]); err != nil {
		t.Fatal(err)
	}
	if n := deliver(t, e.sb); n != 0 {
		t.Fatal("first attempt should fail")
	}
	if n := deliver(t, e.sb); n != 0 {
		t.Fatal("retried before 15 s")
	}
	e.sb.Advance(15 * time.Second)
	if n := deliver(t, e.sb); n != 1 {
		t.Fatal("not retried after 15 s")
	}
	m := e.decodeXML(t, rc.last(t).body)
	if !wechat.VerifyV2Type(m, e.creds.APIKey, wechat.SignHMACSHA256) || m["out_trade_no"] != no || m["total_fee"] != "660" || m["result_code"] != "SUCCESS" || m["transaction_id"] == "" {
		t.Fatalf("pay notification: %v", m)
	}
	if _, leaked := m["trade_state_desc"]; leaked {
		t.Fatal("notification carries query-only fields")
	}

	rf := e.v2("/secapi/pay/refund", map[string]string{"out_trade_no": no, "out_refund_no": "NR" + no, "total_fee": "660", "refund_fee": "60", "notify_url": rc.srv.URL + "/refund"})
	if rf["result_code"] != "SUCCESS" {
		t.Fatal(rf)
	}
	if n := deliver(t, e.sb); n != 0 {
		t.Fatal("refund notified while PROCESSING")
	}
	e.sb.Advance(time.Minute)
	if n := deliver(t, e.sb); n != 1 {
		t.Fatal("refund not notified")
	}
	m = e.decodeXML(t, rc.last(t).body)
	if _, signed := m["sign"]; signed || m["return_code"] != "SUCCESS" {
		t.Fatalf("refund notification: %v", m)
	}
	plain, err := wechat.DecryptRefundReqInfo(e.creds.APIKey, m["req_info"])
	if err != nil {
		t.Fatal(err)
	}
	info := e.decodeXML(t, plain)
	if info["out_refund_no"] != "NR"+no || info["refund_fee"] != "60" || info["refund_status"] != "SUCCESS" || !strings.HasPrefix(string(plain), "<root>") {
		t.Fatalf("req_info: %s", plain)
	}
	list := e.sb.Notifications()
	if len(list) != 2 || !list[0].Delivered || list[0].Attempts != 2 || !list[1].Delivered {
		t.Fatalf("%+v", list)
	}
}

func TestV3Notifications(t *testing.T) {
	e := newEnv(t, func(o *sandbox.Options) { o.RefundDelay = -1 })
	rc := newReceiver(t, 0, true)
	no := newNo("NN")
	b := nativeBody(e, no, 450)
	b["notify_url"] = rc.srv.URL + "/v3pay"
	r := e.v3("POST", "/v3/pay/transactions/native", b)
	if err := e.sb.PayNative(jsonField(t, r.body, "code_url")); err != nil {
		t.Fatal(err)
	}
	e.v3("POST", "/v3/refund/domestic/refunds", map[string]any{"out_trade_no": no, "out_refund_no": "NR" + no, "notify_url": rc.srv.URL + "/v3refund",
		"amount": map[string]any{"refund": 50, "total": 450, "currency": "CNY"}})
	var out map[string][]sandbox.Notification
	if st := e.control("POST", "/sandbox/notifications", nil, &out); st != 200 || len(out["notifications"]) != 2 || !out["notifications"][1].Delivered {
		t.Fatal(st, out)
	}
	rc.mu.Lock()
	got := append([]received(nil), rc.got...)
	rc.mu.Unlock()
	for i, want := range []struct{ event, ad, field, value string }{
		{"TRANSACTION.SUCCESS", "transaction", "trade_state", "SUCCESS"},
		{"REFUND.SUCCESS", "refund", "refund_status", "SUCCESS"},
	} {
		g := got[i]
		e.verifyV3(v3Resp{status: 200, header: g.header, body: g.body})
		var n struct {
			ID        string `json:"id"`
			EventType string `json:"event_type"`
			Resource  struct {
				Algorithm      string `json:"algorithm"`
				Ciphertext     string `json:"ciphertext"`
				AssociatedData string `json:"associated_data"`
				Nonce          string `json:"nonce"`
			} `json:"resource"`
		}
		if err := json.Unmarshal(g.body, &n); err != nil {
			t.Fatal(err)
		}
		pt, err := wechat.DecryptAEADAES256GCM(e.creds.APIV3Key, n.Resource.Nonce, n.Resource.AssociatedData, n.Resource.Ciphertext)
		if err != nil || n.EventType != want.event || n.Resource.AssociatedData != want.ad || n.ID == "" {
			t.Fatalf("%s: %v", g.body, err)
		}
		if v := jsonField(t, pt, want.field); v != want.value || jsonField(t, pt, "out_trade_no") != no {
			t.Fatalf("resource: %s", pt)
		}
	}
}

func TestNotificationsGiveUpAfterSchedule(t *testing.T) {
	e := newEnv(t, nil)
	rc := newReceiver(t, 100, false)
	no := newNo("NN")
	p := nativeParams(no, 100)
	p["notify_url"] = rc.srv.URL
	r := e.v2("/pay/unifiedorder", p)
	_ = e.sb.PayNative(r["code_url"])
	for range 16 {
		deliver(t, e.sb)
		e.sb.Advance(6 * time.Hour)
	}
	deliver(t, e.sb)
	list := e.sb.Notifications()
	if len(list) != 1 || !list[0].GaveUp || list[0].Attempts != 16 || list[0].Delivered {
		t.Fatalf("%+v", list)
	}
}

func TestNoNotificationForCodepay(t *testing.T) {
	e := newEnv(t, nil)
	e.v2("/pay/micropay", micropayParams(newNo("NN"), sandbox.NewCode(sandbox.ScenarioSuccess), 100))
	if len(e.sb.Notifications()) != 0 {
		t.Fatal("payment-code orders get no notification")
	}
}

// WeChat reaches only public https receivers: without NotifyLoopback a
// notification for a loopback http notify_url is never sent, each attempt
// fails as unreachable and is retried on the schedule; with the flag the
// same order's notification arrives.
func TestNotifyLoopbackNeedsFlag(t *testing.T) {
	for _, loopback := range []bool{false, true} {
		e := newEnv(t, func(o *sandbox.Options) { o.NotifyLoopback = loopback })
		rc := newReceiver(t, 0, false)
		p := nativeParams(newNo("NL"), 100)
		p["notify_url"] = rc.srv.URL + "/pay"
		r := e.v2("/pay/unifiedorder", p)
		if err := e.sb.PayNative(r["code_url"]); err != nil {
			t.Fatal(err)
		}
		n := deliver(t, e.sb)
		rc.mu.Lock()
		got := len(rc.got)
		rc.mu.Unlock()
		list := e.sb.Notifications()
		if loopback {
			if n != 1 || got != 1 {
				t.Errorf("with the flag: delivered %d, received %d, want 1", n, got)
			}
			continue
		}
		if n != 0 || got != 0 {
			t.Errorf("without the flag: delivered %d, received %d, want 0", n, got)
		}
		if len(list) != 1 || list[0].Attempts != 1 || list[0].GaveUp || list[0].NextTry == "" ||
			!strings.Contains(list[0].LastError, "cannot reach") {
			t.Errorf("without the flag: %+v, want one failed attempt, retried, naming why", list)
		}
	}
}
