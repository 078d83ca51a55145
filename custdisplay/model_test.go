package custdisplay

import (
	"testing"
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

var t0 = time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)

// move is the event the core publishes when order no moves from → to.
func move(no string, tender receipt.Tender, from, to pos.State, set func(*pos.Order)) pos.Event {
	o := &pos.Order{OutTradeNo: no, Tender: tender, State: to, AmountFen: 1250, UpdatedAt: t0}
	if set != nil {
		set(o)
	}
	return pos.Event{Kind: pos.EventOrder, Ref: no, From: string(from), To: string(to), Order: o}
}

var twoLines = Sale{Lines: []receipt.Line{{Name: "Tea", Qty: 1, UnitFen: 450, TotalFen: 450}, {Name: "Bun", Qty: 2, UnitFen: 400, TotalFen: 800}}, TotalFen: 1250}

// step is one input and the mode it must leave on display.
type step struct {
	name string
	in   func(m *Model) bool
	want Mode
	// check, when set, looks at the frame after the step.
	check func(t *testing.T, f Frame)
}

func keyed(s Sale) func(*Model) bool   { return func(m *Model) bool { return m.Keyed(s) } }
func askCode(s Sale) func(*Model) bool { return func(m *Model) bool { return m.AskCode(s) } }
func event(e pos.Event) func(*Model) bool {
	return func(m *Model) bool { return m.Event(e) }
}
func holdOver(m *Model) bool { return m.HoldOver() }

