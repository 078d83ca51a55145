package sandbox

import (
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// Limits bound what one listener gives its clients, so that slow or idle
// connections cannot take every file descriptor while valid requests wait:
// each connection must send its headers within ReadHeaderTimeout and its
// whole request within ReadTimeout, and at most MaxConns are served at once
// (the others wait in the kernel's accept queue, costing no descriptor).
type Limits struct {
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	// WriteTimeout is long because a Latency or Late fault holds a request
	// on purpose before it is answered.
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	MaxConns     int
}

// DefaultLimits are those of `wxpos sandbox` and the training sandbox: a
// request body is at most Options.MaxBodyBytes (64 KiB), which a working
// client sends in far less than 15 s.
func DefaultLimits() Limits {
	return Limits{
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       60 * time.Second,
		MaxConns:          512,
	}
}

// Listen returns an http.Server for h with lim's timeouts, and ln capped
// at lim.MaxConns connections (0: no cap). Serve the second on the first:
//
//	hs, ln := sandbox.Listen(ln, sb, sandbox.DefaultLimits())
//	go hs.Serve(ln)
func Listen(ln net.Listener, h http.Handler, lim Limits) (*http.Server, net.Listener) {
	if lim.MaxConns > 0 {
		ln = netutil.LimitListener(ln, lim.MaxConns)
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      lim.WriteTimeout,
		IdleTimeout:       lim.IdleTimeout,
		ErrorLog:          log.New(io.Discard, "", 0),
	}, ln
}
