package wechat

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MaxXMLSize is the largest v2 XML document DecodeXML accepts.
const MaxXMLSize = 1 << 20

// ErrXMLFormat is returned (wrapped) by DecodeXML for input that is not a flat
// WeChat v2 XML document.
var ErrXMLFormat = errors.New("wechat: malformed v2 XML")

// EncodeXML renders params as a flat v2 document: one <xml> root, one child
// per parameter in sorted name order, every value in CDATA. Names are written
// as given; callers pass WeChat field names.
func EncodeXML(params map[string]string) []byte {
	keys := make([]string, 0, len(params))
	for k := range params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	b.WriteString("<xml>")
	for _, k := range keys {
		b.WriteByte('<')
		b.WriteString(k)
		b.WriteString("><![CDATA[")
		// "]]>" cannot appear inside CDATA: close and reopen around it.
		b.WriteString(strings.ReplaceAll(params[k], "]]>", "]]]]><![CDATA[>"))
		b.WriteString("]]></")
		b.WriteString(k)
		b.WriteByte('>')
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// DecodeXML parses a flat v2 document (root <xml>, or <root> as in a decrypted
// refund req_info) into a map. It rejects nested elements, attributes on
// children, repeated fields, DOCTYPE directives, text outside the fields,
// trailing content and documents larger than MaxXMLSize; each such error
// wraps ErrXMLFormat.
func DecodeXML(r io.Reader) (map[string]string, error) {
	lr := &io.LimitedReader{R: r, N: MaxXMLSize + 1}
	d := xml.NewDecoder(lr)
	d.Strict = true
	out := make(map[string]string)
	depth := 0
	var field string
	var val strings.Builder
	seenRoot := false
	for {
		tok, err := d.Token()
		if lr.N <= 0 {
			return nil, fmt.Errorf("%w: larger than %d bytes", ErrXMLFormat, MaxXMLSize)
		}
		if err == io.EOF {
			if !seenRoot || depth != 0 {
				return nil, fmt.Errorf("%w: no complete root element", ErrXMLFormat)
			}
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrXMLFormat, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch depth {
			case 0:
				if seenRoot {
					return nil, fmt.Errorf("%w: second root element <%s>", ErrXMLFormat, t.Name.Local)
				}
				seenRoot = true
			case 1:
				if len(t.Attr) > 0 || t.Name.Space != "" {
					return nil, fmt.Errorf("%w: field <%s> has attributes or a namespace", ErrXMLFormat, t.Name.Local)
				}
				field = t.Name.Local
				if _, dup := out[field]; dup {
					return nil, fmt.Errorf("%w: field <%s> repeated", ErrXMLFormat, field)
				}
				val.Reset()
			default:
				return nil, fmt.Errorf("%w: nested element <%s> in <%s>", ErrXMLFormat, t.Name.Local, field)
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 1 {
				out[field] = val.String()
			}
		case xml.CharData:
			switch depth {
			case 2:
				val.Write(t)
			default:
				if len(bytes.TrimSpace(t)) != 0 {
					return nil, fmt.Errorf("%w: text outside a field", ErrXMLFormat)
				}
			}
		case xml.Directive:
			return nil, fmt.Errorf("%w: directive not allowed", ErrXMLFormat)
		case xml.ProcInst, xml.Comment:
			// <?xml ...?> prologue and comments carry no data.
		}
	}
}
