package main

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"strings"
)

// writeZip writes the zip out of files, each NAME=PATH: the file at PATH
// (relative to the working directory) stored as NAME, and lists them. Go's archive/zip
// rather than the zip program, which a fresh Debian has not.
func writeZip(out string, files []string) (err error) {
	if len(files) == 0 {
		return fmt.Errorf("zip: no files: want NAME=PATH arguments")
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(out)
		}
	}()
	zw := zip.NewWriter(f)
	for _, spec := range files {
		name, path, ok := strings.Cut(spec, "=")
		if !ok || name == "" || path == "" {
			return fmt.Errorf("zip: %q: want NAME=PATH", spec)
		}
		if err := addToZip(zw, name, path); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addToZip(zw *zip.Writer, name, path string) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return err
	}
	h, err := zip.FileInfoHeader(st)
	if err != nil {
		return err
	}
	h.Name, h.Method = name, zip.Deflate
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	n, err := io.Copy(w, src)
	if err == nil {
		fmt.Printf("%10d  %s\n", n, name)
	}
	return err
}
