package ui

import (
	"fmt"
	"strings"
)

// Lang is a UI language, named by its BCP 47 tag.
type Lang string

// Languages the catalogue carries. Chinese is the default.
const (
	LangZH Lang = "zh-CN"
	LangEN Lang = "en"
)

// msg is the key of one translatable string. Every string the UI shows goes
// through the catalogue by one of these keys, so a missing translation is a
// test failure, not a blank label.
type msg string

// catalog turns message keys into text in one language.
type catalog struct{ lang Lang }

// newCatalog returns a catalogue for l: any English tag ("en", "en-US",
// "en_GB") is English, anything else Chinese.
func newCatalog(l Lang) *catalog {
	s := strings.ToLower(string(l))
	if s == "en" || strings.HasPrefix(s, "en-") || strings.HasPrefix(s, "en_") {
		return &catalog{lang: LangEN}
	}
	return &catalog{lang: LangZH}
}

// T returns the text for m, formatted with args when given.
func (c *catalog) T(m msg, args ...any) string {
	tr, ok := messages[m]
	if !ok {
		return string(m)
	}
	s := tr.zh
	if c.lang == LangEN {
		s = tr.en
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

type translation struct{ zh, en string }

// scenario names a sandbox scenario, falling back to its name.
func (c *catalog) scenario(name string) string {
	m := msg("scenario." + name)
	if _, ok := messages[m]; !ok {
		return name
	}
	return c.T(m)
}
