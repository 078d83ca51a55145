// Package catalog is the store's products as values — Item, Category,
// their validation and exact prices — and the one decision about what the
// till's scanner read (Classify): an item's barcode, a scale label, a
// WeChat Pay payment code, another wallet's code, or nothing it knows.
// It has no storage (catalogstore keeps it in bbolt) and no window.
//
// # One scanner, one classification
//
// The serial scanner and the keyboard wedge both hand their text to
// Rules.Classify (scanner.Classify and pos.ValidCode are views of it), in
// this order, first match wins:
//
//  1. empty; a staff card (StaffCardPrefix "WXS-" and ten hex digits,
//     either case: staff_card — the sign-in screen's, never an item or a
//     payment); anything else not all digits is unknown (not_digits);
//  2. 18 digits starting 10–15: a WeChat Pay payment code. Rules.Validate
//     refuses a store code that could shadow it;
//  3. the store's scale layouts (Rules.Weighed), then its store codes
//     (Rules.StoreCodes): what the store configured beats the standards
//     below, so an 18-digit "26…" scale label with a right check digit is
//     a label, not an Alipay code (an Alipay code passes a GS1 check one
//     time in ten; the cashier would see the wrong item and void it);
//  4. prefix 25–30 and 16–24 digits: Alipay; prefix 62 and 19 digits:
//     UnionPay QuickPass. Both are refused (Code.Err, ErrOnlyWeChat: "this
//     till takes WeChat Pay only") rather than sent to WeChat, which would
//     answer AUTH_CODE_INVALID anyway;
//  5. GS1 product codes with a right check digit: 8 digits starting 0 or 1
//     whose UPC-E expansion checks (UPC-E), else 8 digits (EAN-8); 12
//     (UPC-A), 13 (EAN-13; a 2x EAN-13 with no layout configured stays an
//     EAN-13 for the catalogue to hold), 14 (GTIN-14);
//  6. unknown, with a reason: partial_read (starts 10–15, too short),
//     too_long (over 18 digits), bad_check_digit (a product code's
//     length), other.
//
// Code.Key is the lookup form: UPC-A and UPC-E become the GTIN-13 they
// stand for ("0" + UPC-A), so one item is found whichever the scanner is
// set to send. Item.Barcodes are stored in that form (Normalize). A scale
// label's Key is its item code, found by Item.PLU. A payment code never
// appears in a Code: only its Kind.
//
// # Scale labels
//
// A Layout says where a label keeps the item code and the embedded amount
// (fen) or weight (grams). LayoutPrice13, LayoutWeight13,
// LayoutPrice13Item6 and LayoutPriceWeight18 are the common Chinese scale
// formats (docs/CATALOG.md); a store sets its own in the configuration.
//
// # Search
//
// Lookup.Search matches every word of the query against the names, the
// pinyin initials of the Chinese name (Initials: "kkkl" finds 可口可乐),
// and the start of a barcode or item number. The initials come from a
// 21 KB constant generated from github.com/mozillazg/go-pinyin
// (scripts/pinyingen, its own module): linking go-pinyin itself would
// build its 41 000-entry map in every wxpos process, 1.7 MB of heap at
// init, where a constant costs nothing until read.
//
// Money is int64 fen: ParsePrice reads "12.5" exactly and refuses
// "12.555"; AmountFor prices a weight with integers only.
package catalog
