package cli

import (
	"testing"

	"github.com/wxpos/wxpos/pos"
)

// TestConflictIsNotUnknown: a sale whose number belongs to another payment
// is reported to scripts as CONFLICT with the "declined" exit status (never
// paid), not as UNKNOWN (which tells them to check again).
func TestConflictIsNotUnknown(t *testing.T) {
	o := &pos.Order{OutTradeNo: "PS01-T01-00000001", State: pos.StateConflict, AmountFen: 8888,
		ErrorCode: pos.ConflictCode, Message: "this order number belongs to another payment"}
	if j := orderJSON(o); j.State != string(pos.StateConflict) || j.Message != o.Message {
		t.Errorf("json %+v", j)
	}
	if got := orderExit(o); got != ExitDeclined {
		t.Errorf("exit %d, want %d", got, ExitDeclined)
	}
}
