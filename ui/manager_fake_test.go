package ui

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/staff"
)

// fakeManager is a Manager without a database or a payment core: a test
// sets the methods its screen calls; any other call panics (the embedded
// interface is nil), so a screen reaching further than the test expects
// fails loudly.
type fakeManager struct {
	Manager
	mu       sync.Mutex // the screens call from their own goroutines
	trail    func(staff.Filter) ([]AuditEvent, error)
	exported []AuditEvent
}

func (f *fakeManager) Trail(fl staff.Filter) ([]AuditEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.trail(fl)
}

func (f *fakeManager) ExportTrail(ev []AuditEvent) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exported = ev
	return "/exports/audit.csv", nil
}

// locked runs fn under the fake's lock, for reading what the screens did.
func (f *fakeManager) locked(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

// The audit screen runs on the Manager interface alone: it lists what the
// back end returns newest first, asks again with the kind chosen, exports
// what it shows, and says a failure in the user's words.
func TestAuditScreenOnFakeManager(t *testing.T) {
	at := time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	events := []AuditEvent{
		{Seq: 1, Time: at, Kind: "user.login", Actor: "Wang"},
		{Seq: 2, Time: at.Add(time.Minute), Kind: "drawer.open", Actor: "Wang", Ref: "Li", Reason: "opened"},
	}
	var asked []staff.Filter
	var fail error
	m := &fakeManager{trail: func(f staff.Filter) ([]AuditEvent, error) {
		asked = append(asked, f)
		if fail != nil {
			return nil, fail
		}
		return events, nil
	}}
	h := newHarness(t, WithLanguage(LangEN))
	c := &console{t: h.term, m: m}
	h.term.show(newAuditScreen(c))
	s := screenAs[*auditScreen](h)
	h.waitFor("the trail", func() bool { return len(s.events) == 2 })
	m.locked(func() {
		if len(asked) == 0 || asked[0].Kinds != nil {
			t.Fatalf("first filter %+v, want every kind", asked)
		}
	})
	if want := [4]string{"2026-11-26 10:01:00", "Cash drawer opened", "Wang", "Li"}; s.list.Length() != 2 || h.term.auditRow(s.event(0)) != want {
		t.Errorf("listed %d, newest as %q, want %q", s.list.Length(), h.term.auditRow(s.event(0)), want)
	}
	if s.count.Text != h.term.mt(msgAudCount, 2) {
		t.Errorf("count %q", s.count.Text)
	}

	s.kind.SetSelectedIndex(1) // logins
	h.waitFor("a query for logins", func() (ok bool) {
		m.locked(func() {
			ok = slices.ContainsFunc(asked, func(f staff.Filter) bool { return slices.Equal(f.Kinds, []string{"user."}) })
		})
		return ok
	})

	s.export()
	h.waitFor("the export", func() bool { return strings.Contains(s.message.Text, "/exports/audit.csv") })
	m.locked(func() {
		if len(m.exported) != 2 || m.exported[1].Kind != "drawer.open" {
			t.Errorf("exported %+v", m.exported)
		}
		fail = errors.Join(errors.New("commit"), pos.ErrDiskFull)
	})
	s.load()
	var want string
	m.locked(func() { want = h.term.errorText(fail) })
	h.waitFor("the failure", func() bool { return s.message.Text == want })
	if strings.Contains(want, "commit") {
		t.Errorf("internal error text on screen: %q", want)
	}
}
