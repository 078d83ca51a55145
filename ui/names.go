package ui

import "github.com/wxpos/wxpos/receipt"

// reasonMsg picks the plain-words explanation of a failure reason.
func reasonMsg(r Reason) msg {
	switch r {
	case ReasonNotEnough:
		return msgReasonNotEnough
	case ReasonCodeExpired:
		return msgReasonCodeExpired
	case ReasonCodeError:
		return msgReasonCodeError
	case ReasonCodeInvalid:
		return msgReasonCodeInvalid
	case ReasonCardNotUsable:
		return msgReasonCardNotUsable
	case ReasonPasswordTimeout:
		return msgReasonNoPassword
	case ReasonDeclined:
		return msgReasonDeclined
	case ReasonConflict:
		return msgReasonConflict
	case ReasonNotRecorded:
		return msgReasonNotRecorded
	}
	return msgReasonOther
}

// stateMsg names a payment state for the history list.
func stateMsg(s State) msg {
	switch s {
	case StatePaid:
		return msgStatePaid
	case StateFailed:
		return msgStateFailed
	case StateUnknown:
		return msgStateUnknown
	case StateReversed:
		return msgStateReversed
	case StateClosed:
		return msgStateClosed
	case StateConflict:
		return msgStateConflict
	}
	return msgStatePending
}

// tenderMsg names a tender.
func tenderMsg(t receipt.Tender) msg {
	switch t {
	case receipt.TenderWeChatQR:
		return msgTenderQR
	case receipt.TenderCash:
		return msgTenderCash
	}
	return msgTenderScan
}

// tenderShortMsg names a tender in a narrow column.
func tenderShortMsg(t receipt.Tender) msg {
	switch t {
	case receipt.TenderWeChatQR:
		return msgTenderQRShort
	case receipt.TenderCash:
		return msgTenderCash
	}
	return msgTenderScanShort
}
