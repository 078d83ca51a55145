package ui

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/pos/postest"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/tz"
)

// TestAuditSystemReasonsInWords: every reason the payment core writes
// (copied from pos) is said in the catalogue's words in both languages —
// no English left in the Chinese — and a person's reason is not touched.
func TestAuditSystemReasonsInWords(t *testing.T) {
	core := []string{
		"USERPAYING", "query: USERPAYING", "query: SUCCESS", "query: CLOSED", "query: PAYERROR", "query: REVOKED",
		"password wait timed out", "cashier cancelled", "QR expired", "no answer by the end of the password wait",
		"reverse succeeded", "reverse refused, query: SUCCESS", "reverse: order does not exist at WeChat",
		"close: order does not exist at WeChat", "closed", "closed and past time_expire", "not paid: closing",
		"close answered ORDERPAID", "resumed after restart: outcome unknown", "resumed after restart: QR no longer shown",
		"OUT_TRADE_NO_USED: checking whose order WeChat has under this number", "unexpected pay status NOTPAY",
		"refund query: SUCCESS", "refund query: PROCESSING", "refund accepted: PROCESSING", "refund refused: NOTENOUGH",
		"NOTENOUGH", "AUTHCODEEXPIRE",
	}
	for _, lang := range []Lang{LangZH, LangEN} {
		h := newHarness(t, WithLanguage(lang))
		for _, r := range core {
			got, ok := h.term.systemReason(AuditEvent{Actor: "system", Reason: r})
			switch {
			case !ok:
				t.Errorf("%s: %q has no words", lang, r)
			case lang == LangZH && strings.IndexFunc(got, func(c rune) bool { return c < unicode.MaxASCII && unicode.IsLetter(c) }) >= 0:
				t.Errorf("zh-CN: %q is said %q, with English in it", r, got)
			case got == r:
				t.Errorf("%s: %q is said as it came", lang, r)
			}
		}
		if got, ok := h.term.systemReason(AuditEvent{Actor: "Wang", Reason: "closed"}); ok {
			t.Errorf("%s: a manager's reason %q was reworded %q", lang, "closed", got)
		}
	}
}

// TestAuditLongNameAndTechnicalLine: a 32-character name is cut short with
// … in the who column, not drawn over the next one, and shown whole in the
// row's details; a refund's system reason reads in words with the core's
// text as the technical line.
func TestAuditLongNameAndTechnicalLine(t *testing.T) {
	w := newMgrWorld(t)
	ctx := context.Background()
	long := "Ouyang Wenjing-Christophersen Jr" // 32 characters, the longest a name may be
	boss, err := w.dir.Login(ctx, "Wang", "2468")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.dir.Add(ctx, boss, long, staff.RoleManager, "8642"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.dir.Login(ctx, long, "8642"); err != nil {
		t.Fatal(err)
	}
	sale, err := w.core.PayScan(ctx, pos.Sale{AmountFen: 2500, Cashier: "Li"}, postest.Code(postest.Success, 8))
	if err != nil || sale.State != pos.StatePaid {
		t.Fatalf("sale %v %v", sale, err)
	}
	if _, err := w.core.Refund(ctx, pos.RefundOrder{OutTradeNo: sale.OutTradeNo, AmountFen: 1000, Reason: "wrong size",
		Approval: pos.Approval{User: "Wang", Credential: "2468"}}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, WithLanguage(LangZH))
	s := newAuditScreen(&console{t: h.term, m: w.desk})
	h.term.show(s)
	s.from.SetText(time.Now().In(tz.Shanghai).AddDate(0, 0, -1).Format("2006-01-02"))
	s.to.SetText(time.Now().In(tz.Shanghai).AddDate(0, 0, 1).Format("2006-01-02"))
	s.load()
	h.waitFor("events", func() bool { return len(s.events) > 3 })

	byLong, bySystem := -1, -1
	for i := range s.events {
		e := s.event(i)
		if e.Actor == long {
			byLong = i
		}
		if e.Actor == "system" && strings.HasPrefix(e.Reason, "refund ") {
			bySystem = i
		}
	}
	if byLong < 0 || bySystem < 0 {
		t.Fatalf("no event by %q (%d) or refund by the system (%d)", long, byLong, bySystem)
	}

	row := newAuditRow().(*fyne.Container)
	s.list.UpdateItem(byLong, row)
	row.Resize(fyne.NewSize(900, row.MinSize().Height))
	who := row.Objects[2].(*widget.Label)
	if who.Text != long {
		t.Fatalf("who column %q, want %q", who.Text, long)
	}
	if got, room := who.MinSize().Width, auditColumns[2]; got > room || who.Size().Width > room {
		t.Errorf("the who column needs %.0f px of its %.0f: a long name overflows", got, room)
	}

	fields := func(i int) map[string]string {
		out := map[string]string{}
		for _, f := range h.term.auditFields(s.event(i)) {
			out[f.label] = f.value
		}
		return out
	}
	cat := h.term.cat
	if got := fields(byLong)[cat.T(msgAudFieldActor)]; got != long {
		t.Errorf("details say who %q, want the whole name %q", got, long)
	}
	f := fields(bySystem)
	e := s.event(bySystem)
	if why, ok := h.term.systemReason(e); !ok || f[cat.T(msgAudFieldWhy)] != why {
		t.Errorf("the refund's reason %q, want the catalogue's %q", f[cat.T(msgAudFieldWhy)], why)
	}
	if got := f[cat.T(msgAudFieldTechnical)]; got != e.Reason {
		t.Errorf("technical line %q, want the core's %q", got, e.Reason)
	}
}
