// Package scanner reads customers' WeChat Pay payment codes (付款码) from a
// barcode scanner and decides, before anything reaches pos, whether a scan
// is a WeChat Pay code at all.
//
// The pieces, smallest first:
//
//   - CheckPaymentCode / Classify: catalog.Classify's verdict on a scan
//     (the till's one classification), named for a payment: the WeChat
//     rule (18 digits, prefix 10–15,
//     docs/wechatpay/PROTOCOL.md A.5) and a typed *CodeError whose Reason tells a product
//     barcode, a partial read, an over-long read and other wallets apart.
//     Errors and Scan's String/LogValue show only the last four characters
//     (Mask); Scan.Code holds the full value for the payment request only.
//   - Framer: pure reassembly of codes from a byte stream (CR, LF, CRLF, any,
//     or none = a pause), noise removal, AIM identifier and prefix removal,
//     a hard length cap. Fuzzed.
//   - Port and Opener: the device behind a two-method interface;
//     SerialOpener uses github.com/tarm/serial.
//   - Scanner: one goroutine that opens the port, reads, frames, validates
//     and delivers Scan values on a channel; it reconnects with backoff when
//     the device vanishes and reports Status to subscribers (the status bar).
//   - Wedge: the same verdicts for keyboard-wedge scanners, fed keystrokes
//     by the UI.
//   - ListPorts: candidate serial ports for `wxpos scanner list`.
//
// # Reads, timeouts and unplugging
//
// tarm/serial blocks forever in Read without a ReadTimeout, and Close does
// not wake a blocked Read, so ports are always opened with one (default
// 100 ms; tarm rounds to tenths of a second). On Linux an idle read returns
// (0, io.EOF) after the timeout: that means "no data yet", not end of file.
// A hung-up tty (USB unplug, pty master closed) returns (0, io.EOF) too, but
// immediately, so an early EOF is confirmed with a zero-length write, which
// fails with EIO on a hung-up tty. In addition, on every idle read the
// device path must still exist and name the device that was opened, which
// catches a /dev/serial/by-id link that now points at a re-plugged device.
// On Windows an idle read is (0, nil) and an unplugged device fails the read.
//
// After a disconnect the partial code in the framer is dropped (a half code
// must never be completed by the next device), the Status turns
// "disconnected" with the reason, and the port is reopened with doubling
// backoff (Config.RetryMin … RetryMax). When the port opens, pending input
// is flushed so a code scanned while nobody listened is not replayed.
//
// # Choices on points the protocol notes leave open
//
//   - Alipay codes: prefix 25–30, 16–24 digits (Alipay's published rule).
//     UnionPay QuickPass codes: prefix 62, 19 digits (62 + 2-digit product
//     id + 15 random digits, as public integrations check). Both are
//     refused with ErrOnlyWeChat rather than sent to WeChat, which would
//     answer AUTH_CODE_INVALID anyway.
//   - A digit string of length 8, 12, 13 or 14 with a valid GS1 check digit
//     is reported as a product barcode even when it starts with 10–15; a
//     truncated WeChat code passes that check one time in ten, and either
//     way the cashier is asked to scan again.
//   - Scans that nobody reads are dropped oldest first (Config.Buffer), and
//     Scan.At is set, because payment codes are single-use and expire in
//     about a minute: pos should Drain when a payment starts and ignore
//     scans that arrive when no payment is waiting.
//   - Data that sits without a suffix for Config.FrameGap is delivered as a
//     Scan with Unterminated set and validated normally; `wxpos scanner test`
//     points at the suffix setting when that happens.
//
// Windows port listing reads HKLM\HARDWARE\DEVICEMAP\SERIALCOMM, which holds
// the COM ports present now; friendly names need SetupAPI and are not shown.
// On macOS tarm/serial needs cgo; ListPorts shows /dev/cu.* there.
package scanner
