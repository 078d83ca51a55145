// Package fynelocale keeps Fyne from complaining about the C locale.
//
// Fyne's lang package reads the locale while it is initialised — before
// main runs — and logs three "Fyne error: Error parsing user locale C"
// lines on stderr for C.UTF-8 or C.utf8 (Debian's container default),
// because "C" is not a language tag. Those lines would follow every wxpos
// command. This package, imported by main, is initialised before Fyne's
// lang (Go initialises ready packages in import-path order, and it imports
// nothing but os), and for such a locale sets LANGUAGE=en: the language of
// messages only, never the character set, and only when LANGUAGE is unset.
// The window's own language comes from the config (ui.locale) anyway.
package fynelocale

import (
	"os"
	"strings"
)

func init() { quiet() }

// quiet sets LANGUAGE=en when the locale in effect is C or POSIX with a
// codeset suffix and LANGUAGE is not set.
func quiet() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(name)
		if v == "" {
			continue
		}
		lang, _, found := strings.Cut(v, ".")
		if found && (lang == "C" || lang == "POSIX") {
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}
