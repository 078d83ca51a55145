// Package logging sets up the terminal's structured log: JSON lines to a
// size-rotated file in the data directory (kept for support), and short text
// lines on stderr for warnings a person at the command line should see.
//
// Nothing secret is ever passed to a logger in wxpos; Redact helps callers
// that log payment codes or ids keep only what identifies them.
package logging

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"gopkg.in/natefinch/lumberjack.v2"
)

// Options configures New.
type Options struct {
	// Dir is where wxpos.log and its rotated copies go. Empty: no file.
	Dir string
	// Stderr receives warnings and errors; nil means os.Stderr.
	Stderr io.Writer
	// Verbose also sends info lines to stderr.
	Verbose bool
}

// New returns a logger and a function that flushes and closes its file.
func New(o Options) (*slog.Logger, func() error, error) {
	errw := o.Stderr
	if errw == nil {
		errw = os.Stderr
	}
	level := slog.LevelWarn
	if o.Verbose {
		level = slog.LevelInfo
	}
	handlers := []slog.Handler{slog.NewTextHandler(errw, &slog.HandlerOptions{Level: level})}
	closeFn := func() error { return nil }
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o700); err != nil {
			return nil, nil, err
		}
		file := &lumberjack.Logger{
			Filename:   filepath.Join(o.Dir, "wxpos.log"),
			MaxSize:    10, // megabytes
			MaxBackups: 10,
			MaxAge:     90, // days: one quarter, the bill retention
			Compress:   true,
		}
		handlers = append(handlers, slog.NewJSONHandler(file, &slog.HandlerOptions{Level: slog.LevelInfo}))
		closeFn = file.Close
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closeFn, nil
}

// Last4 keeps the last four characters of a payment code or account number
// and masks the rest, so logs can tell scans apart without holding a code
// that could be replayed.
func Last4(s string) string {
	if len(s) <= 4 {
		return "****"
	}
	return "…" + s[len(s)-4:]
}
