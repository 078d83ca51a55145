package catalog

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Item is a product the till sells.
type Item struct {
	// ID is the store's item number (SKU): 1–32 of [0-9A-Za-z_-].
	ID string `json:"id"`
	// Name is the Chinese name printed on the receipt; NameEN the English
	// one (may be empty: the receipt then uses Name).
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	// Price is in fen per Unit (per kg for an item sold by weight). An
	// open-price item keys its price at the sale; Price is then a hint.
	Price int64 `json:"price"`
	// Barcodes are the item's codes in their lookup form (Normalize): an
	// item may have several (a new pack, a UPC-E and its EAN-13).
	Barcodes []string `json:"barcodes,omitempty"`
	// PLU is the item's code on a scale label (Layout.ItemDigits digits).
	PLU string `json:"plu,omitempty"`
	// Category names a Category; empty is none.
	Category  string `json:"category,omitempty"`
	Unit      Unit   `json:"unit"`
	Active    bool   `json:"active"`
	OpenPrice bool   `json:"open_price,omitempty"`
}

// Label is the name to show in lang ("en" or anything else for Chinese).
func (it Item) Label(lang string) string {
	if lang == "en" && it.NameEN != "" {
		return it.NameEN
	}
	return it.Name
}

// Unit is what Price is per: 件 (a piece) unless the item is weighed.
type Unit string

// The units an item is commonly sold by.
const (
	UnitPiece Unit = "件"
	UnitKG    Unit = "kg"
	UnitJin   Unit = "斤" // 500 g
	UnitG     Unit = "g"
)

// Grams is how many grams one unit weighs: 0 for a unit that is not a
// weight.
func (u Unit) Grams() int64 {
	switch u {
	case UnitKG:
		return 1000
	case UnitJin:
		return 500
	case UnitG:
		return 1
	}
	return 0
}

// AmountFor returns the price in fen of grams of an item priced perUnit
// fen per unit u, rounded half up to the fen, and false when u is not a
// weight. Integers only: 1234 fen/kg × 567 g = 699.678 → 700 fen.
func AmountFor(perUnit int64, u Unit, grams int64) (int64, bool) {
	g := u.Grams()
	if g == 0 || perUnit < 0 || grams < 0 {
		return 0, false
	}
	return (perUnit*grams + g/2) / g, true
}

// Category groups items for the quick keys.
type Category struct {
	// Name is the category's key and label (unique).
	Name string `json:"name"`
	// Colour is the quick key's colour, "#RRGGBB".
	Colour string `json:"colour"`
	// Order sorts the quick keys, smallest first.
	Order int `json:"order"`
}

// ErrInvalid is matched by every error Item.Validate and
// Category.Validate return.
var ErrInvalid = errors.New("invalid catalogue entry")

// MaxPrice is the largest price an item may have: 1 000 000 yuan.
const MaxPrice = 100_000_000

// Validate checks it alone (not against the rest of the catalogue): an
// ID, a name, a price in range, barcodes in lookup form, a unit.
func (it *Item) Validate(r *Rules) error {
	var errs []error
	bad := func(field, format string, a ...any) {
		errs = append(errs, &FieldError{Field: field, Err: fmt.Errorf(format, a...)})
	}
	if !validID(it.ID) {
		bad("id", "%q is not 1–32 of 0-9 A-Z a-z _ -", it.ID)
	}
	if strings.TrimSpace(it.Name) == "" || utf8.RuneCountInString(it.Name) > 64 || !utf8.ValidString(it.Name) {
		bad("name", "must be 1–64 characters")
	}
	if utf8.RuneCountInString(it.NameEN) > 64 || !utf8.ValidString(it.NameEN) {
		bad("name_en", "must be at most 64 characters")
	}
	if it.Price < 0 || it.Price > MaxPrice || (it.Price == 0 && !it.OpenPrice) {
		bad("price", "%s is not 0.01–%s yuan (0 only for an open price)", Yuan(it.Price), Yuan(MaxPrice))
	}
	for _, b := range it.Barcodes {
		if n, err := Normalize(r, b); err != nil {
			bad("barcode", "%w", err)
		} else if n != b {
			bad("barcode", "%q is stored as %q", b, n)
		}
	}
	if it.PLU != "" && (!digits(it.PLU) || len(it.PLU) > 9) {
		bad("plu", "%q is not 1–9 digits", it.PLU)
	}
	if strings.TrimSpace(string(it.Unit)) == "" || utf8.RuneCountInString(string(it.Unit)) > 8 {
		bad("unit", "%q is not 1–8 characters", it.Unit)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: item %q: %w", ErrInvalid, it.ID, errors.Join(errs...))
}

// Validate checks c: a name and a colour "#RRGGBB".
func (c *Category) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Name) == "" || utf8.RuneCountInString(c.Name) > 32 || !utf8.ValidString(c.Name) {
		errs = append(errs, &FieldError{Field: "name", Err: errors.New("must be 1–32 characters")})
	}
	if !validColour(c.Colour) {
		errs = append(errs, &FieldError{Field: "colour", Err: fmt.Errorf("%q is not #RRGGBB", c.Colour)})
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("%w: category %q: %w", ErrInvalid, c.Name, errors.Join(errs...))
}

// FieldError names the field of an item or category that is wrong.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// FieldErrors are the FieldErrors inside err, in order, found through
// errors.Join and wrapping (one validation reports every field it
// refused); nil when err holds none.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// Normalize returns the lookup form of a product barcode typed or
// imported as s: a UPC-A or UPC-E becomes its GTIN-13 ("0" + UPC-A), an
// EAN-13, EAN-8, GTIN-14 or store code stays as it is. Anything else —
// a payment code, a scale label, a wrong check digit — is an error that
// says what s is.
func Normalize(r *Rules, s string) (string, error) {
	c := r.Classify(s)
	switch c.Kind {
	case KindEAN13, KindEAN8, KindUPCA, KindUPCE, KindGTIN14, KindStore:
		return c.Key, nil
	case KindWeighed:
		return "", fmt.Errorf("%q is a scale label (layout %s), not an item's barcode: give the item its PLU %s", s, c.Layout, c.Key)
	case KindWeChatPay, KindAlipay, KindUnionPay:
		return "", fmt.Errorf("a %s payment code is not a barcode", c.Kind)
	case KindUnknown:
		if c.Why == WhyBadCheckDigit {
			return "", fmt.Errorf("%q has a wrong check digit (want %c)", s, CheckDigit(s[:len(s)-1]))
		}
		return "", fmt.Errorf("%q is not an EAN-13, EAN-8, UPC-A, UPC-E or store code (%s)", truncate(s), c.Why)
	}
	return "", errors.New("empty barcode")
}

func truncate(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

func validID(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('0' <= b && b <= '9' || 'A' <= b && b <= 'Z' || 'a' <= b && b <= 'z' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

func validColour(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for i := 1; i < 7; i++ {
		b := s[i]
		if !('0' <= b && b <= '9' || 'a' <= b && b <= 'f' || 'A' <= b && b <= 'F') {
			return false
		}
	}
	return true
}
