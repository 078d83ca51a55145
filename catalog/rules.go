package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// Rules is what a store configures about the codes its scanner reads: its
// own item codes and the layouts of its scales' labels. The zero value
// knows only the standard codes.
type Rules struct {
	StoreCodes []StoreCode `json:"store_codes,omitempty" toml:"store_codes"`
	Weighed    []Layout    `json:"weighed,omitempty" toml:"weighed"`
}

// StoreCode is a family of the store's own item codes (店内码): digits of
// one length starting with Prefix, with a GS1 check digit when CheckDigit.
type StoreCode struct {
	Prefix     string `json:"prefix" toml:"prefix"`
	Length     int    `json:"length" toml:"length"`
	CheckDigit bool   `json:"check_digit" toml:"check_digit"`
}

func (sc StoreCode) match(s string) bool {
	return len(s) == sc.Length && strings.HasPrefix(s, sc.Prefix) && (!sc.CheckDigit || CheckDigitOK(s))
}

// Layout is a scale label (条码秤): Length digits, one of Prefixes, then
// ItemDigits of the item's code (PLU), then the Fields in order, then a GS1
// check digit over everything before it.
type Layout struct {
	Name       string   `json:"name" toml:"name"`
	Prefixes   []string `json:"prefixes" toml:"prefixes"`
	Length     int      `json:"length" toml:"length"`
	ItemDigits int      `json:"item_digits" toml:"item_digits"`
	Fields     []Field  `json:"fields" toml:"fields"`
}

// Field is a number a scale label embeds: the amount (Price, in yuan with
// Decimals decimals) or the weight (Weight, in kg with Decimals decimals).
type Field struct {
	What     Embedded `json:"what" toml:"what"`
	Digits   int      `json:"digits" toml:"digits"`
	Decimals int      `json:"decimals" toml:"decimals"`
}

// Embedded is what a Field holds.
type Embedded string

// The numbers a scale label can carry.
const (
	Price  Embedded = "price"  // the line's amount in yuan
	Weight Embedded = "weight" // the weight in kg
)

// Common layouts of Chinese supermarket scales (大华/Dahua, 顶尖/Aclas,
// 寺冈/Teraoka and the like print these; the prefix and the digit counts
// are set in the scale, so a store checks its own labels). docs/CATALOG.md
// lists where each comes from. Each function returns a fresh value the
// caller may change.

// LayoutPrice13 is "FF CCCCC PPPPP C": prefix 20–29, a 5-digit item
// code, the amount in fen (5 digits, ≤ 999.99 yuan), check digit.
func LayoutPrice13() Layout {
	return Layout{Name: "price13", Prefixes: prefixes2x(), Length: 13, ItemDigits: 5,
		Fields: []Field{{What: Price, Digits: 5, Decimals: 2}}}
}

// LayoutWeight13 is "FF CCCCC WWWWW C": as LayoutPrice13 with the
// weight in grams (5 digits, ≤ 99.999 kg) instead of the amount.
func LayoutWeight13() Layout {
	return Layout{Name: "weight13", Prefixes: prefixes2x(), Length: 13, ItemDigits: 5,
		Fields: []Field{{What: Weight, Digits: 5, Decimals: 3}}}
}

// LayoutPrice13Item6 is "F CCCCCC PPPPP C": prefix 2, a 6-digit item
// code, the amount in fen, check digit.
func LayoutPrice13Item6() Layout {
	return Layout{Name: "price13-item6", Prefixes: []string{"2"}, Length: 13, ItemDigits: 6,
		Fields: []Field{{What: Price, Digits: 5, Decimals: 2}}}
}

// LayoutPriceWeight18 is "FF CCCCC PPPPP WWWWW C" (18 digits): prefix
// 2x, item code, the amount in fen, the weight in grams, check digit.
func LayoutPriceWeight18() Layout {
	return Layout{Name: "price-weight18", Prefixes: prefixes2x(), Length: 18, ItemDigits: 5,
		Fields: []Field{{What: Price, Digits: 5, Decimals: 2}, {What: Weight, Digits: 5, Decimals: 3}}}
}

// Preset returns the preset layout named name (Layout.Name of
// LayoutPrice13, LayoutWeight13, LayoutPrice13Item6, LayoutPriceWeight18).
func Preset(name string) (Layout, bool) {
	for _, l := range []Layout{LayoutPrice13(), LayoutWeight13(), LayoutPrice13Item6(), LayoutPriceWeight18()} {
		if l.Name == name {
			return l, true
		}
	}
	return Layout{}, false
}

func prefixes2x() []string {
	return []string{"20", "21", "22", "23", "24", "25", "26", "27", "28", "29"}
}

