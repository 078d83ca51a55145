package replica

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// jsonbText is data as PostgreSQL prints it back from a jsonb column
// (data::text): keys of an object sorted shorter first, then bytewise, the
// last of duplicate keys kept; ", " and ": " between items; strings
// escaped only where JSON must (quote, backslash, control characters);
// numbers as numeric prints them (1e2 is 100, 1.50 stays 1.50). The event
// content hash (EventContent) covers this form, which head office can
// compute from the stored row.
func jsonbText(data string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(data))
	dec.UseNumber()
	var b strings.Builder
	if err := jsonbValue(dec, &b); err != nil {
		return "", fmt.Errorf("event data: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return "", errors.New("event data: trailing data after the JSON value")
	}
	return b.String(), nil
}

func jsonbValue(dec *json.Decoder, b *strings.Builder) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return jsonbArray(dec, b)
		}
		return jsonbObject(dec, b)
	case string:
		jsonbString(b, t)
	case json.Number:
		n, err := numericText(string(t))
		if err != nil {
			return err
		}
		b.WriteString(n)
	case bool:
		b.WriteString(map[bool]string{true: "true", false: "false"}[t])
	case nil:
		b.WriteString("null")
	}
	return nil
}

func jsonbArray(dec *json.Decoder, b *strings.Builder) error {
	b.WriteByte('[')
	for i := 0; dec.More(); i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if err := jsonbValue(dec, b); err != nil {
			return err
		}
	}
	b.WriteByte(']')
	_, err := dec.Token()
	return err
}

func jsonbObject(dec *json.Decoder, b *strings.Builder) error {
	vals := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var v strings.Builder
		if err := jsonbValue(dec, &v); err != nil {
			return err
		}
		vals[tok.(string)] = v.String() // the last of duplicate keys wins, as in jsonb
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		jsonbString(b, k)
		b.WriteString(": ")
		b.WriteString(vals[k])
	}
	b.WriteByte('}')
	return nil
}

// jsonbString writes s quoted as PostgreSQL's escape_json does.
func jsonbString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if c < 0x20 {
				fmt.Fprintf(b, `\u%04x`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
}

// numericText is a JSON number as PostgreSQL's numeric prints it: the
// exponent applied, the display scale the digits after the point less the
// exponent (never below 0), no sign on zero.
func numericText(lit string) (string, error) {
	s := lit
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		if _, err := fmt.Sscanf(s[i+1:], "%d", &exp); err != nil || exp > 1000 || exp < -1000 {
			return "", fmt.Errorf("number %s out of range", lit)
		}
		s = s[:i]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	scale := max(len(frac)-exp, 0)
	point := len(intPart) + exp // the decimal point's position in digits
	var ip, fp string
	switch {
	case point <= 0:
		ip, fp = "0", strings.Repeat("0", -point)+digits
	case point >= len(digits):
		ip = digits + strings.Repeat("0", point-len(digits))
	default:
		ip, fp = digits[:point], digits[point:]
	}
	if len(fp) < scale {
		fp += strings.Repeat("0", scale-len(fp))
	}
	fp = fp[:scale]
	ip = strings.TrimLeft(ip, "0")
	if ip == "" {
		ip = "0"
	}
	var out bytes.Buffer
	if neg && strings.Trim(digits, "0") != "" {
		out.WriteByte('-')
	}
	out.WriteString(ip)
	if scale > 0 {
		out.WriteByte('.')
		out.WriteString(fp)
	}
	return out.String(), nil
}
