package config

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Save checks c exactly as loading it would, then writes it atomically (a
// temporary file beside it, synced, renamed over) to c.Path, or to
// DefaultPath when c was not loaded from a file. It returns the path
// written. A refused configuration leaves the file untouched and wraps
// ErrInvalid.
func Save(c Config) (string, error) {
	var buf bytes.Buffer
	if err := toml.NewEncoder(&buf).Encode(c); err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if _, err := Parse(buf.Bytes()); err != nil {
		return "", err // wraps ErrInvalid
	}
	path := c.Path
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return "", err
		}
		path = p
	}
	if err := writeAtomic(path, buf.Bytes()); err != nil {
		return "", fmt.Errorf("save %s: %w", path, err)
	}
	return path, nil
}

func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".config-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Changed names the TOML keys ("payment.max_amount") whose values differ
// between a and b, sorted. It never returns values: the audit trail needs
// only the names.
func Changed(a, b Config) []string {
	ma, mb := flatKeys(a), flatKeys(b)
	var out []string
	for k, v := range mb {
		if ma[k] != v {
			out = append(out, k)
		}
	}
	for k := range ma {
		if _, ok := mb[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// flatKeys is c as section.key → encoded value.
func flatKeys(c Config) map[string]string {
	var buf bytes.Buffer
	toml.NewEncoder(&buf).Encode(c)
	m, section := map[string]string{}, ""
	for _, l := range strings.Split(buf.String(), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			section = strings.Trim(l, "[]") + "."
		} else if k, v, ok := strings.Cut(l, "="); ok {
			m[section+strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}
