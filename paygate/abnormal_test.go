package paygate

import (
	"errors"
	"testing"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/wechat"
)

// The core offers the manager the cards the client accepts, in one order.
func TestAbnormalBankTypesAgree(t *testing.T) {
	if len(pos.AbnormalBankTypes) != len(wechat.AbnormalBankTypes) {
		t.Fatalf("pos has %d bank types, wechat %d", len(pos.AbnormalBankTypes), len(wechat.AbnormalBankTypes))
	}
	for i, b := range pos.AbnormalBankTypes {
		if b.Code != wechat.AbnormalBankTypes[i] || b.Name == "" {
			t.Errorf("pos %v, wechat %s", b, wechat.AbnormalBankTypes[i])
		}
	}
}

// A v2 gateway says it cannot settle before anything is recorded.
func TestAbnormalReadyV2(t *testing.T) {
	if err := NewV2(&wechat.V2Client{}, Options{}).AbnormalReady(); !errors.Is(err, pos.ErrAbnormalUnsupported) {
		t.Fatal(err)
	}
	if err := NewV3(&wechat.Client{}, Options{}).AbnormalReady(); err != nil {
		t.Fatal(err)
	}
}
