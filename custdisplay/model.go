package custdisplay

import (
	"time"

	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/receipt"
)

// Mode is what the customer display shows.
type Mode string

// Modes of the customer display.
const (
	ModeIdle    Mode = "idle"     // the store's name (and image): no sale
	ModeSale    Mode = "sale"     // the lines keyed so far and the running total
	ModeAskCode Mode = "ask_code" // 请出示付款码: the cashier waits for the payment code
	ModePaying  Mode = "paying"   // WeChat is asked, or the customer enters the password
	ModeQR      Mode = "qr"       // the Native QR code, its amount and expiry
	ModePaid    Mode = "paid"     // 支付成功 and the amount
	ModeFailed  Mode = "failed"   // 支付失败 and why
	ModeChange  Mode = "change"   // a cash sale: tendered and the change due
)

// Input is what happened, as the table reads it.
type Input string

// Inputs of the table. The first three come from the cashier window, the
// hold from the Hub's timer, the rest from the core's events about the
// followed payment.
const (
	InKeyed   Input = "keyed"    // the sale being keyed has lines or an amount
	InCleared Input = "cleared"  // the sale being keyed is empty
	InAskCode Input = "ask_code" // the scan screen waits for the customer's code
	InHold    Input = "hold"     // a result has been up for the hold time
	InPaying  Input = "paying"   // SUBMITTING, WAITING_PASSWORD, UNKNOWN, REVERSING, CREATING
	InQR      Input = "qr"       // SHOWING_QR
	InPaid    Input = "paid"     // PAID by WeChat
	InCash    Input = "cash"     // PAID in cash
	InFailed  Input = "failed"   // FAILED, REVERSED, CLOSING, CLOSED, CONFLICT
)

// resume is the table's target "the sale as keyed now": ModeSale when it
// has lines or an amount, else ModeIdle.
const resume Mode = "resume"

// Transitions is the display's state machine: Transitions[m][in] is the
// mode after in while showing m. A pair not listed leaves m on screen
// (with its frame brought up to date when the target is m itself).
var Transitions = map[Mode]map[Input]Mode{
	ModeIdle: {InKeyed: ModeSale, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange, InFailed: ModeFailed},
	ModeSale: {InKeyed: ModeSale, InCleared: ModeIdle, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange, InFailed: ModeFailed},
	ModeAskCode: {InKeyed: ModeSale, InCleared: ModeIdle, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange, InFailed: ModeFailed},
	ModePaying: {InKeyed: ModeSale, InCleared: ModeIdle, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange, InFailed: ModeFailed},
	ModeQR: {InKeyed: ModeSale, InCleared: ModeIdle, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange, InFailed: ModeFailed},
	// A paid result or change due gives way to the next customer's first
	// line at once; an emptied sale (the cashier's next sale) keeps it up
	// until the hold ends.
	ModePaid: {InKeyed: ModeSale, InHold: resume, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange},
	ModeChange: {InKeyed: ModeSale, InHold: resume, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange},
	// A failure stays while the same sale comes back to the cashier's
	// screen (keyed); the cashier clearing it or a new attempt replaces
	// it. A QR order closing can still end PAID (WeChat: ORDERPAID on
	// close).
	ModeFailed: {InHold: resume, InCleared: ModeIdle, InAskCode: ModeAskCode, InPaying: ModePaying, InQR: ModeQR,
		InPaid: ModePaid, InCash: ModeChange, InFailed: ModeFailed},
}

// Sale is what the cashier has keyed: the lines as sold and the total
// the customer will be charged (discounts applied).
type Sale struct {
	Lines    []receipt.Line
	TotalFen int64
}

func (s Sale) empty() bool { return len(s.Lines) == 0 && s.TotalFen <= 0 }

// Frame is one complete picture for the customer: a sink draws the newest
// one it has and needs nothing else.
type Frame struct {
	Seq  uint64 // one more for every frame the model makes
	Mode Mode
	// Sale: the lines keyed and the total (ModeSale, and the lines behind
	// ModeAskCode).
	Lines    []receipt.Line
	TotalFen int64
	// AmountFen is the payment's amount (paying, QR, paid, failed, change).
	AmountFen int64
	// CodeURL and Deadline: the Native QR to draw and when it expires
	// (ModeQR); Deadline is also the password wait's end (ModePaying).
	CodeURL  string
	Deadline time.Time
	// Password is set while WeChat waits for the customer's password.
	Password bool
	// Why says why the payment failed (ModeFailed).
	Why Why
	// TenderedFen and ChangeFen: a cash sale (ModeChange).
	TenderedFen int64
	ChangeFen   int64
}

