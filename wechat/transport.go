package wechat

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"
)

// transport sends one logical request to the primary host and, when the
// primary cannot be connected to, the same request to the backup host.
type transport struct {
	s    *settings
	hc   *http.Client
	mtls *http.Client
	log  *slog.Logger
}

func newTransport(s *settings) (*transport, error) {
	m, err := s.mtlsClient()
	if err != nil {
		return nil, err
	}
	log := s.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &transport{s: s, hc: noRedirects(s.httpClient), mtls: noRedirects(m), log: log}, nil
}

// noRedirects returns a copy of c that hands 3xx answers back instead of
// following them: WeChat Pay never redirects, and a request must not be
// replayed to a host the answer names.
func noRedirects(c *http.Client) *http.Client {
	if c == nil {
		return nil
	}
	cp := *c
	cp.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &cp
}

// withDeadline gives ctx the default deadline when it has none.
func (t *transport) withDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, t.s.timeout)
}

type rawResponse struct {
	status int
	header http.Header
	body   []byte
}

// open performs method pathQuery with body and header on the primary host,
// failing over to the backup host on a connection error, and returns the
// response with its body unread (the caller closes it).
func (t *transport) open(ctx context.Context, op, method, pathQuery string, body []byte, header http.Header, useMTLS bool) (*http.Response, error) {
	hc := t.hc
	if useMTLS {
		if t.mtls == nil {
			return nil, fmt.Errorf("%w: %s needs a client certificate (WithClientCertificate)", ErrNotConfigured, op)
		}
		hc = t.mtls
	}
	hosts := []string{t.s.baseURL}
	if t.s.backupURL != "" {
		hosts = append(hosts, t.s.backupURL)
	}
	var lastErr error
	for i, host := range hosts {
		req, err := http.NewRequestWithContext(ctx, method, host+pathQuery, bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrInvalidArgument, op, err)
		}
		for k, v := range header {
			req.Header[k] = v
		}
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			// Drop the URL (its query may hold a download token) but keep the
			// cause for errors.Is (context.DeadlineExceeded, net errors).
			var ue *url.Error
			if errors.As(err, &ue) {
				err = fmt.Errorf("%s %s: %w", method, host, ue.Err)
			}
			lastErr = err
			if i+1 < len(hosts) && isConnectError(err) && ctx.Err() == nil {
				t.log.WarnContext(ctx, "wechat: primary host unreachable, failing over", "op", op, "err", err)
				continue
			}
			return nil, &TransportError{Op: op, Err: err}
		}
		t.log.DebugContext(ctx, "wechat: call", "op", op, "host", host, "status", resp.StatusCode,
			"request_id", resp.Header.Get("Request-Id"), "elapsed", time.Since(start))
		return resp, nil
	}
	return nil, &TransportError{Op: op, Err: lastErr}
}

// readResponse reads resp's body, up to limit bytes; a longer body is a
// transport error.
func readResponse(op string, resp *http.Response, limit int64) (*rawResponse, error) {
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, &TransportError{Op: op, Err: fmt.Errorf("read body: %w", err)}
	}
	if int64(len(data)) > limit {
		return nil, &TransportError{Op: op, Err: fmt.Errorf("response larger than %d bytes", limit)}
	}
	return &rawResponse{status: resp.StatusCode, header: resp.Header, body: data}, nil
}

// isConnectError reports whether err happened before the request could have
// reached the server: DNS failure or a refused/unreachable dial.
func isConnectError(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// RedactCode returns a payment code reduced to its last 4 characters, for logs.
func RedactCode(code string) string {
	if len(code) <= 4 {
		return "****"
	}
	return "****" + code[len(code)-4:]
}
