package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/recon"
	"github.com/wxpos/wxpos/report"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
	"github.com/wxpos/wxpos/tz"
)

// TestAuditNamesEveryKind: every event kind the packages write has a name
// in both languages, so the trail never shows "refund.transition".
func TestAuditNamesEveryKind(t *testing.T) {
	kinds := []string{
		string(pos.EventOrder), string(pos.EventRefund), string(pos.EventForce), string(pos.EventOutbox),
		string(pos.EventCancel), string(pos.EventReceipt), string(pos.EventAdopt), string(pos.EventAck),
		string(pos.EventConflict), string(pos.EventRecord),
		staff.KindSetup, staff.KindUserAdded, staff.KindUserChanged, staff.KindLogin, staff.KindLogout,
		staff.KindPINFailed, staff.KindLockedOut, staff.KindOverride, staff.KindDenied, staff.KindPINChanged,
		staff.KindSettings, staff.KindUnknownUser,
		report.KindDayOpen, report.KindCashIn, report.KindCashOut, report.KindDayClose,
		recon.EventBillStored, recon.EventReconRun, recon.EventResolve, recon.EventQuery,
		storage.RestoreEvent, "drawer.open",
	}
	for _, k := range kinds {
		tr, ok := lookup(msg("aud.kind." + k))
		if !ok || tr.zh == "" || tr.en == "" {
			t.Errorf("event kind %q has no name in both languages", k)
		}
	}
}

// TestAuditTrailReadable is issue 17 part 6 for the audit log: it opens on
// today in the store's zone, rows name events from the catalogue (never
// the stored kind), and a row's details are labelled fields with money as
// money, not JSON.
func TestAuditTrailReadable(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	sale, err := w.core.PayScan(ctx, pos.Sale{AmountFen: 2500, Cashier: "Li"}, postest.Code(postest.Success, 7))
	if err != nil || sale.State != pos.StatePaid {
		t.Fatalf("sale %v %v", sale, err)
	}
	if _, err := w.core.Refund(ctx, pos.RefundOrder{OutTradeNo: sale.OutTradeNo, AmountFen: 1000, Reason: "wrong size",
		Approval: pos.Approval{User: "Wang", Credential: "2468"}}); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []Lang{LangZH, LangEN} {
		t.Run(string(lang), func(t *testing.T) {
			h := newHarness(t, WithLanguage(lang))
			c := &console{t: h.term, m: w.desk}
			s := newAuditScreen(c)
			h.term.show(s)
			today := h.clock.Now().In(tz.Shanghai).Format("2006-01-02")
			if s.from.Text != today || s.to.Text != today {
				t.Errorf("period %s – %s, want today %s", s.from.Text, s.to.Text, today)
			}
			// The rig's events are stamped now; show them whatever the
			// harness clock says.
			s.from.SetText(time.Now().In(tz.Shanghai).AddDate(0, 0, -1).Format("2006-01-02"))
			s.to.SetText(time.Now().In(tz.Shanghai).AddDate(0, 0, 1).Format("2006-01-02"))
			s.load()
			h.waitFor("events", func() bool { return len(s.events) > 3 })
			h.assertCatalogue(t, "audit trail", "system", "Wang", "Li")
			refundRow := -1
			for i := range s.events {
				row := h.term.auditRow(s.event(i))
				for _, kind := range []string{"refund.transition", "order.transition", "override", "receipt.issued"} {
					if row[1] == kind {
						t.Errorf("row %d names its event %q, the stored kind", i, row[1])
					}
				}
				if row[1] == h.term.cat.T(msgAudKindOther) {
					t.Errorf("row %d: kind %q has no name", i, s.event(i).Kind)
				}
				if e := s.event(i); e.Kind == string(pos.EventRefund) && e.To == "SUCCESS" {
					refundRow = i
				}
			}
			if refundRow < 0 {
				t.Fatal("no refund success in the trail")
			}
			s.list.Select(refundRow)
			if !s.detail {
				t.Fatal("selecting a row showed no details")
			}
			fields := map[string]string{}
			for _, f := range h.term.auditFields(s.event(refundRow)) {
				fields[f.label] = f.value
				if strings.ContainsAny(f.value, "{}\"") {
					t.Errorf("%s: %q looks like raw JSON", f.label, f.value)
				}
			}
			cat := h.term.cat
			if got := fields[cat.T("aud.field.amount_fen")]; got != "¥10.00" {
				t.Errorf("amount %q, want ¥10.00 (fields %v)", got, fields)
			}
			if got, want := fields[cat.T(msgAudFieldMove)], cat.T(msgAudMove, cat.T("aud.rst.PROCESSING"), cat.T("aud.rst.SUCCESS")); got != want && got != cat.T(msgAudMove, cat.T("aud.rst.SUBMITTED"), cat.T("aud.rst.SUCCESS")) {
				t.Errorf("state %q, want %q", got, want)
			}
			h.key(fyne.KeyEscape)
			if s.detail {
				t.Error("Esc left the details open")
			}
			screenAs[*auditScreen](h)
		})
	}
}

// TestAuditPeriodPicker fills the date fields from the picker.
func TestAuditPeriodPicker(t *testing.T) {
	w := newMgrWorld(t)
	h := newHarness(t)
	c := &console{t: h.term, m: w.desk}
	s := newAuditScreen(c)
	h.term.show(s)
	today := h.clock.Now().In(tz.Shanghai)
	tests := []struct {
		i        int
		from, to time.Time
	}{
		{1, today.AddDate(0, 0, -1), today.AddDate(0, 0, -1)},
		{2, today.AddDate(0, 0, -6), today},
		{3, time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, tz.Shanghai), today},
		{0, today, today},
	}
	for _, tt := range tests {
		s.period.SetSelectedIndex(tt.i)
		if s.from.Text != tt.from.Format("2006-01-02") || s.to.Text != tt.to.Format("2006-01-02") {
			t.Errorf("period %d: %s – %s, want %s – %s", tt.i, s.from.Text, s.to.Text, tt.from.Format("2006-01-02"), tt.to.Format("2006-01-02"))
		}
	}
}
