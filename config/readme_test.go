package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEShowsEveryKey: the README's example configuration names every
// key the file may hold, under its table — written out, or commented out
// ("# key = …") when it is optional — so the documented file never falls
// behind the struct.
func TestREADMEShowsEveryKey(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```toml\n(.*?)```").FindSubmatch(readme)
	if block == nil {
		t.Fatal("README has no ```toml block")
	}
	documented := map[string]bool{}
	table, line := "", regexp.MustCompile(`^#?\s*(\[\w+\]|\w+)\s*(=|$|#)`)
	for _, l := range strings.Split(string(block[1]), "\n") {
		m := line.FindStringSubmatch(strings.TrimSpace(l))
		switch {
		case m == nil:
		case strings.HasPrefix(m[1], "["):
			table = strings.Trim(m[1], "[]")
		case m[2] == "=":
			documented[table+"."+m[1]] = true
		}
	}
	for _, key := range tomlKeys(reflect.TypeFor[Config](), "") {
		if !documented[key] {
			t.Errorf("README's example config lacks %s (write it under [%s], commented out if optional)", key, strings.SplitN(key, ".", 2)[0])
		}
	}
}

// tomlKeys lists the dotted keys of a config struct: "table.key" for the
// fields of a table, ".key" for a top-level value.
func tomlKeys(t reflect.Type, table string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && table == "" && f.Type != reflect.TypeFor[Duration]() && f.Type != reflect.TypeFor[Yuan]() {
			keys = append(keys, tomlKeys(f.Type, name)...)
			continue
		}
		keys = append(keys, table+"."+name)
	}
	return keys
}
