package notify_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/wechat"
)

// A paid Native order's notification of each generation is verified,
// decrypted and recorded with what the terminal compares (number, amount,
// attach, state) before the sandbox counts it delivered.
func TestPaymentNotificationRecorded(t *testing.T) {
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			r := newRig(t)
			r.paidQR(api, "PS01-T01-"+api+"-01", 1250)
			if n := r.deliver(); n != 1 {
				t.Fatalf("delivered %d, want 1 (sandbox: %+v, refusals %+v)", n, r.sb.Notifications(), r.refusals())
			}
			recs := r.records()
			if len(recs) != 1 {
				t.Fatalf("records %+v, want 1", recs)
			}
			got := recs[0]
			if got.Kind != notify.KindPay || got.API != api || got.OutTradeNo != "PS01-T01-"+api+"-01" || got.TotalFen != 1250 ||
				got.State != "SUCCESS" || got.Attach != "wxpos:TAGPS01-T01-"+api+"-01" || got.MchID != r.prof.MchID ||
				got.TransactionID == "" || got.Seq != 1 || got.ID == "" {
				t.Errorf("record %+v", got)
			}
			if ns := r.sb.Notifications(); len(ns) != 1 || !ns[0].Delivered || ns[0].Attempts != 1 {
				t.Errorf("sandbox notifications %+v", ns)
			}
		})
	}
}

// A refund's notification of each generation (v2: req_info under
// MD5(key)) is recorded as the refund's, with its amounts.
func TestRefundNotificationRecorded(t *testing.T) {
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			r := newRig(t)
			no := "PS01-T01-R" + api
			r.paidQR(api, no, 3000)
			r.refund(api, no, "RS01-T01-"+api, 1000, 3000)
			if n := r.deliver(); n != 2 {
				t.Fatalf("delivered %d, want 2 (refusals %+v)", n, r.refusals())
			}
			recs := r.records()
			if len(recs) != 2 {
				t.Fatalf("records %+v", recs)
			}
			got := recs[1]
			if recs[0].Kind == notify.KindRefund {
				got = recs[0]
			}
			if got.Kind != notify.KindRefund || got.OutRefundNo != "RS01-T01-"+api || got.OutTradeNo != no ||
				got.RefundFen != 1000 || got.TotalFen != 3000 || got.State != "SUCCESS" || got.Ref() != "RS01-T01-"+api {
				t.Errorf("refund record %+v", got)
			}
		})
	}
}

// The same delivery again, and the same event under another id, answer
// success and record nothing new: WeChat re-sends what it did not see
// answered, and a duplicate is not an error.
func TestDuplicatesAnswerSuccessRecordOnce(t *testing.T) {
	r := newRig(t)
	r.paidQR("v3", "PS01-T01-DUP", 800)
	r.deliver()
	h, b := r.lastDelivery()
	if st, body := r.post("/notify/v3", h, b); st != http.StatusNoContent {
		t.Fatalf("replayed delivery answered %d %s, want 204", st, body)
	}
	now := time.Now()
	h2, b2 := r.forgeV3("EV-other-id", "transaction", paidResource(r.prof.MchID, "PS01-T01-DUP", 800, now), now)
	if st, body := r.post("/notify/v3", h2, b2); st != http.StatusNoContent {
		t.Fatalf("same event under another id answered %d %s, want 204", st, body)
	}
	if recs := r.records(); len(recs) != 1 {
		t.Errorf("records %+v, want the first only", recs)
	}
	if fs := r.refusals(); len(fs) != 0 {
		t.Errorf("refusals %+v, want none", fs)
	}
}

