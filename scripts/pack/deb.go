package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/goreleaser/nfpm/v2"
	_ "github.com/goreleaser/nfpm/v2/deb" // registers the deb packager
)

// writeDeb packages bin (the headless build) and window (the desktop
// build) as packaging/nfpm.yaml says. The config's ${VERSION}, ${BIN},
// ${WINDOW} and ${ARCH} come from the flags; its relative paths are the
// repository root's.
func writeDeb(root, out, version, bin, window, arch string) error {
	if bin == "" || window == "" {
		return fmt.Errorf("deb: -bin and -window are required")
	}
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if window, err = filepath.Abs(window); err != nil {
		return err
	}
	if version == "" {
		app, err := readFyneApp(root)
		if err != nil {
			return err
		}
		version = app.Details.Version
	}
	out, err = filepath.Abs(out)
	if err != nil {
		return err
	}
	if err := os.Chdir(root); err != nil {
		return err
	}
	vars := map[string]string{"VERSION": version, "BIN": bin, "WINDOW": window, "ARCH": arch}
	cfg, err := nfpm.ParseFileWithEnvMapping("packaging/nfpm.yaml", func(k string) string { return vars[k] })
	if err != nil {
		return err
	}
	info, err := cfg.Get("deb")
	if err != nil {
		return err
	}
	// nfpm expands the variables in the fields it knows as strings, not in
	// a content's src.
	for _, c := range info.Contents {
		c.Source = os.Expand(c.Source, func(k string) string { return vars[k] })
	}
	info = nfpm.WithDefaults(info)
	if err := nfpm.PrepareForPackager(info, "deb"); err != nil {
		return err
	}
	pkg, err := nfpm.Get("deb")
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := pkg.Package(info, f); err != nil {
		f.Close()
		os.Remove(out)
		return fmt.Errorf("deb: %w", err)
	}
	return f.Close()
}
