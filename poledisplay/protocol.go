package poledisplay

import (
	"strconv"
	"strings"

	"github.com/wxpos/wxpos/custdisplay"
	"github.com/wxpos/wxpos/receipt"
)

// Protocol is the command set a pole display speaks.
type Protocol string

// Protocols (docs/CUSTOMER_DISPLAY.md says where each command comes from).
const (
	// ProtocolESCPOS is Epson's ESC/POS for customer displays (the DM-D
	// series and the many 2×20 VFD/LCD poles that copy it): ESC @ to
	// initialise, CLR to clear, US $ x y to place the cursor, then text.
	ProtocolESCPOS Protocol = "escpos"
	// ProtocolCD5220 is the CD5220 set most Chinese 2×20 poles also speak:
	// ESC Q A text CR writes the upper line, ESC Q B text CR the lower.
	ProtocolCD5220 Protocol = "cd5220"
	// ProtocolLED8 is the 8-digit LED price display (数码管客显): ESC s n
	// lights one of the 单价/总计/收款/找零 lamps, ESC Q A digits CR shows
	// a number.
	ProtocolLED8 Protocol = "led8"
)

// Control bytes.
const (
	esc = 0x1B
	us  = 0x1F
	clr = 0x0C // clear the display, cursor home
	cr  = 0x0D
)

// Cols is the width of a line of a 2×20 display.
const Cols = 20

// Lamp is an LED8 display's lamp, as the byte ESC s takes.
type Lamp byte

// The LED8 lamps: ESC s '0' puts them all out.
const (
	LampNone    Lamp = '0'
	LampPrice   Lamp = '1' // 单价
	LampTotal   Lamp = '2' // 总计
	LampCollect Lamp = '3' // 收款
	LampChange  Lamp = '4' // 找零
)

// Init is what a display of protocol p is sent once after opening the port:
// ESC @ (initialise) in all three sets.
func Init(Protocol) []byte { return []byte{esc, '@'} }

// Encode is the bytes that draw f on a display of protocol p.
func Encode(p Protocol, f custdisplay.Frame) []byte {
	switch p {
	case ProtocolLED8:
		lamp, digits := LED(f)
		return LEDBytes(lamp, digits)
	case ProtocolCD5220:
		l1, l2 := Text(f)
		b := []byte{clr, esc, 'Q', 'A'}
		b = append(b, l1...)
		b = append(b, cr, esc, 'Q', 'B')
		b = append(b, l2...)
		return append(b, cr)
	}
	l1, l2 := Text(f)
	b := []byte{clr, us, '$', 1, 1}
	b = append(b, l1...)
	b = append(b, us, '$', 1, 2)
	return append(b, l2...)
}

// LEDBytes lights lamp and shows digits: ESC s n, then ESC Q A digits CR
// (an empty digits clears the numbers instead).
func LEDBytes(lamp Lamp, digits string) []byte {
	b := []byte{esc, 's', byte(lamp)}
	if digits == "" {
		return append(b, clr)
	}
	b = append(b, esc, 'Q', 'A')
	b = append(b, digits...)
	return append(b, cr)
}

// LED is what an 8-digit display shows of f: a lamp and the amount.
func LED(f custdisplay.Frame) (Lamp, string) {
	switch f.Mode {
	case custdisplay.ModeSale:
		return LampTotal, digits(f.TotalFen)
	case custdisplay.ModeAskCode, custdisplay.ModePaying, custdisplay.ModeQR, custdisplay.ModeFailed:
		return LampTotal, digits(f.AmountFen)
	case custdisplay.ModePaid:
		return LampCollect, digits(f.AmountFen)
	case custdisplay.ModeChange:
		return LampChange, digits(f.ChangeFen)
	}
	return LampNone, ""
}

