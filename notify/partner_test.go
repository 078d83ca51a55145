package notify_test

import (
	"testing"

	"github.com/wxpos/wxpos/notify"
	"github.com/wxpos/wxpos/wechat"
)

// asPartner makes r the sandbox's sub-merchant: clients of the service
// provider acting for it, and a receiver with the provider's keys that
// accepts the store's (sub_mchid) notifications only.
func (r *rig) asPartner() {
	t := r.t
	p := r.prof.Partner
	var err error
	r.v3, err = wechat.New(wechat.WithBaseURL(r.prof.BaseURL), wechat.WithMerchant(p.SpMchID, p.SpAppID), wechat.WithSubMerchant(p.SubMchID, ""),
		wechat.WithMerchantKey(p.MerchantSerialNo, []byte(p.MerchantPrivateKeyPEM)), wechat.WithV3Key(p.APIV3Key),
		wechat.WithWechatPayPublicKey(p.PlatformPublicKeyID, []byte(p.PlatformPublicKeyPEM)), wechat.WithClock(r.sb.Now))
	if err != nil {
		t.Fatal(err)
	}
	r.v2, err = wechat.NewV2(wechat.WithBaseURL(r.prof.BaseURL), wechat.WithMerchant(p.SpMchID, p.SpAppID), wechat.WithSubMerchant(p.SubMchID, ""),
		wechat.WithV2Key(p.APIKey, wechat.SignMD5), wechat.WithClientCertificate([]byte(p.ClientCertPEM), []byte(p.MerchantPrivateKeyPEM)))
	if err != nil {
		t.Fatal(err)
	}
	v, err := wechat.NewPublicKeyVerifier(p.PlatformPublicKeyID, []byte(p.PlatformPublicKeyPEM))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := notify.NewReceiver(notify.Receiver{MchID: p.SubMchID, Sink: r.sink, V2APIKey: p.APIKey,
		V3: &wechat.NotifyParser{Verifier: v, APIv3Key: p.APIV3Key}})
	if err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	r.rc = rc
	r.mu.Unlock()
}

// A service provider's payment and refund notifications of each generation
// are the sub-merchant's: recorded under sub_mchid by a receiver that
// accepts that merchant only.
func TestPartnerNotificationsRecorded(t *testing.T) {
	for _, api := range []string{"v3", "v2"} {
		t.Run(api, func(t *testing.T) {
			r := newRig(t)
			r.asPartner()
			no := "PS01-T01-SP" + api
			r.paidQR(api, no, 3000)
			r.refund(api, no, "RS01-T01-SP"+api, 1000, 3000)
			if n := r.deliver(); n != 2 {
				t.Fatalf("delivered %d, want 2 (refusals %+v)", n, r.refusals())
			}
			recs := r.records()
			if len(recs) != 2 {
				t.Fatalf("records %+v", recs)
			}
			for _, rec := range recs {
				if rec.MchID != r.prof.Partner.SubMchID || rec.OutTradeNo != no {
					t.Errorf("record %+v, want the sub-merchant's %s", rec, r.prof.Partner.SubMchID)
				}
			}
		})
	}
}
