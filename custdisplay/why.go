package custdisplay

import "github.com/wxpos/wxpos/pos"

// Why is why a payment did not go through, in the few classes a customer
// needs: what to do next differs between them.
type Why string

// Reasons shown to the customer.
const (
	WhyBalance     Why = "balance"      // NOTENOUGH: not enough money on the card or balance
	WhyCodeExpired Why = "code_expired" // AUTHCODEEXPIRE: refresh the payment code
	WhyCodeInvalid Why = "code_invalid" // AUTH_CODE_ERROR, AUTH_CODE_INVALID: not a usable code
	WhyCard        Why = "card"         // NOTSUPORTCARD: choose another card
	WhyNoPassword  Why = "no_password"  // reversed: the password wait ran out
	WhyQRExpired   Why = "qr_expired"   // the QR order closed at its expiry
	WhyCancelled   Why = "cancelled"    // the cashier cancelled
	WhyDeclined    Why = "declined"     // TRADE_ERROR and other refusals
	WhyOther       Why = "other"        // anything else, said generically
)

// whyOfCode maps WeChat's codes (v2 err_code / v3 code) to the customer's
// reasons; a code not here is WhyOther.
var whyOfCode = map[string]Why{
	"NOTENOUGH":         WhyBalance,
	"AUTHCODEEXPIRE":    WhyCodeExpired,
	"AUTH_CODE_ERROR":   WhyCodeInvalid,
	"AUTH_CODE_INVALID": WhyCodeInvalid,
	"NOTSUPORTCARD":     WhyCard,
	"TRADE_ERROR":       WhyDeclined,
	"BUYER_MISMATCH":    WhyDeclined,
}

// WhyOf says why o, which ended unpaid, ended: WeChat's code when it gave
// one, else how the payment stopped: a reverse or close at or after the
// order's deadline (the password wait, the QR's expiry) ran out of time, one before it was the cashier's cancel — the core
// records no code for either. A conflict or a disk that could not record the
// answer is the cashier's and manager's problem: the customer reads the
// generic reason.
func WhyOf(o *pos.Order) Why {
	if w, ok := whyOfCode[o.ErrorCode]; ok {
		return w
	}
	switch {
	case o.ErrorCode != "":
		return WhyOther
	case o.State != pos.StateReversed && o.State != pos.StateReversing && o.State != pos.StateClosed && o.State != pos.StateClosing:
		return WhyOther
	case o.Deadline.IsZero() || o.UpdatedAt.Before(o.Deadline):
		return WhyCancelled
	case o.State == pos.StateReversed || o.State == pos.StateReversing:
		return WhyNoPassword
	}
	return WhyQRExpired
}