// Model is the display's state: feed it inputs, read Frame. It is not safe
// for concurrent use; Hub owns one.
type Model struct {
	frame    Frame
	sale     Sale   // the sale as the cashier keys it now
	followed string // the out_trade_no of the payment shown, "" none
}

// NewModel returns a model showing ModeIdle.
func NewModel() *Model {
	return &Model{frame: Frame{Mode: ModeIdle}}
}

// Frame returns the current frame.
func (m *Model) Frame() Frame { return m.frame }

// Keyed records the sale the cashier is keying; it reports whether the
// frame changed. The cashier keying again has left the payment shown (a
// payment in doubt parked for later): its outcome is no longer this
// customer's news.
func (m *Model) Keyed(s Sale) bool {
	m.sale = Sale{Lines: append([]receipt.Line(nil), s.Lines...), TotalFen: s.TotalFen}
	m.followed = ""
	in := InKeyed
	if m.sale.empty() {
		in = InCleared
	}
	return m.apply(in, func(f *Frame) { m.showSale(f) })
}

// AskCode records that the cashier waits for the customer's payment code
// for s; it reports whether the frame changed.
func (m *Model) AskCode(s Sale) bool {
	m.sale = Sale{Lines: append([]receipt.Line(nil), s.Lines...), TotalFen: s.TotalFen}
	m.followed = ""
	return m.apply(InAskCode, func(f *Frame) {
		m.showSale(f)
		f.AmountFen = s.TotalFen
	})
}

// HoldOver says a result has been up long enough; it reports whether the
// frame changed.
func (m *Model) HoldOver() bool {
	return m.apply(InHold, nil)
}

// Event reads one event of the core's stream; it reports whether the
// frame changed. Only order transitions count: a payment moving out of
// NEW becomes the one followed, and only its moves change the frame.
func (m *Model) Event(e pos.Event) bool {
	if (e.Kind != pos.EventOrder && e.Kind != pos.EventConflict) || e.Order == nil {
		return false
	}
	o := e.Order
	if pos.State(e.From) == pos.StateNew {
		m.followed = o.OutTradeNo
	}
	if o.OutTradeNo != m.followed {
		return false
	}
	in, ok := inputOf(o)
	if !ok {
		return false
	}
	return m.apply(in, func(f *Frame) { m.showOrder(f, in, o) })
}

// inputOf is the table's input for the state o is in.
func inputOf(o *pos.Order) (Input, bool) {
	switch o.State {
	case pos.StateSubmitting, pos.StateWaitingPassword, pos.StateUnknown, pos.StateReversing, pos.StateCreating:
		return InPaying, true
	case pos.StateShowingQR:
		return InQR, true
	case pos.StatePaid:
		if o.Tender == receipt.TenderCash {
			return InCash, true
		}
		return InPaid, true
	case pos.StateFailed, pos.StateReversed, pos.StateClosing, pos.StateClosed, pos.StateConflict:
		return InFailed, true
	}
	return "", false
}

// apply moves by the table; fill, when given, draws the new frame of a
// move (resume draws the keyed sale).
func (m *Model) apply(in Input, fill func(*Frame)) bool {
	to, ok := Transitions[m.frame.Mode][in]
	if !ok {
		return false
	}
	f := Frame{Seq: m.frame.Seq + 1, Mode: to}
	if to == resume {
		f.Mode = ModeIdle
		if !m.sale.empty() {
			f.Mode = ModeSale
		}
		m.showSale(&f)
		m.followed = ""
	} else if fill != nil {
		fill(&f)
	}
	m.frame = f
	return true
}

func (m *Model) showSale(f *Frame) {
	f.Lines, f.TotalFen = m.sale.Lines, m.sale.TotalFen
}

// showOrder draws what the order's move means to the customer.
func (m *Model) showOrder(f *Frame, in Input, o *pos.Order) {
	if in == InPaid || in == InCash {
		m.sale = Sale{} // sold: what was keyed is not shown again after the hold
	}
	f.AmountFen = o.AmountFen
	f.Lines, f.TotalFen = o.Lines, o.AmountFen
	switch in {
	case InPaying:
		f.Password = o.State == pos.StateWaitingPassword
		if f.Password {
			f.Deadline = o.Deadline
		}
	case InQR:
		f.CodeURL, f.Deadline = o.CodeURL, o.Deadline
	case InCash:
		f.TenderedFen, f.ChangeFen = o.TenderedFen, o.ChangeFen
	case InFailed:
		f.Why = WhyOf(o)
	}
}
