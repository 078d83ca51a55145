package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/internal/ident"
)

// withCheck appends the GS1 check digit to body.
func withCheck(body string) string { return body + string(catalog.CheckDigit(body)) }

// spoil changes the last digit of s, so its check digit is wrong.
func spoil(s string) string {
	last := s[len(s)-1]
	return s[:len(s)-1] + string('0'+(last-'0'+1)%10)
}

func TestCheckDigitKnownCodes(t *testing.T) {
	// Published examples: an EAN-13, an EAN-8, a UPC-A, a GTIN-14 (GS1's
	// check digit calculator example) and a Chinese EAN-13.
	for _, code := range []string{"4006381333931", "96385074", "036000291452", "00012345600012", "6901234567892"} {
		t.Run(code, func(t *testing.T) {
			if !catalog.CheckDigitOK(code) {
				t.Errorf("CheckDigitOK(%s) = false", code)
			}
			if catalog.CheckDigitOK(spoil(code)) {
				t.Errorf("CheckDigitOK(%s) = true for a wrong check digit", spoil(code))
			}
		})
	}
}

func TestExpandUPCE(t *testing.T) {
	tests := []struct{ upce, upca string }{
		{"04252614", "042100005264"}, // last digit 1: NS d1 d2 d6 0000 d3 d4 d5
		{"01234558", "012345000058"}, // 5–9: NS d1..d5 0000 d6
		{"01234531", "012300000451"}, // 3: NS d1 d2 d3 00000 d4 d5
		{"01234145", "012340000015"}, // 4: NS d1..d4 00000 d5
	}
	for _, tt := range tests {
		t.Run(tt.upce, func(t *testing.T) {
			if !catalog.CheckDigitOK(tt.upca) {
				t.Fatalf("test vector %s is no UPC-A", tt.upca)
			}
			got, ok := catalog.ExpandUPCE(tt.upce)
			if !ok || got != tt.upca {
				t.Errorf("ExpandUPCE(%s) = %q, %v; want %s", tt.upce, got, ok, tt.upca)
			}
			if _, ok := catalog.ExpandUPCE(spoil(tt.upce)); ok {
				t.Errorf("ExpandUPCE(%s) accepted a wrong check digit", spoil(tt.upce))
			}
		})
	}
	if _, ok := catalog.ExpandUPCE("24252614"); ok {
		t.Error("number system 2 is no UPC-E")
	}
}

