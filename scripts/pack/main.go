// Command pack makes what the installers of wxpos are built from:
//
//	go run . syso -o ../../rsrc_windows_amd64.syso -version 0.1.0
//	go run . deb -o wxpos.deb -bin /tmp/wxpos -window /tmp/wxpos-window -version 0.1.0
//	go run . zip -o wxpos.zip wxpos.exe=/tmp/wxpos.exe README.md=../../docs/windows.md
//
// syso writes the Windows resource object the Go linker picks up beside
// main.go: the icon (assets/icon.png as a PNG-compressed .ico) and the
// version information, from FyneApp.toml. It is what `fyne package -os
// windows` does inside (the same goversioninfo library) without compiling
// fyne.io/tools and a second Fyne for it, and it lets the build keep its own
// flags (-ldflags -X for `wxpos version`).
//
// deb writes the .deb of packaging/nfpm.yaml with nfpm as a library.
//
// zip writes a zip of the NAME=PATH arguments (PATH relative to the working
// directory): the Windows download.
//
// It is a module of its own so that wxpos links neither nfpm (and its git,
// PGP and YAML dependencies) nor goversioninfo. Paths are relative to the
// repository root, found from the working directory (-root to override).
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: pack syso|deb|zip [flags] [NAME=PATH...]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	root := fs.String("root", "../..", "the repository root")
	out := fs.String("o", "", "the file to write")
	version := fs.String("version", "", "the version (default: FyneApp.toml's)")
	bin := fs.String("bin", "", "deb: the Linux headless build, installed as /usr/bin/wxpos")
	window := fs.String("window", "", "deb: the Linux desktop build, installed as /usr/lib/wxpos/wxpos-window")
	arch := fs.String("arch", "amd64", "the architecture (Go's name)")
	fs.Parse(os.Args[2:])
	if *out == "" {
		fmt.Fprintln(os.Stderr, "pack: -o is required")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "syso":
		err = writeSyso(*root, *out, *version, *arch)
	case "deb":
		err = writeDeb(*root, *out, *version, *bin, *window, *arch)
	case "zip":
		err = writeZip(*out, fs.Args())
	default:
		err = fmt.Errorf("unknown kind %q: want syso, deb or zip", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pack:", err)
		os.Exit(1)
	}
}
