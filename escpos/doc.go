// Package escpos drives counter receipt printers that speak ESC/POS, and the
// cash drawer wired to them.
//
// Three layers:
//
//   - Encoder writes single commands to an io.Writer: ESC @ (init), FS & /
//     FS . (Chinese double-byte mode), ESC E (bold), GS ! (size), ESC a
//     (alignment), ESC d (feed), GS ( k (QR code: model 2, module size,
//     error correction, store, print), GS V (cut), ESC p (drawer kick),
//     DLE EOT (real-time status). Text is encoded to GBK. The first error is
//     kept (Err) and later calls do nothing; nothing panics.
//   - Render turns a receipt.Doc (laid out by package receipt for 32 or 48
//     columns) into one job: init, Chinese mode, lines with their alignment
//     and style, QR codes, feed and cut; optionally a drawer kick first.
//   - Printer sends a job to a Target parsed from the config value: usb:PATH
//     (a device file such as /dev/usb/lp0), serial:PATH[:BAUD] (tarm/serial),
//     tcp:HOST[:PORT] (raw port 9100) or none. Each job opens the device,
//     writes and closes it, bounded by the context and JobTimeout.
//
// # Choices
//
// Chinese text is sent as GBK with FS & first: printers sold in China ship
// with GB18030/GBK fonts, and GBK covers everything a receipt needs. A
// character GBK cannot encode (emoji) prints as '?' per column it would
// take; control characters in text print as '?', so an item name can never
// smuggle in a command (a drawer kick, a cut).
//
// Columns: 32 on 58 mm paper and 48 on 80 mm paper with the standard 12×24
// font. East Asian wide and fullwidth characters count two columns
// (golang.org/x/text/width) and so do East Asian ambiguous ones (—, ·, ×,
// Greek): in Chinese mode the printer prints their GBK double-byte form as a
// full-width glyph. The arithmetic lives in receipt.RuneWidth.
//
// Jobs end with GS V 66 0 (feed to the cutter, partial cut) unless FullCut
// is set; printers without a cutter ignore it. The drawer pulse is ESC p
// with 50 ms on and 500 ms off on pin 2 unless DrawerPin says pin 5: the
// usual values in drawer and printer manuals.
//
// The QR code on a receipt holds LookupCode: the out_trade_no, or the local
// receipt number for cash, so a scan at the history screen finds the sale
// for a refund. Level M, module size 6.
//
// # Errors
//
// A failed job is a *PrintError naming the target and the step, and
// wrapping one kind (ErrOffline, ErrPermission, ErrTimeout, ErrPaperOut,
// ErrCoverOpen, ErrPrinterFault, ErrIO, ErrNoPrinter) plus the system error
// underneath: test with errors.Is. A closed TCP port, a missing device file
// and a vanished serial adapter are all ErrOffline. With CheckStatus the
// printer is asked DLE EOT 1 (and 2, 3 when offline, and 4 for paper) before
// each job; a printer that does not answer within StatusTimeout is printed
// to anyway, since many USB printers never answer. Paper running out in the
// middle of a job is not detected on every connection: the Linux usblp
// driver reports it as ENOSPC (mapped to ErrPaperOut) only when it can.
// Keeping the receipt reprintable after an error is the caller's job.
//
// # No printer
//
// The none target writes receipt.Doc.Text to Printer.Screen. WritePNG draws
// the same Doc as a picture of the paper; with no faces it uses basicfont
// (Latin only, Chinese shows as empty boxes of the right width), and with
// PreviewFaces(assets.Font) it uses Go Mono plus the embedded CJK font, so
// Chinese renders. A PDF is not offered: the PNG and the text cover the
// screen and "save a copy" cases without another dependency.
package escpos