func TestModelFlows(t *testing.T) {
	scan, qr, cash := receipt.TenderWeChatScan, receipt.TenderWeChatQR, receipt.TenderCash
	flows := map[string][]step{
		"scan sale": {
			{"first line", keyed(Sale{Lines: twoLines.Lines[:1], TotalFen: 450}), ModeSale, func(t *testing.T, f Frame) {
				if len(f.Lines) != 1 || f.TotalFen != 450 {
					t.Errorf("lines %d total %d, want 1 line, 450", len(f.Lines), f.TotalFen)
				}
			}},
			{"second line", keyed(twoLines), ModeSale, func(t *testing.T, f Frame) {
				if len(f.Lines) != 2 || f.TotalFen != 1250 {
					t.Errorf("lines %d total %d, want 2 lines, 1250", len(f.Lines), f.TotalFen)
				}
			}},
			{"scan screen", askCode(twoLines), ModeAskCode, func(t *testing.T, f Frame) {
				if f.AmountFen != 1250 {
					t.Errorf("amount %d, want 1250", f.AmountFen)
				}
			}},
			{"submitting", event(move("A1", scan, pos.StateNew, pos.StateSubmitting, nil)), ModePaying, nil},
			{"password", event(move("A1", scan, pos.StateSubmitting, pos.StateWaitingPassword, func(o *pos.Order) { o.Deadline = t0.Add(30 * time.Second) })), ModePaying,
				func(t *testing.T, f Frame) {
					if !f.Password || !f.Deadline.Equal(t0.Add(30*time.Second)) {
						t.Errorf("password %v deadline %v, want the password wait", f.Password, f.Deadline)
					}
				}},
			{"paid", event(move("A1", scan, pos.StateWaitingPassword, pos.StatePaid, nil)), ModePaid, func(t *testing.T, f Frame) {
				if f.AmountFen != 1250 {
					t.Errorf("paid amount %d, want 1250", f.AmountFen)
				}
			}},
			{"next sale cleared: the result stays", keyed(Sale{}), ModePaid, nil},
			{"hold over", holdOver, ModeIdle, nil},
		},
		"QR sale": {
			{"amount keyed", keyed(Sale{TotalFen: 1250}), ModeSale, nil},
			{"creating", event(move("Q1", qr, pos.StateNew, pos.StateCreating, nil)), ModePaying, nil},
			{"showing", event(move("Q1", qr, pos.StateCreating, pos.StateShowingQR, func(o *pos.Order) {
				o.CodeURL, o.Deadline = "weixin://wxpay/bizpayurl?pr=abc", t0.Add(5*time.Minute)
			})), ModeQR, func(t *testing.T, f Frame) {
				if f.CodeURL == "" || !f.Deadline.Equal(t0.Add(5*time.Minute)) || f.AmountFen != 1250 {
					t.Errorf("QR frame %+v lacks the code, expiry or amount", f)
				}
			}},
			{"paid", event(move("Q1", qr, pos.StateShowingQR, pos.StatePaid, nil)), ModePaid, nil},
			{"the next customer's first line replaces it", keyed(Sale{Lines: twoLines.Lines[:1], TotalFen: 450}), ModeSale, nil},
		},
		"QR paid while closing": {
			{"showing", event(move("Q2", qr, pos.StateNew, pos.StateShowingQR, nil)), ModeQR, nil},
			{"closing", event(move("Q2", qr, pos.StateShowingQR, pos.StateClosing, func(o *pos.Order) { o.Deadline = t0.Add(time.Minute) })), ModeFailed,
				func(t *testing.T, f Frame) {
					if f.Why != WhyCancelled {
						t.Errorf("why %q, want %q (closed before its expiry)", f.Why, WhyCancelled)
					}
				}},
			{"ORDERPAID on close", event(move("Q2", qr, pos.StateClosing, pos.StatePaid, nil)), ModePaid, nil},
		},
		"failed payment": {
			{"lines", keyed(twoLines), ModeSale, nil},
			{"scan screen", askCode(twoLines), ModeAskCode, nil},
			{"submitting", event(move("F1", scan, pos.StateNew, pos.StateSubmitting, nil)), ModePaying, nil},
			{"not enough", event(move("F1", scan, pos.StateSubmitting, pos.StateFailed, func(o *pos.Order) { o.ErrorCode = "NOTENOUGH" })), ModeFailed,
				func(t *testing.T, f Frame) {
					if f.Why != WhyBalance {
						t.Errorf("why %q, want %q", f.Why, WhyBalance)
					}
				}},
			{"the same sale back on the cashier's screen: the reason stays", keyed(twoLines), ModeFailed, nil},
			{"hold over: the sale again", holdOver, ModeSale, func(t *testing.T, f Frame) {
				if len(f.Lines) != 2 || f.TotalFen != 1250 {
					t.Errorf("lines %d total %d, want the sale's 2 lines, 1250", len(f.Lines), f.TotalFen)
				}
			}},
		},
		"failed payment, sale cleared": {
			{"submitting", event(move("F2", scan, pos.StateNew, pos.StateSubmitting, nil)), ModePaying, nil},
			{"expired code", event(move("F2", scan, pos.StateSubmitting, pos.StateFailed, func(o *pos.Order) { o.ErrorCode = "AUTHCODEEXPIRE" })), ModeFailed, nil},
			{"the cashier clears the sale", keyed(Sale{}), ModeIdle, nil},
		},
		"cash sale": {
			{"lines", keyed(twoLines), ModeSale, nil},
			{"paid", event(move("C1", cash, pos.StateNew, pos.StatePaid, func(o *pos.Order) { o.TenderedFen, o.ChangeFen = 2000, 750 })), ModeChange,
				func(t *testing.T, f Frame) {
					if f.TenderedFen != 2000 || f.ChangeFen != 750 || f.AmountFen != 1250 {
						t.Errorf("tendered %d change %d amount %d, want 2000, 750, 1250", f.TenderedFen, f.ChangeFen, f.AmountFen)
					}
				}},
			{"cleared", keyed(Sale{}), ModeChange, nil},
			{"hold over", holdOver, ModeIdle, nil},
		},
		"the paid sale is not shown again after the hold": {
			{"lines", keyed(twoLines), ModeSale, nil},
			{"paid", event(move("C2", cash, pos.StateNew, pos.StatePaid, nil)), ModeChange, nil},
			{"hold over before the cashier's next sale", holdOver, ModeIdle, nil},
		},
		"another order's moves are not shown": {
			{"lines", keyed(twoLines), ModeSale, nil},
			{"recovery settles an old order", event(move("OLD", scan, pos.StateUnknown, pos.StatePaid, nil)), ModeSale, nil},
			{"recovery fails another", event(move("OLD2", scan, pos.StateReversing, pos.StateReversed, nil)), ModeSale, nil},
		},
		"a parked payment's outcome is not the next customer's": {
			{"submitting", event(move("U1", scan, pos.StateNew, pos.StateSubmitting, nil)), ModePaying, nil},
			{"unknown", event(move("U1", scan, pos.StateSubmitting, pos.StateUnknown, nil)), ModePaying, nil},
			{"parked: next sale keyed", keyed(twoLines), ModeSale, nil},
			{"recovery finds it paid", event(move("U1", scan, pos.StateUnknown, pos.StatePaid, nil)), ModeSale, nil},
		},
	}
	for name, steps := range flows {
		t.Run(name, func(t *testing.T) {
			m := NewModel()
			for _, s := range steps {
				seq := m.Frame().Seq
				changed := s.in(m)
				f := m.Frame()
				if f.Mode != s.want {
					t.Fatalf("%s: mode %q, want %q", s.name, f.Mode, s.want)
				}
				if changed != (f.Seq != seq) {
					t.Errorf("%s: reported changed=%v but seq %d → %d", s.name, changed, seq, f.Seq)
				}
				if s.check != nil {
					s.check(t, f)
				}
			}
		})
	}
}