func TestClassify(t *testing.T) {
	rules := &catalog.Rules{
		StoreCodes: []catalog.StoreCode{{Prefix: "8", Length: 6}, {Prefix: "02", Length: 13, CheckDigit: true}},
		Weighed:    []catalog.Layout{catalog.LayoutPriceWeight18(), catalog.LayoutPrice13()},
	}
	label13 := withCheck("22" + "12345" + "01234")
	label18 := withCheck("26" + "00042" + "01999" + "01234")
	tests := []struct {
		name  string
		rules *catalog.Rules
		in    string
		want  catalog.Code
	}{
		{"empty", nil, "", catalog.Code{Kind: catalog.KindEmpty}},
		{"ean13", nil, "6901234567892", catalog.Code{Kind: catalog.KindEAN13, Key: "6901234567892"}},
		{"ean13 starting like wechat", nil, withCheck("130000000001"), catalog.Code{Kind: catalog.KindEAN13, Key: withCheck("130000000001")}},
		{"ean8", nil, "96385074", catalog.Code{Kind: catalog.KindEAN8, Key: "96385074"}},
		{"upca", nil, "036000291452", catalog.Code{Kind: catalog.KindUPCA, Key: "0036000291452"}},
		{"upce", nil, "04252614", catalog.Code{Kind: catalog.KindUPCE, Key: "0042100005264"}},
		{"gtin14", nil, "00012345600012", catalog.Code{Kind: catalog.KindGTIN14, Key: "00012345600012"}},
		{"wechat", nil, "134567890123456789", catalog.Code{Kind: catalog.KindWeChatPay}},
		{"wechat 10", nil, "100000000000000000", catalog.Code{Kind: catalog.KindWeChatPay}},
		{"wechat 15", nil, "159999999999999999", catalog.Code{Kind: catalog.KindWeChatPay}},
		{"wechat with rules", rules, "134567890123456789", catalog.Code{Kind: catalog.KindWeChatPay}},
		{"16 is not wechat", nil, "164567890123456789", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyOther}},
		{"alipay 16", nil, "2512345678901234", catalog.Code{Kind: catalog.KindAlipay}},
		{"alipay 18", nil, "281234567890123456", catalog.Code{Kind: catalog.KindAlipay}},
		{"alipay 24", nil, "301234567890123456789012", catalog.Code{Kind: catalog.KindAlipay}},
		{"alipay 25 digits is too long", nil, "3012345678901234567890123", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyTooLong}},
		{"31 is not alipay", nil, "311234567890123456", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyOther}},
		{"unionpay", nil, "6212345678901234567", catalog.Code{Kind: catalog.KindUnionPay}},
		{"62 of 18 digits is not unionpay", nil, "621234567890123456", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyOther}},
		{"weighed price", rules, label13, catalog.Code{Kind: catalog.KindWeighed, Key: "12345", Price: 1234, Layout: "price13"}},
		{"weighed price and weight", rules, label18, catalog.Code{Kind: catalog.KindWeighed, Key: "00042", Price: 1999, Grams: 1234, Layout: "price-weight18"}},
		{"scale label without its layout", nil, label13, catalog.Code{Kind: catalog.KindEAN13, Key: label13}},
		{"scale label with a wrong check digit", rules, spoil(label13), catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyBadCheckDigit}},
		{"store code", rules, "812345", catalog.Code{Kind: catalog.KindStore, Key: "812345"}},
		{"store code unconfigured", nil, "812345", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyOther}},
		{"store code with check", rules, withCheck("020000000001"), catalog.Code{Kind: catalog.KindStore, Key: withCheck("020000000001")}},
		{"staff card", rules, "WXS-0123456789", catalog.Code{Kind: catalog.KindStaffCard, Key: "WXS-0123456789"}},
		{"staff card, caps lock", nil, "wxs-00ab12cd34", catalog.Code{Kind: catalog.KindStaffCard, Key: "WXS-00AB12CD34"}},
		{"staff card too short", nil, "WXS-012345678", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyNotDigits}},
		{"staff card not hex", nil, "WXS-012345678G", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyNotDigits}},
		{"not digits", nil, "https://x.cn/1", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyNotDigits}},
		{"partial wechat", nil, "13456789012", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyPartialRead}},
		{"too long", nil, strings.Repeat("9", 30), catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyTooLong}},
		{"bad ean13", nil, spoil("6901234567892"), catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyBadCheckDigit}},
		{"bad ean8", nil, spoil("96385074"), catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyBadCheckDigit}},
		{"bad upca", nil, spoil("036000291452"), catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyBadCheckDigit}},
		{"short digits", nil, "99", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyOther}},
		{"19 digits", nil, "9912345678901234567", catalog.Code{Kind: catalog.KindUnknown, Why: catalog.WhyTooLong}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Classify(tt.in); got != tt.want {
				t.Errorf("Classify(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		layout       catalog.Layout
		body         string
		key          string
		price, grams int64
	}{
		{catalog.LayoutPrice13(), "20" + "00777" + "12345", "00777", 12345, 0},
		{catalog.LayoutWeight13(), "29" + "00777" + "00500", "00777", 0, 500},
		{catalog.LayoutPrice13Item6(), "2" + "123456" + "00099", "123456", 99, 0},
		{catalog.LayoutPriceWeight18(), "21" + "54321" + "99999" + "10000", "54321", 99999, 10000},
	}
	for _, tt := range tests {
		t.Run(tt.layout.Name, func(t *testing.T) {
			r := &catalog.Rules{Weighed: []catalog.Layout{tt.layout}}
			if err := r.Validate(); err != nil {
				t.Fatalf("preset refused: %v", err)
			}
			got := r.Classify(withCheck(tt.body))
			want := catalog.Code{Kind: catalog.KindWeighed, Key: tt.key, Price: tt.price, Grams: tt.grams, Layout: tt.layout.Name}
			if got != want {
				t.Errorf("Classify = %+v, want %+v", got, want)
			}
		})
	}
	// A layout in jiao (one decimal) and in whole kg (no decimals) scales
	// its numbers to fen and grams.
	l := catalog.Layout{Name: "odd", Prefixes: []string{"27"}, Length: 18, ItemDigits: 4,
		Fields: []catalog.Field{{What: catalog.Price, Digits: 6, Decimals: 1}, {What: catalog.Weight, Digits: 5, Decimals: 0}}}
	r := &catalog.Rules{Weighed: []catalog.Layout{l}}
	if err := r.Validate(); err != nil {
		t.Fatal(err)
	}
	got := r.Classify(withCheck("27" + "0042" + "000125" + "00003"))
	if got.Price != 1250 || got.Grams != 3000 {
		t.Errorf("12.5 yuan in jiao, 3 kg = %d fen, %d g; want 1250, 3000", got.Price, got.Grams)
	}
}

func TestRulesValidate(t *testing.T) {
	good := catalog.LayoutPrice13()
	tests := []struct {
		name  string
		rules catalog.Rules
		want  string
	}{
		{"store code shadows wechat", catalog.Rules{StoreCodes: []catalog.StoreCode{{Prefix: "13", Length: 18}}}, "WeChat"},
		{"store code prefix 1 of 18", catalog.Rules{StoreCodes: []catalog.StoreCode{{Prefix: "1", Length: 18}}}, "WeChat"},
		{"store code too short", catalog.Rules{StoreCodes: []catalog.StoreCode{{Prefix: "8", Length: 3}}}, "length 3"},
		{"store prefix letters", catalog.Rules{StoreCodes: []catalog.StoreCode{{Prefix: "A", Length: 6}}}, "prefix"},
		{"layout length", catalog.Rules{Weighed: []catalog.Layout{{Name: "x", Prefixes: []string{"2"}, Length: 12, ItemDigits: 5, Fields: good.Fields}}}, "length 12"},
		{"layout adds up", catalog.Rules{Weighed: []catalog.Layout{{Name: "x", Prefixes: []string{"22"}, Length: 13, ItemDigits: 6, Fields: good.Fields}}}, "make 14 digits"},
		{"layout prefix not 2", catalog.Rules{Weighed: []catalog.Layout{{Name: "x", Prefixes: []string{"12"}, Length: 13, ItemDigits: 5, Fields: good.Fields}}}, "start with 2"},
		{"layout price decimals", catalog.Rules{Weighed: []catalog.Layout{{Name: "x", Prefixes: []string{"22"}, Length: 13, ItemDigits: 5,
			Fields: []catalog.Field{{What: catalog.Price, Digits: 5, Decimals: 3}}}}}, "price decimals"},
		{"layout no field", catalog.Rules{Weighed: []catalog.Layout{{Name: "x", Prefixes: []string{"22"}, Length: 13, ItemDigits: 10}}}, "no price or weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.rules.Validate()
			if !errors.Is(err, catalog.ErrBadRules) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate = %v, want ErrBadRules saying %q", err, tt.want)
			}
		})
	}
	ok := catalog.Rules{StoreCodes: []catalog.StoreCode{{Prefix: "8", Length: 6}}, Weighed: []catalog.Layout{good}}
	if err := ok.Validate(); err != nil {
		t.Errorf("good rules refused: %v", err)
	}
}

