// Package poledisplay drives the customer pole display on the counter — a
// 2×20 character VFD/LCD or an 8-digit LED price display on a serial port
// — as a custdisplay.Sink: each Frame becomes the bytes of the display's
// command set (Encode), written by Display, which reopens the port after a
// failure and never holds the counter up (custdisplay's Hub gives it its
// own goroutine and a deadline per frame).
//
// Three command sets, chosen by [display] target's protocol parameter
// (ParseTarget): Epson's ESC/POS for customer displays (escpos, the
// default), the CD5220 set (cd5220) and the 8-digit LED display with its
// 单价/总计/收款/找零 lamps (led8). docs/CUSTOMER_DISPLAY.md lists the
// bytes and where they come from. Only printable ASCII is sent to a
// character display: the poles' code tables agree on nothing else.
package poledisplay