// TestTransitionsTable checks the table against what it promises: every
// mode can be left, results are held, and a target is a mode (or resume).
func TestTransitionsTable(t *testing.T) {
	modes := []Mode{ModeIdle, ModeSale, ModeAskCode, ModePaying, ModeQR, ModePaid, ModeFailed, ModeChange}
	known := map[Mode]bool{resume: true}
	for _, m := range modes {
		known[m] = true
	}
	for _, m := range modes {
		row, ok := Transitions[m]
		if !ok {
			t.Errorf("mode %q has no row", m)
			continue
		}
		for in, to := range row {
			if !known[to] {
				t.Errorf("%q + %q → %q: not a mode", m, in, to)
			}
		}
		// Every mode reacts to the next payment starting.
		if _, ok := row[InPaid]; !ok {
			t.Errorf("%q ignores a payment paid", m)
		}
	}
	for _, m := range []Mode{ModePaid, ModeFailed, ModeChange} {
		if Transitions[m][InHold] != resume {
			t.Errorf("%q is not left when the hold is over", m)
		}
	}
	for _, m := range []Mode{ModePaid, ModeChange} {
		if _, ok := Transitions[m][InCleared]; ok {
			t.Errorf("%q gives way to the cashier's next (empty) sale before the hold is over", m)
		}
	}
	if _, ok := Transitions[ModeFailed][InKeyed]; ok {
		t.Error("a failure gives way to its own sale coming back before the customer could read it")
	}
}

func TestWhyOf(t *testing.T) {
	deadline := t0.Add(time.Minute)
	cases := []struct {
		name string
		o    pos.Order
		want Why
	}{
		{"not enough", pos.Order{State: pos.StateFailed, ErrorCode: "NOTENOUGH"}, WhyBalance},
		{"code expired", pos.Order{State: pos.StateFailed, ErrorCode: "AUTHCODEEXPIRE"}, WhyCodeExpired},
		{"code used", pos.Order{State: pos.StateFailed, ErrorCode: "AUTH_CODE_ERROR"}, WhyCodeInvalid},
		{"card", pos.Order{State: pos.StateFailed, ErrorCode: "NOTSUPORTCARD"}, WhyCard},
		{"unknown code", pos.Order{State: pos.StateFailed, ErrorCode: "SOMETHING"}, WhyOther},
		{"conflict", pos.Order{State: pos.StateConflict, ErrorCode: pos.ConflictCode}, WhyOther},
		{"reversed at the password deadline", pos.Order{State: pos.StateReversed, Deadline: deadline, UpdatedAt: deadline}, WhyNoPassword},
		{"reversed before it", pos.Order{State: pos.StateReversed, Deadline: deadline, UpdatedAt: t0}, WhyCancelled},
		{"QR closed after expiry", pos.Order{State: pos.StateClosed, Deadline: deadline, UpdatedAt: deadline.Add(time.Second)}, WhyQRExpired},
		{"QR closed before it", pos.Order{State: pos.StateClosed, Deadline: deadline, UpdatedAt: t0}, WhyCancelled},
		{"failed without a code", pos.Order{State: pos.StateFailed}, WhyOther},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := WhyOf(&c.o); got != c.want {
				t.Errorf("WhyOf = %q, want %q", got, c.want)
			}
		})
	}
}
