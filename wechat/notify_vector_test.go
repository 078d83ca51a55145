package wechat_test

import (
	"crypto/rsa"
	"testing"

	"github.com/wxpos/wxpos/wechat"
)

// V3: the wechatpay-go notification, checked with the primitives alone.
const (
	v3NotifyTimestamp = "1624523846"
	v3NotifyNonce     = "EcZ9Cmy4Xyx1i6RlJQzLcCyEqDa26NBz"
	v3NotifySerial    = "D7CE59D1F522D701"
	v3NotifySignature = "tJHIiIS9eB2hAYstmAmbbD3ZE5LiIm/Ug5tuL4fC0YOFRWIHV39UFIZXC0e9Wl6lBu6sKvkqDkzpqzBsVHyXF" +
		"lbYZTOQrVdG4b6LfTnK4mikv9++ixJMd3vTf2yCqvBkh98zs3Ds5zsYQakzbcwhmw4fMJs4nPLws28H0UW9FjDR//rxELLwXvV1VEA1I" +
		"BLX70xptjL8hrfUjEE8kkry6yNJTHZRU8CAc7qHli2Ng1V1qb9ARbK8A3ThmFmPQvRGrapI/jS2laKKgYUmfdEdkNO6B2Cke5e8VTxY4" +
		"06ArAmQ90GAihDwIcb16TQMnzCMBoutnwZKNiKRACrFmtxw2Q=="
	v3NotifyBody = `{"id":"3119dfba-e649-5eec-ab1e-3412bc4d2e17","create_time":"2021-06-24T16:37:26+08:00",` +
		`"resource_type":"encrypt-resource","event_type":"PAYSCORE.USER_OPEN_SERVICE","summary":"签约成功",` +
		`"resource":{"original_type":"payscore","algorithm":"AEAD_AES_256_GCM",` +
		`"ciphertext":"YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZt` +
		`tevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR` +
		`7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ==","associated_data":"payscore","nonce":"Kj7QIyUiYx1q"}}`
	v3NotifyAPIv3Key    = "testMchAPIv3Key0"
	v3NotifyPlaintext   = `{"mchid":"1234567890","appid":"054aa7d7a2a54ab5898df65bd96f001c","create_time":"2020-06-30T12:12:00+08:00","out_contract_code":"21640bdbd08e473e828f3206a2741c6e"}`
	v3NotifyCiphertext  = "YDS3lKPaC4Y52Gf3uhft5qUBlIa8b428AWTtTauHQfQrRw+X1WpiuHIDy0vo1Vd6VEq67aVyqPdDYMkRVSDaZL3iZttevRMOoPKMifozg6XPWjIZumks/GpT48lI4NizyeaqLBokNebthah3o1H76qSlO9NkDjp9bzmKLEYYH9TEklFUpsvPqOTOcgSLgh21YJXYR7dEBXFgRLiNIKRgO5JdXh1hccRUAlyVWxE54PXpnQ=="
	v3NotifyResourceNon = "Kj7QIyUiYx1q"
)

func TestV3NotifyVectorPrimitives(t *testing.T) {
	cert, err := wechat.ParseCertificatePEM(readTestdata(t, "wechatpay_cert_D7CE59D1F522D701.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if wechat.CertificateSerial(cert) != v3NotifySerial {
		t.Fatal("serial mismatch")
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	msg := wechat.V3ResponseMessage(v3NotifyTimestamp, v3NotifyNonce, v3NotifyBody)
	if err := wechat.VerifySHA256RSA(pub, msg, v3NotifySignature); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if err := wechat.VerifySHA256RSA(pub, wechat.V3ResponseMessage(v3NotifyTimestamp, v3NotifyNonce, v3NotifyBody+" "), v3NotifySignature); err == nil {
		t.Fatal("tampered body verified")
	}
	pt, err := wechat.DecryptAEADAES256GCM(v3NotifyAPIv3Key, v3NotifyResourceNon, "payscore", v3NotifyCiphertext)
	if err != nil || string(pt) != v3NotifyPlaintext {
		t.Fatalf("decrypt = %q, %v", pt, err)
	}
}