// digits is fen as the LED shows it: yuan with two decimals, the point
// taking no digit; past eight digits the fen are dropped.
func digits(fen int64) string {
	s := receipt.Yuan(fen)
	if len(s)-1 > 8 {
		s = s[:len(s)-3]
	}
	return s
}

// whyText says a Why in 20 ASCII characters or fewer.
var whyText = map[custdisplay.Why]string{
	custdisplay.WhyBalance:     "INSUFFICIENT BALANCE",
	custdisplay.WhyCodeExpired: "PAY CODE EXPIRED",
	custdisplay.WhyCodeInvalid: "PAY CODE NOT VALID",
	custdisplay.WhyCard:        "CARD NOT ACCEPTED",
	custdisplay.WhyNoPassword:  "NO PASSWORD ENTERED",
	custdisplay.WhyQRExpired:   "QR CODE EXPIRED",
	custdisplay.WhyCancelled:   "CANCELLED",
	custdisplay.WhyDeclined:    "DECLINED",
	custdisplay.WhyOther:       "NOT PAID",
}

// Text is f on a 2×20 character display: two lines of exactly Cols
// printable ASCII characters. The poles' character sets share only ASCII
// (hanzi need a GB2312 font few poles have), so the words are English and
// a name in another script is shown as its line number.
func Text(f custdisplay.Frame) (string, string) {
	switch f.Mode {
	case custdisplay.ModeSale:
		if n := len(f.Lines); n > 0 {
			l := f.Lines[n-1]
			return pair(lineName(l, n), receipt.Yuan(l.TotalFen)), pair("TOTAL", receipt.Yuan(f.TotalFen))
		}
		return pad(""), pair("TOTAL", receipt.Yuan(f.TotalFen))
	case custdisplay.ModeAskCode:
		return pad("PLEASE SHOW PAY CODE"), pair("TOTAL", receipt.Yuan(f.AmountFen))
	case custdisplay.ModePaying:
		if f.Password {
			return pad("ENTER PASSWORD"), pair("TOTAL", receipt.Yuan(f.AmountFen))
		}
		return pad("PAYING..."), pair("TOTAL", receipt.Yuan(f.AmountFen))
	case custdisplay.ModeQR:
		return pad("SCAN THE QR CODE"), pair("TOTAL", receipt.Yuan(f.AmountFen))
	case custdisplay.ModePaid:
		return pad("THANK YOU"), pair("PAID", receipt.Yuan(f.AmountFen))
	case custdisplay.ModeFailed:
		why, ok := whyText[f.Why]
		if !ok {
			why = whyText[custdisplay.WhyOther]
		}
		return pad("PAYMENT FAILED"), pad(why)
	case custdisplay.ModeChange:
		return pair("CASH", receipt.Yuan(f.TenderedFen)), pair("CHANGE", receipt.Yuan(f.ChangeFen))
	}
	return pad("WELCOME"), pad("")
}

// lineName is the item's name if it is printable ASCII, else "ITEM n".
func lineName(l receipt.Line, n int) string {
	if l.Name != "" && ascii(l.Name) {
		return l.Name
	}
	return "ITEM " + strconv.Itoa(n)
}

func ascii(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7E {
			return false
		}
	}
	return true
}

// pair is label on the left and value on the right of one line; a label
// too long is cut, the value never.
func pair(label, value string) string {
	room := Cols - len(value) - 1
	if room < 0 {
		return value[len(value)-Cols:]
	}
	if len(label) > room {
		label = label[:room]
	}
	return label + strings.Repeat(" ", Cols-len(label)-len(value)) + value
}

// pad is s, printable ASCII only (anything else becomes '?'), cut or
// filled with spaces to Cols.
func pad(s string) string {
	b := make([]byte, 0, Cols)
	for _, r := range s {
		if len(b) == Cols {
			break
		}
		if r < 0x20 || r > 0x7E {
			r = '?'
		}
		b = append(b, byte(r))
	}
	for len(b) < Cols {
		b = append(b, ' ')
	}
	return string(b)
}
