package ui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/shift"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// errorSentinels maps the domain's sentinel errors to what a cashier or
// manager reads, first match wins (a more specific sentinel before the one
// it wraps). An error's own text never reaches the screen: it is English,
// internal, and may name things the user cannot act on.
var errorSentinels = []struct {
	err error
	m   msg
}{
	{pos.ErrCodeUsed, msgErrCodeUsed},
	{pos.ErrTradeConflict, msgReasonConflict},
	{pos.ErrOutTradeNoUsed, msgErrNumberUsed},
	{pos.ErrDiskFull, msgErrDiskFull},
	{pos.ErrQRUnavailable, msgErrQRNoNotify},
	{pos.ErrRefundLimit, msgMgrRefundLimit},
	{pos.ErrBusy, msgMgrBusy},
	{pos.ErrNotPaid, msgErrNotPaid},
	{pos.ErrNotAuthorised, msgMgrNotManager},
	{pos.ErrBadAmount, msgErrBadAmount},
	{pos.ErrBadRequest, msgErrBadRequest},
	{pos.ErrNotFound, msgErrNotFound},
	{pos.ErrOrderNotExist, msgErrNotFound},
	{pos.ErrInvalidTransition, msgErrChanged},
	{pos.ErrClosed, msgErrClosed},

	{pos.ErrNotSignedIn, msgTillErrSignIn},
	{shift.ErrNotSignedIn, msgTillErrSignIn},
	{shift.ErrLocked, msgTillErrLocked},
	{shift.ErrNoShift, msgTillErrNoShift},
	{shift.ErrShiftOpen, msgTillErrShiftOpen},
	{shift.ErrWrongCashier, msgTillErrWrong},
	{shift.ErrBadAmount, msgErrBadAmount},

	{staff.ErrBadPIN, msgMgrBadPIN},
	{staff.ErrForbidden, msgMgrNotManager},
	{staff.ErrWeakPIN, msgMgrWeakPIN},
	{staff.ErrDisabled, msgErrUserDisabled},
	{staff.ErrSetupDone, msgErrSetupDone},
	{staff.ErrNoUsers, msgErrNoUsers},
	{staff.ErrBadName, msgErrBadName},
	{staff.ErrExists, msgErrUserExists},
	{staff.ErrNotFound, msgMgrBadPIN}, // a name that does not exist reads like a wrong PIN
	{staff.ErrLastManager, msgErrLastManager},

	{report.ErrDayClosed, msgDayErrClosed},
	{report.ErrNotOpen, msgDayErrNotOpen},
	{report.ErrAlreadyOpen, msgDayErrAlreadyOpen},
	{report.ErrBadDay, msgDayBadDay},
	{report.ErrBadAmount, msgErrBadAmount},
	{report.ErrNoReason, msgRefNeedReason},
	{report.ErrNoZ, msgErrNoZ},

	{recon.ErrNotReady, msgErrBillNotReady},
	{recon.ErrNoTrades, msgErrBillNoTrades},
	{recon.ErrBadBill, msgErrBadBill},
	{recon.ErrNoBill, msgErrNoBill},
	{recon.ErrNoResult, msgErrNoBill},
	{recon.ErrUnknownDifference, msgErrNotFound},
	{recon.ErrAlreadyResolved, msgErrResolved},
	{recon.ErrNoRecorder, msgErrReconOff},
	{recon.ErrNoOperator, msgErrReconOff},

	{ErrNoDrawer, msgMgrNoDrawer},
	{context.DeadlineExceeded, msgErrNetwork},
}

// errorEntry finds the catalogue entry for err and its arguments, by type
// first (the types carry data the text needs), then by sentinel.
func errorEntry(err error) (msg, []any, bool) {
	var (
		locked  *staff.LockedError
		notRec  *pos.NotRecordedError
		decline *pos.DeclineError
		netErr  net.Error
	)
	switch {
	case errors.As(err, &locked):
		return msgMgrLocked, []any{locked.Until.In(tz.Shanghai).Format("15:04")}, true
	case errors.As(err, &notRec):
		if notRec.Paid {
			return msgReasonNotRecorded, nil, true
		}
		return msgErrNotRecorded, nil, true
	case errors.As(err, &decline):
		if m := reasonMsg(Reason(decline.Code)); m != msgReasonOther {
			return m, nil, true
		}
		return msgReasonDeclined, nil, true
	}
	for _, s := range errorSentinels {
		if errors.Is(err, s.err) {
			return s.m, nil, true
		}
	}
	if errors.As(err, &netErr) {
		return msgErrNetwork, nil, true
	}
	return "", nil, false
}

// errorText is how an error reaches a user: its catalogue entry, or for an
// error the catalogue does not know the generic entry with a reference
// that the log carries beside the error itself.
func (t *Terminal) errorText(err error) string {
	return t.errorTextOr(msgErrUnexpected, err)
}

// errorTextOr is errorText with a fallback entry that says what failed
// ("printing failed …"); fallback takes the reference as its one argument.
func (t *Terminal) errorTextOr(fallback msg, err error) string {
	t.tillRefused(err) // the core refused for want of a cashier: the sign-in comes up
	if m, args, ok := errorEntry(err); ok {
		return t.cat.T(m, args...)
	}
	return t.cat.T(fallback, t.logError(err))
}

// errorSeq numbers the references of one run.
var errorSeq atomic.Uint32

// logError writes err to the log under a short reference and returns the
// reference: the time of day and a counter, which a manager finds in the
// log with a text search.
func (t *Terminal) logError(err error) string {
	ref := fmt.Sprintf("%s-%d", t.now().In(tz.Shanghai).Format("150405"), errorSeq.Add(1))
	t.log().Warn("error shown to the user by reference", "ref", ref, "err", err)
	return ref
}

func (t *Terminal) log() *slog.Logger {
	if t.opt.logger != nil {
		return t.opt.logger
	}
	return slog.Default()
}
