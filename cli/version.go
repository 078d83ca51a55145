package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/wxpos/wxpos/storage"
)

// Commit and BuildDate say which source a binary was built from and when,
// set by release builds with -ldflags "-X github.com/wxpos/wxpos/cli.Commit=…
// -X github.com/wxpos/wxpos/cli.BuildDate=…" (scripts/windows.sh,
// scripts/deb.sh). Left empty, `wxpos version` falls back to the VCS stamp
// the go command writes into a binary built in a git checkout.
var (
	Commit    = ""
	BuildDate = ""
)

// Build describes this binary.
type Build struct {
	Version  string
	Commit   string // "" when unknown
	Modified bool   // built from a tree with uncommitted changes
	Date     string // the build date, or the commit's when only that is known
	DateKind string // "built" or "committed"
	Go       string // toolchain, GOOS/GOARCH
	Schema   uint64 // the database schema this build writes (and reads up to)
}

// ReadBuild gathers Build from the linker flags and the binary's build info.
func ReadBuild() Build {
	b := Build{Version: Version, Commit: Commit, Date: BuildDate, DateKind: "built",
		Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH, Schema: storage.SchemaVersion}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision" && b.Commit == "":
			b.Commit = s.Value
		case s.Key == "vcs.modified" && s.Value == "true" && Commit == "":
			b.Modified = true
		case s.Key == "vcs.time" && b.Date == "":
			b.Date, b.DateKind = s.Value, "committed"
		}
	}
	return b
}

// String is what `wxpos version` prints: the version on the first line, as
// `wxpos --version` prints it, then one fact a line.
func (b Build) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "wxpos %s\n", b.Version)
	switch {
	case b.Commit == "":
		s.WriteString("commit unknown (built outside a git checkout without -ldflags)\n")
	case b.Modified:
		fmt.Fprintf(&s, "commit %s (with uncommitted changes)\n", b.Commit)
	default:
		fmt.Fprintf(&s, "commit %s\n", b.Commit)
	}
	if b.Date != "" {
		fmt.Fprintf(&s, "%s %s\n", b.DateKind, b.Date)
	}
	fmt.Fprintf(&s, "%s\n", b.Go)
	fmt.Fprintf(&s, "database schema %d (opens schema 1–%d, migrating older files after a backup)\n", b.Schema, b.Schema)
	return s.String()
}