func TestCodeErr(t *testing.T) {
	for _, s := range []string{"2512345678901234", "6212345678901234567"} {
		err := catalog.Classify(s).Err()
		if !errors.Is(err, catalog.ErrOnlyWeChat) || !strings.Contains(err.Error(), "WeChat Pay only") {
			t.Errorf("%s: Err = %v, want ErrOnlyWeChat", s[:2], err)
		}
		if strings.Contains(err.Error(), s) {
			t.Errorf("the refusal shows the payment code: %v", err)
		}
	}
	if err := catalog.Classify("xyz").Err(); !errors.Is(err, catalog.ErrUnknownCode) {
		t.Errorf("Err = %v, want ErrUnknownCode", err)
	}
	for _, s := range []string{"134567890123456789", "6901234567892"} {
		if err := catalog.Classify(s).Err(); err != nil {
			t.Errorf("%s: Err = %v, want nil", catalog.Classify(s).Kind, err)
		}
	}
	if !catalog.WeChatPayCode("134567890123456789") || catalog.WeChatPayCode("6901234567892") {
		t.Error("WeChatPayCode disagrees with Classify")
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "6901234567892", "134567890123456789", "04252614", "2212345012345", "\xff\x00", "2512345678901234"} {
		f.Add(s)
	}
	rules := &catalog.Rules{
		StoreCodes: []catalog.StoreCode{{Prefix: "8", Length: 6}},
		Weighed:    []catalog.Layout{catalog.LayoutPrice13(), catalog.LayoutPriceWeight18(), catalog.LayoutPrice13Item6()},
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, r := range []*catalog.Rules{nil, rules} {
			c := r.Classify(s)
			if c.Kind == "" {
				t.Fatalf("Classify(%q) has no kind", s)
			}
			if c.Payment() && c.Key != "" {
				t.Fatalf("Classify(%q) keeps a payment code in Key", s)
			}
			if (c.Kind == catalog.KindWeChatPay) != ident.PaymentCode(s) {
				t.Fatalf("Classify(%q) = %s, the simulator's rule says WeChat %v", s, c.Kind, ident.PaymentCode(s))
			}
			if (c.Kind == catalog.KindStaffCard) != (len(s) == 14 && strings.EqualFold(s[:4], catalog.StaffCardPrefix) && isHex(s[4:])) {
				t.Fatalf("Classify(%q) = %s: a staff card is WXS- and ten hex digits, nothing else", s, c.Kind)
			}
			if c.Price < 0 || c.Grams < 0 {
				t.Fatalf("Classify(%q) = %+v", s, c)
			}
		}
		catalog.Initials(s)
		_, _ = catalog.ParsePrice(s)
	})
}

func isHex(s string) bool {
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}