// ErrBadRules is matched by every error Rules.Validate returns.
var ErrBadRules = errors.New("bad code rules")

// Validate checks r: each store code and layout is digits of a length the
// scanner can read, no family can shadow a WeChat Pay code (18 digits
// starting 10–15), and a layout's parts add up to its length.
func (r *Rules) Validate() error {
	var errs []error
	for i, sc := range r.StoreCodes {
		if err := sc.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: store code %d: %w", ErrBadRules, i+1, err))
		}
	}
	for i, l := range r.Weighed {
		if err := l.validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: scale layout %d (%q): %w", ErrBadRules, i+1, l.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (sc StoreCode) validate() error {
	switch {
	case sc.Length < 4 || sc.Length > 24:
		return fmt.Errorf("length %d is not 4 to 24", sc.Length)
	case sc.Prefix == "" || !digits(sc.Prefix) || len(sc.Prefix) >= sc.Length:
		return fmt.Errorf("prefix %q is not 1 to %d digits", sc.Prefix, sc.Length-1)
	case sc.Length == WeChatCodeLen && shadowsWeChat(sc.Prefix):
		return fmt.Errorf("prefix %q and length 18 would take WeChat Pay codes", sc.Prefix)
	}
	return nil
}

func (l Layout) validate() error {
	if l.Length != 13 && l.Length != 18 {
		return fmt.Errorf("length %d is not 13 or 18", l.Length)
	}
	if len(l.Prefixes) == 0 {
		return errors.New("no prefix")
	}
	plen := len(l.Prefixes[0])
	for _, p := range l.Prefixes {
		switch {
		case p == "" || !digits(p) || len(p) != plen:
			return fmt.Errorf("prefix %q: every prefix must be digits of one length", p)
		case p[0] != '2':
			return fmt.Errorf("prefix %q does not start with 2 (GS1 keeps 20–29 for in-store use)", p)
		}
	}
	used := plen + l.ItemDigits + 1
	if l.ItemDigits < 1 {
		return fmt.Errorf("item digits %d is less than 1", l.ItemDigits)
	}
	if len(l.Fields) == 0 {
		return errors.New("no price or weight field")
	}
	for _, f := range l.Fields {
		switch {
		case f.What != Price && f.What != Weight:
			return fmt.Errorf("field %q is neither %q nor %q", f.What, Price, Weight)
		case f.Digits < 1 || f.Digits > 9:
			return fmt.Errorf("%s digits %d is not 1 to 9", f.What, f.Digits)
		case f.What == Price && (f.Decimals < 0 || f.Decimals > 2):
			return fmt.Errorf("price decimals %d is not 0 to 2 (fen is the smallest unit)", f.Decimals)
		case f.What == Weight && (f.Decimals < 0 || f.Decimals > 3):
			return fmt.Errorf("weight decimals %d is not 0 to 3 (gram is the smallest unit)", f.Decimals)
		}
		used += f.Digits
	}
	if used != l.Length {
		return fmt.Errorf("prefix, item code, fields and check digit make %d digits, not %d", used, l.Length)
	}
	return nil
}

func shadowsWeChat(prefix string) bool {
	if prefix[0] != '1' {
		return false
	}
	return len(prefix) == 1 || wechatPrefix(prefix)
}

// read decodes s as a label of l: the prefix, the length and the check
// digit must hold.
func (l Layout) read(s string) (Code, bool) {
	if len(s) != l.Length || !CheckDigitOK(s) {
		return Code{}, false
	}
	plen := -1
	for _, p := range l.Prefixes {
		if strings.HasPrefix(s, p) {
			plen = len(p)
			break
		}
	}
	if plen < 0 || l.ItemDigits < 1 || plen+l.ItemDigits > len(s)-1 {
		return Code{}, false
	}
	c := Code{Kind: KindWeighed, Key: s[plen : plen+l.ItemDigits], Layout: l.Name}
	at := plen + l.ItemDigits
	for _, f := range l.Fields {
		if f.Digits < 1 || at+f.Digits > len(s)-1 {
			return Code{}, false
		}
		v := number(s[at : at+f.Digits])
		at += f.Digits
		switch f.What {
		case Price:
			c.Price = v * pow10(2-f.Decimals)
		case Weight:
			c.Grams = v * pow10(3-f.Decimals)
		}
	}
	return c, true
}

func number(s string) int64 {
	var v int64
	for i := 0; i < len(s); i++ {
		v = v*10 + int64(s[i]-'0')
	}
	return v
}

func pow10(n int) int64 {
	v := int64(1)
	for ; n > 0; n-- {
		v *= 10
	}
	return v
}