// Tampered, stale, foreign, malformed and oversized deliveries are refused
// with WeChat's failure answer ({"code":"FAIL"} and a 4xx) and recorded as
// refusals of their class; none becomes a record.
func TestRefusedV3(t *testing.T) {
	r := newRig(t)
	r.paidQR("v3", "PS01-T01-REF", 500)
	r.deliver()
	good, body := r.lastDelivery()
	now := time.Now()
	foreignH, foreignB := r.forgeV3("EV-foreign", "transaction", paidResource("1900000999", "PS01-T01-F", 500, now), now)
	staleAt := now.Add(-6 * time.Minute)
	staleH, staleB := r.forgeV3("EV-stale", "transaction", paidResource(r.prof.MchID, "PS01-T01-S", 500, staleAt), staleAt)
	tampered := []byte(strings.Replace(string(body), `"id":"`, `"id":"X`, 1))
	noHeaders := good.Clone()
	noHeaders.Del("Wechatpay-Signature")
	probe := good.Clone()
	probe.Set("Wechatpay-Signature", "WECHATPAY/SIGNTEST/abc")
	big := make([]byte, notify.MaxBody+1)
	cases := []struct {
		name   string
		h      http.Header
		b      []byte
		status int
		reason string
	}{
		{"tampered", good, tampered, http.StatusUnauthorized, notify.RefusedSignature},
		{"probe", probe, body, http.StatusUnauthorized, notify.RefusedSignature},
		{"stale", staleH, staleB, http.StatusUnauthorized, notify.RefusedStale},
		{"foreign", foreignH, foreignB, http.StatusForbidden, notify.RefusedForeign},
		{"no signature", noHeaders, body, http.StatusBadRequest, notify.RefusedMalformed},
		{"too large", good, big, http.StatusRequestEntityTooLarge, notify.RefusedTooLarge},
	}
	for _, c := range cases {
		st, ans := r.post("/notify/v3", c.h, c.b)
		if st != c.status || !strings.Contains(ans, `"code":"FAIL"`) || !strings.Contains(ans, c.reason) {
			t.Errorf("%s: answered %d %s, want %d FAIL %s", c.name, st, ans, c.status, c.reason)
		}
	}
	fs := r.refusals()
	if len(fs) != len(cases) {
		t.Fatalf("refusals %+v, want %d", fs, len(cases))
	}
	for i, c := range cases {
		f := fs[len(cases)-1-i] // newest first
		if f.Reason != c.reason || f.Status != c.status || f.API != "v3" {
			t.Errorf("%s: refusal %+v", c.name, f)
		}
	}
	if fs[len(cases)-1-3].ID != "EV-foreign" {
		t.Errorf("foreign refusal does not name its id: %+v", fs[len(cases)-1-3])
	}
	if recs := r.records(); len(recs) != 1 {
		t.Errorf("records %+v, want only the genuine one", recs)
	}
}

// A v2 payment notice with a broken sign or from another merchant, and a
// refund notice whose req_info was not made with our key, get return_code
// FAIL and are recorded as refused.
func TestRefusedV2(t *testing.T) {
	r := newRig(t)
	r.paidQR("v2", "PS01-T01-V2F", 700)
	r.deliver()
	h, b := r.lastDelivery()
	tampered := []byte(strings.Replace(string(b), "700", "1", 1))
	r.refund("v2", "PS01-T01-V2F", "RS01-T01-V2F", 100, 700)
	r.setDown(true)
	r.deliver() // the refund notice, captured but not answered
	r.setDown(false)
	rh, rb := r.lastDelivery()
	badKey := []byte(strings.Replace(string(rb), "<req_info><![CDATA[", "<req_info><![CDATA[AAAA", 1))
	for name, c := range map[string]struct {
		h      http.Header
		b      []byte
		reason string
	}{
		"tampered pay":   {h, tampered, notify.RefusedSignature},
		"bad req_info":   {rh, badKey, notify.RefusedUndecrypted},
		"not xml at all": {h, []byte("{}"), notify.RefusedMalformed},
	} {
		st, ans := r.post("/notify/v2", c.h, c.b)
		if st != http.StatusOK || !strings.Contains(ans, "FAIL") || !strings.Contains(ans, c.reason) {
			t.Errorf("%s: answered %d %s, want 200 return_code FAIL %s", name, st, ans, c.reason)
		}
	}
	if fs := r.refusals(); len(fs) != 3 {
		t.Errorf("refusals %+v, want 3", fs)
	}
	if recs := r.records(); len(recs) != 1 {
		t.Errorf("records %+v, want the genuine payment only", recs)
	}
}

// A receiver that is down for an hour misses the first deliveries; WeChat's
// retries (15 s, 15 s, 30 s, 3 m, 10 m, 20 m, 30 m …) on the sandbox clock
// bring the notification once it is back, recorded once.
func TestDownForAnHourCatchesUp(t *testing.T) {
	r := newRig(t)
	r.setDown(true)
	r.paidQR("v3", "PS01-T01-DOWN", 900)
	r.refund("v3", "PS01-T01-DOWN", "RS01-T01-DOWN", 900, 900)
	for elapsed := time.Duration(0); elapsed < time.Hour; elapsed += 15 * time.Second {
		if n := r.deliver(); n != 0 {
			t.Fatalf("delivered %d while down", n)
		}
		r.sb.Advance(15 * time.Second)
	}
	if recs := r.records(); len(recs) != 0 {
		t.Fatalf("recorded while down: %+v", recs)
	}
	r.setDown(false)
	delivered := 0
	for i := 0; i < 10*60/15 && delivered < 2; i++ { // the next retry is due within 10 minutes
		delivered += r.deliver()
		r.sb.Advance(15 * time.Second)
	}
	if delivered != 2 {
		t.Fatalf("delivered %d after the outage, want 2: %+v", delivered, r.sb.Notifications())
	}
	for _, n := range r.sb.Notifications() {
		if n.Attempts < 7 || !n.Delivered {
			t.Errorf("notification %+v: want delivered after ≥ 7 attempts", n)
		}
	}
	recs := r.records()
	if len(recs) != 2 || recs[0].Kind == recs[1].Kind {
		t.Errorf("records %+v, want the payment and the refund", recs)
	}
}

