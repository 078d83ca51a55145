package notify_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/wechat"
)

// syncBuffer is a log sink that deliveries write to from their goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// secrets is what one delivery carries that no log line may: its
// signature, its ciphertext, and what the ciphertext hides (the payer's
// openid, the decrypted resource).
func secrets(t *testing.T, r *rig, api string, h map[string][]string, b []byte) []string {
	t.Helper()
	if api == "v3" {
		var env struct {
			Resource struct {
				Ciphertext     string `json:"ciphertext"`
				Nonce          string `json:"nonce"`
				AssociatedData string `json:"associated_data"`
			} `json:"resource"`
		}
		if err := json.Unmarshal(b, &env); err != nil {
			t.Fatal(err)
		}
		res := env.Resource
		plain, err := wechat.DecryptAEADAES256GCM(r.prof.V3.APIV3Key, res.Nonce, res.AssociatedData, res.Ciphertext)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Payer struct {
				OpenID string `json:"openid"`
			} `json:"payer"`
		}
		_ = json.Unmarshal(plain, &p)
		out := []string{h["Wechatpay-Signature"][0], res.Ciphertext, string(plain)}
		if p.Payer.OpenID != "" {
			out = append(out, p.Payer.OpenID)
		}
		return out
	}
	m, err := wechat.DecodeXML(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range []string{"sign", "openid", "req_info"} {
		if m[k] != "" {
			out = append(out, m[k])
		}
	}
	if m["req_info"] != "" {
		plain, err := wechat.DecryptRefundReqInfo(r.prof.V2.APIKey, m["req_info"])
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(plain))
	}
	return out
}

// The receiver never logs a secret: through genuine v3 and v2 payments and
// refunds and through every refusal class it can reach (tampered, probe,
// stale, foreign, undecryptable, malformed), its log — every level — holds
// neither key (APIv3, v2, the req_info key MD5(v2 key)), nor a signature,
// nor a ciphertext, nor the payer's openid or a decrypted resource; it does
// name each delivery's outcome.
func TestReceiverLogsNoSecrets(t *testing.T) {
	r := newRig(t)
	var logs syncBuffer
	rc, err := notify.NewReceiver(notify.Receiver{MchID: r.prof.MchID, Sink: r.sink, V2APIKey: r.prof.V2.APIKey, V3: r.rc.V3,
		Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.rc = rc
	r.mu.Unlock()
	sum := md5.Sum([]byte(r.prof.V2.APIKey))
	never := []string{r.prof.V3.APIV3Key, r.prof.V2.APIKey, hex.EncodeToString(sum[:]), strings.ToUpper(hex.EncodeToString(sum[:]))}
	type sent struct {
		api  string
		h    map[string][]string
		b    []byte
		fail bool
	}
	var all []sent
	for _, api := range []string{"v3", "v2"} {
		no := "PS01-T01-LOG" + api
		r.paidQR(api, no, 1500)
		r.deliver()
		h, b := r.lastDelivery()
		all = append(all, sent{api, h, b, false})
		r.refund(api, no, "RS01-T01-LOG"+api, 500, 1500)
		r.deliver()
		rh, rb := r.lastDelivery()
		all = append(all, sent{api, rh, rb, false})
	}
	v3h, v3b := all[0].h, all[0].b
	probe := cloneHeader(v3h)
	probe["Wechatpay-Signature"] = []string{"WECHATPAY/SIGNTEST/" + v3h["Wechatpay-Signature"][0]}
	now := time.Now()
	staleH, staleB := r.forgeV3("EV-log-stale", "transaction", paidResource(r.prof.MchID, "PS01-T01-LOGS", 1, now.Add(-time.Hour)), now.Add(-time.Hour))
	foreign := paidResource("1900000999", "PS01-T01-LOGF", 1, now)
	foreign["payer"] = map[string]string{"openid": "oForeignPayerOpenid0000000001"}
	foreignH, foreignB := r.forgeV3("EV-log-foreign", "transaction", foreign, now)
	otherKey := strings.Repeat("k", 32)
	undecH, undecB := r.forgeV3Key(otherKey, "EV-log-undec", "transaction", paidResource(r.prof.MchID, "PS01-T01-LOGU", 1, now), now)
	noSig := cloneHeader(v3h)
	delete(noSig, "Wechatpay-Signature")
	v2pay, v2ref := all[2], all[3]
	all = append(all,
		sent{"v3", v3h, bytes.Replace(v3b, []byte(`"id":"`), []byte(`"id":"X`), 1), true},
		sent{"v3", probe, v3b, true},
		sent{"v3", staleH, staleB, true},
		sent{"v3", foreignH, foreignB, true},
		sent{"v3", undecH, undecB, true},
		sent{"v3", noSig, v3b, true},
		sent{"v2", v2pay.h, []byte("{}"), true},
		sent{"v2", v2pay.h, bytes.Replace(v2pay.b, []byte("1500"), []byte("1"), 1), true},
		sent{"v2", v2ref.h, bytes.Replace(v2ref.b, []byte("<req_info><![CDATA["), []byte("<req_info><![CDATA[AAAA"), 1), true},
	)
	refusedWant := 0
	never = append(never, secrets(t, r, "v3", staleH, staleB)...)
	never = append(never, secrets(t, r, "v3", foreignH, foreignB)...)
	never = append(never, otherKey, undecH.Get("Wechatpay-Signature"))
	for _, s := range all {
		if !s.fail {
			never = append(never, secrets(t, r, s.api, s.h, s.b)...)
		} else {
			refusedWant++
			if st, ans := r.post("/notify/"+s.api, s.h, s.b); !strings.Contains(ans, "FAIL") {
				t.Errorf("%s delivery answered %d %s, want a failure", s.api, st, ans)
			}
		}
	}
	out := logs.String()
	for _, s := range never {
		if len(s) >= 8 && strings.Contains(out, s) {
			t.Errorf("the log holds a secret %.24q…", s)
		}
	}
	if n := strings.Count(out, `"msg":"notify: accepted"`); n != 4 {
		t.Errorf("%d accepted lines, want 4:\n%s", n, out)
	}
	if n := strings.Count(out, `"msg":"notify: refused"`); n != refusedWant {
		t.Errorf("%d refused lines, want %d:\n%s", n, refusedWant, out)
	}
	for _, reason := range []string{notify.RefusedSignature, notify.RefusedStale, notify.RefusedForeign, notify.RefusedMalformed,
		notify.RefusedUndecrypted} {
		if !strings.Contains(out, `"reason":"`+reason+`"`) {
			t.Errorf("no refusal of class %s logged:\n%s", reason, out)
		}
	}
}

func cloneHeader(h map[string][]string) map[string][]string {
	c := make(map[string][]string, len(h))
	for k, v := range h {
		c[k] = append([]string(nil), v...)
	}
	return c
}
