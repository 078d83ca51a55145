package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
)

// timeoutErr is a network error as net/http reports a timeout.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "dial tcp 10.0.0.1:443: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// TestErrorTextByType checks that each error class the domain returns is
// shown as its catalogue entry, found by type or sentinel through any
// wrapping, and never as the error's own text.
func TestErrorTextByType(t *testing.T) {
	until := time.Date(2026, 11, 26, 2, 30, 0, 0, time.UTC) // 10:30 in the store's zone
	tests := []struct {
		name string
		err  error
		want msg
		args []any
	}{
		{"payment code used", fmt.Errorf("payment code …2153: %w", pos.ErrCodeUsed), msgErrCodeUsed, nil},
		{"declined insufficient funds", &pos.DeclineError{Code: "NOTENOUGH", Message: "余额不足"}, msgReasonNotEnough, nil},
		{"declined, code WeChat does not explain", fmt.Errorf("pay: %w", &pos.DeclineError{Code: "ACCOUNTERROR"}), msgReasonDeclined, nil},
		{"paid, not recorded", &pos.NotRecordedError{Ref: "P1", Paid: true, Err: pos.ErrDiskFull}, msgReasonNotRecorded, nil},
		{"answer not recorded", &pos.NotRecordedError{Ref: "P1", To: "FAILED", Err: errors.New("io")}, msgErrNotRecorded, nil},
		{"conflict", fmt.Errorf("order P1: %w", pos.ErrTradeConflict), msgReasonConflict, nil},
		{"disk full before the call", &storage.DiskFullError{Dir: "/var/lib/wxpos"}, msgErrDiskFull, nil},
		{"network down", fmt.Errorf("refund: %w", timeoutErr{}), msgErrNetwork, nil},
		{"deadline", fmt.Errorf("recheck: %w", context.DeadlineExceeded), msgErrNetwork, nil},
		{"wrong PIN", fmt.Errorf("authorize: %w", staff.ErrBadPIN), msgMgrBadPIN, nil},
		{"locked out", &staff.LockedError{Name: "Wang", Until: until}, msgMgrLocked, []any{"10:30"}},
		{"not a manager", staff.ErrForbidden, msgMgrNotManager, nil},
		{"refund refused locally", fmt.Errorf("refund: %w", pos.ErrRefundLimit), msgMgrRefundLimit, nil},
		{"refund of an unpaid sale", pos.ErrNotPaid, msgErrNotPaid, nil},
		{"busy", pos.ErrBusy, msgMgrBusy, nil},
		{"moved on", &pos.TransitionError{Ref: "P1", From: "PAID", To: "PAID", Stale: true}, msgErrChanged, nil},
		{"day closed", report.ErrDayClosed, msgDayErrClosed, nil},
		{"bill not ready", fmt.Errorf("fetch: %w", recon.ErrNotReady), msgErrBillNotReady, nil},
		{"no drawer", ErrNoDrawer, msgMgrNoDrawer, nil},
	}
	for _, lang := range []Lang{LangZH, LangEN} {
		for _, tt := range tests {
			t.Run(string(lang)+"/"+tt.name, func(t *testing.T) {
				var log bytes.Buffer
				h := newHarness(t, WithLanguage(lang), WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
				got := h.term.errorText(tt.err)
				if want := newCatalog(lang).T(tt.want, tt.args...); got != want {
					t.Errorf("errorText = %q, want %q", got, want)
				}
				if log.Len() != 0 {
					t.Errorf("a mapped error was logged as unexplained: %s", log.String())
				}
			})
		}
	}
}

// TestErrorTextUnmappedHasReference checks that an error the catalogue
// does not know shows the generic entry with a reference, and that the log
// holds the same reference beside the error's own text.
func TestErrorTextUnmappedHasReference(t *testing.T) {
	var log bytes.Buffer
	h := newHarness(t, WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	got := h.term.errorText(errors.New("bolt: page 17 already freed"))
	const prefix = "操作没有完成（参考号 "
	if !strings.HasPrefix(got, prefix) || strings.Contains(got, "bolt") {
		t.Fatalf("errorText = %q, want the generic entry with a reference", got)
	}
	ref := strings.TrimPrefix(got, prefix)
	ref = ref[:strings.Index(ref, "）")]
	if got != zh(msgErrUnexpected, ref) {
		t.Errorf("errorText = %q, want %q", got, zh(msgErrUnexpected, ref))
	}
	if line := log.String(); !strings.Contains(line, "ref="+ref) || !strings.Contains(line, "page 17 already freed") {
		t.Errorf("log %q lacks ref=%s and the error", line, ref)
	}
	if again := h.term.errorText(errors.New("bolt: page 17 already freed")); again == got {
		t.Errorf("two errors got the same reference %q", ref)
	}
}