// Records survive closing and reopening the file (durable before success),
// and so does a consumer's cursor.
func TestRecordsSurviveReopen(t *testing.T) {
	r := newRig(t)
	r.paidQR("v3", "PS01-T01-DUR", 100)
	r.deliver()
	if err := r.sink.SetCursor(context.Background(), "terminal", 1); err != nil {
		t.Fatal(err)
	}
	r.sink.Close()
	r.openSink()
	recs := r.records()
	if len(recs) != 1 || recs[0].OutTradeNo != "PS01-T01-DUR" {
		t.Fatalf("after reopen: %+v", recs)
	}
	if at, err := r.sink.Cursor(context.Background(), "terminal"); err != nil || at != 1 {
		t.Errorf("cursor %d %v, want 1", at, err)
	}
	h, b := r.lastDelivery()
	if st, _ := r.post("/notify/v3", h, b); st != http.StatusNoContent {
		t.Errorf("replay after reopen answered %d", st)
	}
	if recs := r.records(); len(recs) != 1 {
		t.Errorf("replay after reopen recorded again: %+v", recs)
	}
}

// held is a Verifier whose first Verify waits for release: a delivery
// stuck verifying.
type held struct {
	wechat.Verifier
	entered, release chan struct{}
	calls            atomic.Int32
}

func (h *held) Verify(ctx context.Context, serial, message, signature string) error {
	if h.calls.Add(1) == 1 {
		close(h.entered)
		<-h.release
	}
	return h.Verifier.Verify(ctx, serial, message, signature)
}

// With one place to verify in (MaxVerifying 1), a delivery arriving while
// another is verifying waits for the place and, when it stays taken past
// the delivery's deadline, is answered 503 busy (so WeChat re-sends) and
// recorded as refused without being verified at all. The stuck one is
// answered 503 busy at its own deadline, not when its verifier lets go;
// the next after it is recorded.
func TestVerifyingBounded(t *testing.T) {
	r := newRig(t)
	v, err := wechat.NewPublicKeyVerifier(r.prof.V3.PlatformPublicKeyID, []byte(r.prof.V3.PlatformPublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	h := &held{Verifier: v, entered: make(chan struct{}), release: make(chan struct{})}
	rc, err := notify.NewReceiver(notify.Receiver{MchID: r.prof.MchID, Sink: r.sink, MaxVerifying: 1,
		AnswerWithin: time.Second, V3: &wechat.NotifyParser{Verifier: h, APIv3Key: r.prof.V3.APIV3Key}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(rc.Handler())
	defer srv.Close()
	post := func(d delivery) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/notify/v3", bytes.NewReader(d.b))
		req.Header = d.h
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Error(err)
			return 0, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	ds := forged(r, 3)
	first := make(chan int, 1)
	go func() { st, _ := post(ds[0]); first <- st }()
	<-h.entered
	if st, ans := post(ds[1]); st != http.StatusServiceUnavailable || !strings.Contains(ans, notify.RefusedBusy) {
		t.Errorf("while another verifies: answered %d %s, want 503 busy", st, ans)
	}
	if n := h.calls.Load(); n != 1 {
		t.Errorf("%d deliveries verified at once, want 1", n)
	}
	if st := <-first; st != http.StatusServiceUnavailable {
		t.Errorf("the stuck delivery: answered %d, want 503 at its deadline", st)
	}
	close(h.release)
	if st, ans := post(ds[2]); st != http.StatusNoContent {
		t.Errorf("the next: answered %d %s, want 204", st, ans)
	}
	fs := r.refusals()
	if len(fs) != 2 || fs[0].Reason != notify.RefusedBusy || fs[1].Reason != notify.RefusedBusy ||
		fs[0].Status != http.StatusServiceUnavailable {
		t.Errorf("refusals %+v, want the two busy ones", fs)
	}
	if recs := r.records(); len(recs) != 1 || recs[0].OutTradeNo != "PS01-T01-B00000002" {
		t.Errorf("records %+v, want the third only", recs)
	}
}
