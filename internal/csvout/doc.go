// Package csvout is the one way wxpos writes a CSV file for people: the
// day reports, the audit trail and the head-office report, from the window
// and from the command line alike.
//
// # Rules (each chosen so the file opens right in Excel on Chinese Windows)
//
//   - The file starts with a UTF-8 byte order mark. Without it Excel on a
//     Chinese Windows reads the file as GBK and every hanzi is garbled.
//   - The header row is in the reader's language: Chinese when the
//     language is zh (the window's language, or a zh_* locale on the
//     command line), English otherwise. Each column also has a stable
//     English key (Column.Key) that programs may rely on; the data rows
//     themselves (codes such as "sales" or "PAID") are not translated.
//   - Money is yuan with exactly two decimals and no currency sign
//     ("12.34", "-0.30"), so a spreadsheet reads it as a number in any
//     locale; an exact integer column in fen stands beside it where the
//     source has one.
//   - A fee from WeChat's bill comes in thousandths of a fen (five
//     decimals of a yuan). It is shown rounded to the fen, half away from
//     zero (FeeFen: 0.295 fen… rounds as the bill's own totals do), and
//     the exact five-decimal value goes in a column of its own when the
//     file carries fees.
//   - A text cell a spreadsheet would run as a formula (leading = + - @,
//     tab or CR) gets a leading apostrophe; a plain negative number is
//     left alone.
//
// Lines end in CRLF (RFC 4180), which every spreadsheet accepts.
package csvout
