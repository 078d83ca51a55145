package ui

import (
	"fmt"
	"strings"
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

// catalogue is every translation table, one per screen family; a key is
// in exactly one of them (TestCatalogueKeys).
var catalogue = []map[msg]translation{messages, managerMessages, refundForeignMessages, refundLineMessages, reconMessages, errorMessages, historyMessages, auditMessages, scenarioMessages, settingsMessages, auditReasonMessages, saleMessages, abnormalMessages, customerMessages, tillMessages}

// lookup finds m's translation in whichever table holds it.
func lookup(m msg) (translation, bool) {
	for _, table := range catalogue {
		if tr, ok := table[m]; ok {
			return tr, true
		}
	}
	return translation{}, false
}

// T returns the text for m, formatted with args when given. Every text a
// user reads is made here.
func (c *catalog) T(m msg, args ...any) string {
	tr, ok := lookup(m)
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
	if _, ok := lookup(m); !ok {
		return name
	}
	return c.T(m)
}
