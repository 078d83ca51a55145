package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ErrNotPayable is returned (wrapped) by PayNative when the order behind a
// code_url cannot be paid any more (paid, closed or expired).
var ErrNotPayable = errors.New("sandbox: order not payable")

// ErrUnknownCodeURL is returned by PayNative for a code_url the sandbox
// never issued.
var ErrUnknownCodeURL = errors.New("sandbox: unknown code_url")

// LedgerOrder is one order as GET /sandbox/ledger shows it.
type LedgerOrder struct {
	OutTradeNo    string `json:"out_trade_no"`
	TransactionID string `json:"transaction_id"`
	TradeType     string `json:"trade_type"`
	TradeState    string `json:"trade_state"`
	AmountFen     int64  `json:"amount_fen"`
	RefundedFen   int64  `json:"refunded_fen"`
	AuthCodeLast4 string `json:"auth_code_last4"`
	CreateTime    string `json:"create_time"`
	SuccessTime   string `json:"success_time"`
	// CouponFen is the coupon the customer paid with (0: none), of type
	// CouponType (CASH or NOCASH).
	CouponFen  int64  `json:"coupon_fen,omitempty"`
	CouponType string `json:"coupon_type,omitempty"`
}

// LedgerRefund is one refund as GET /sandbox/ledger shows it.
type LedgerRefund struct {
	OutRefundNo string `json:"out_refund_no"`
	OutTradeNo  string `json:"out_trade_no"`
	Status      string `json:"status"`
	AmountFen   int64  `json:"amount_fen"`
	// DiscountFen is the coupon part of the refund: the customer gets
	// AmountFen − DiscountFen back in cash.
	DiscountFen int64 `json:"discount_fen,omitempty"`
}

// Ledger is the sandbox's view of every order and refund: what tests
// compare a terminal's records against. Times are RFC 3339 Beijing time;
// success_time is empty for an order that never paid.
type Ledger struct {
	Orders  []LedgerOrder  `json:"orders"`
	Refunds []LedgerRefund `json:"refunds"`
}

// Ledger returns a snapshot of all orders and refunds, in creation order,
// after applying everything due on the sandbox clock.
func (s *Server) Ledger() Ledger { return s.ledgerOf(nil) }

// ledgerOf is Ledger of led (nil: the direct merchant's).
func (s *Server) ledgerOf(led *ledger) Ledger {
	out := Ledger{Orders: []LedgerOrder{}, Refunds: []LedgerRefund{}}
	s.updateIn(led, func(time.Time) bool {
		s.led.eachOrder(func(o *order) {
			out.Orders = append(out.Orders, LedgerOrder{
				OutTradeNo: o.OutTradeNo, TransactionID: o.TransactionID, TradeType: o.TradeType,
				TradeState: o.State, AmountFen: o.AmountFen, RefundedFen: o.RefundedFen,
				AuthCodeLast4: o.AuthLast4, CreateTime: fmtV3Time(o.CreateTime), SuccessTime: fmtV3Time(o.SuccessTime),
				CouponFen: o.discountFen(), CouponType: couponTypeOf(o.Coupon),
			})
		})
		s.led.eachRefund(func(r *refund) {
			out.Refunds = append(out.Refunds, LedgerRefund{OutRefundNo: r.OutRefundNo, OutTradeNo: r.OutTradeNo, Status: r.Status, AmountFen: r.AmountFen, DiscountFen: r.DiscountFen})
		})
		return false
	})
	return out
}

// PayNative is the simulated customer scanning codeURL and paying it,
// whether the direct merchant or the sub-merchant issued it.
func (s *Server) PayNative(codeURL string) error { return s.PayNativeAs(codeURL, ScenarioSuccess) }

// PayNativeAs is PayNative by a customer of scenario sc: ScenarioCoupon
// and ScenarioCouponWeChat pay with their coupon, any other pays in full.
func (s *Server) PayNativeAs(codeURL string, sc Scenario) error {
	err := s.payNativeIn(nil, codeURL, sc)
	if errors.Is(err, ErrUnknownCodeURL) {
		err = s.payNativeIn(s.sp.led, codeURL, sc)
	}
	return err
}

func (s *Server) payNativeIn(led *ledger, codeURL string, sc Scenario) error {
	var err error
	s.updateIn(led, func(now time.Time) bool {
		var o *order
		o, err = s.payNative(now, codeURL, sc)
		if err != nil && o != nil {
			err = fmt.Errorf("%w: %v", ErrNotPayable, err)
		}
		return err == nil
	})
	return err
}

// CodeURL returns the code_url of the Native order outTradeNo, so a
// simulated customer can pay an order known by its number; an order the
// sandbox does not have as Native is ErrUnknownCodeURL. The direct
// merchant's order is looked for first, then the sub-merchant's.
func (s *Server) CodeURL(outTradeNo string) (string, error) {
	var url string
	for _, led := range []*ledger{nil, s.sp.led} {
		s.updateIn(led, func(time.Time) bool {
			if o := s.led.order(outTradeNo); o != nil && o.TradeType == tradeNative && url == "" {
				url = o.CodeURL
			}
			return false
		})
	}
	if url == "" {
		return "", fmt.Errorf("%w: no Native order %s", ErrUnknownCodeURL, outTradeNo)
	}
	return url, nil
}

// ErrRefundNotProcessing is returned by SetRefundOutcome for a refund that
// is unknown or already finished.
var ErrRefundNotProcessing = errors.New("sandbox: no such PROCESSING refund")

// SetRefundOutcome decides how a PROCESSING refund ends when its delay has
// passed: "SUCCESS" (the default), "CLOSED" (the money stays with the
// merchant) or "ABNORMAL" (the user's card is frozen or closed).
func (s *Server) SetRefundOutcome(outRefundNo, status string) error {
	switch status {
	case refundSuccess, refundClosed, refundAbnormal:
	default:
		return fmt.Errorf("sandbox: refund outcome must be SUCCESS, CLOSED or ABNORMAL, not %q", status)
	}
	err := s.setRefundOutcomeIn(nil, outRefundNo, status)
	if errors.Is(err, ErrRefundNotProcessing) {
		err = s.setRefundOutcomeIn(s.sp.led, outRefundNo, status)
	}
	return err
}

func (s *Server) setRefundOutcomeIn(led *ledger, outRefundNo, status string) error {
	var err error
	s.updateIn(led, func(time.Time) bool {
		r := s.led.refund(outRefundNo)
		if r == nil || r.Status != refundProcessing {
			err = fmt.Errorf("%w: %s", ErrRefundNotProcessing, outRefundNo)
			return false
		}
		r.Outcome = status
		return true
	})
	return err
}

// Drop modes of a Fault.
const (
	// DropBefore closes the connection without touching the ledger.
	DropBefore = "before"
	// DropAfter runs the request (the ledger commits) and then closes the
	// connection instead of answering.
	DropAfter = "after"
)

// Duration is a time.Duration written in JSON as a Go duration string
// ("250ms", "26h").
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var str string
	if err := json.Unmarshal(b, &str); err != nil {
		return fmt.Errorf("duration must be a string like \"2s\": %w", err)
	}
	v, err := time.ParseDuration(str)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Fault is an injected failure for WeChat endpoints (never /sandbox/).
type Fault struct {
	// Path limits the fault to one path, or to a prefix when it ends in
	// "/". Empty: every WeChat endpoint.
	Path string `json:"path,omitempty"`
	// Latency delays the request (real time; cut short if the client
	// gives up).
	Latency Duration `json:"latency,omitempty"`
	// Status, when non-zero, answers with this HTTP status without running
	// the request: on v3 a signed error body; on v2 what v2 answers for it
	// (500/503 SYSTEMERROR, 429 FREQUENCY_LIMITED, as XML with HTTP 200),
	// other statuses as a proxy's HTML page (v2faults.go).
	Status int `json:"status,omitempty"`
	// Code is the v3 error code of an injected 429: RATELIMIT_EXCEEDED
	// (the default, the generic rate limit) or FREQUENCY_LIMITED (the
	// per-order and error-rate limits). Only with Status 429.
	Code string `json:"code,omitempty"`
	// Drop is DropBefore or DropAfter.
	Drop string `json:"drop,omitempty"`
	// Late makes the request reach WeChat after its caller has given up:
	// it is held for Latency (or, with no Latency, until ReleaseLate) and
	// then processed whether or not the client is still waiting; the answer
	// goes nowhere if it is not. This is how a payment lands after the
	// terminal's deadline, which WeChat's "no such order" must not outrun.
	Late bool `json:"late,omitempty"`
	// Count is how many requests the fault hits: 0 means 1, negative means
	// until cleared.
	Count int `json:"count,omitempty"`
}

func (f *Fault) matches(path string) bool {
	switch {
	case f.Path == "":
		return true
	case strings.HasSuffix(f.Path, "/"):
		return strings.HasPrefix(path, f.Path)
	default:
		return path == f.Path
	}
}

// AddFault queues f; faults apply in the order added.
func (s *Server) AddFault(f Fault) error {
	if f.Drop != "" && f.Drop != DropBefore && f.Drop != DropAfter {
		return fmt.Errorf("sandbox: drop must be %q or %q", DropBefore, DropAfter)
	}
	if f.Code != "" && (f.Status != http.StatusTooManyRequests || (f.Code != codeRateLimit && f.Code != errFrequencyLimited.v3)) {
		return fmt.Errorf("sandbox: fault code %q: only %s or %s, with status 429", f.Code, codeRateLimit, errFrequencyLimited.v3)
	}
	if f.Status != 0 && (f.Status < 400 || f.Status > 599) {
		return fmt.Errorf("sandbox: fault status %d is not an error status", f.Status)
	}
	if f.Count == 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
	return nil
}

// ReleaseLate lets every request held by a Late fault without a Latency
// go on to WeChat. Requests that arrive later are held again.
func (s *Server) ReleaseLate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.release == nil {
		s.release = make(chan struct{})
	}
	close(s.release)
	s.release = make(chan struct{})
}

// Settle waits until every request slowed or held by a fault has finished:
// processed, or abandoned with its client. Tests call it instead of
// sleeping before they read the ledger.
func (s *Server) Settle(ctx context.Context) error {
	done := make(chan struct{})
	go func() { s.slowed.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("sandbox: slowed requests still running: %w", ctx.Err())
	}
}

// Slowed reports how many requests a Latency or Late fault is holding right
// now: a test that kills a client mid-request waits for it to be there.
func (s *Server) Slowed() int { return int(s.inFlight.Load()) }

// releaseChan is the channel the next ReleaseLate closes.
func (s *Server) releaseChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.release == nil {
		s.release = make(chan struct{})
	}
	return s.release
}

// ClearFaults removes every pending fault and lets requests held by a Late
// fault go on (ReleaseLate).
func (s *Server) ClearFaults() {
	s.ReleaseLate()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Faults returns the pending faults.
func (s *Server) Faults() []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, 0, len(s.faults))
	for _, f := range s.faults {
		out = append(out, *f)
	}
	return out
}

// takeFault consumes the first fault matching path.
func (s *Server) takeFault(path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if !f.matches(path) {
			continue
		}
		c := *f
		if f.Count > 0 {
			f.Count--
			if f.Count == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
		}
		return &c
	}
	return nil
}

// withFaults applies injected faults to WeChat endpoints.
func (s *Server) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/sandbox/") {
			next.ServeHTTP(w, r)
			return
		}
		f := s.takeFault(r.URL.Path)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		if f.Latency > 0 || f.Late {
			s.slowed.Add(1)
			s.inFlight.Add(1)
			defer func() { s.inFlight.Add(-1); s.slowed.Done() }()
			// Read the body first: only then does net/http notice a client
			// that gives up, and cancel r.Context().
			data, err := io.ReadAll(io.LimitReader(r.Body, s.opts.MaxBodyBytes+1))
			if err != nil {
				dropConnection(w)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(data))
			var wake <-chan time.Time
			if f.Latency > 0 {
				t := time.NewTimer(time.Duration(f.Latency))
				defer t.Stop()
				wake = t.C
			}
			gone := r.Context().Done()
			if f.Late {
				// WeChat has the request: the caller giving up changes nothing.
				gone = nil
				r = r.WithContext(context.WithoutCancel(r.Context()))
			}
			var release <-chan struct{}
			if f.Late && f.Latency == 0 {
				release = s.releaseChan()
			}
			select {
			case <-wake:
			case <-release:
			case <-gone:
				// Abort, never return: a handler that returns without
				// writing answers an empty 200, which a client that is in
				// fact still there reads as an unsigned success.
				panic(http.ErrAbortHandler)
			}
		}
		switch {
		case f.Drop == DropBefore:
			dropConnection(w)
		case f.Drop == DropAfter:
			bw := &bufferedWriter{header: http.Header{}}
			next.ServeHTTP(bw, r)
			dropConnection(w)
		case f.Status != 0:
			s.writeGatewayError(w, r, f.Status, f.Code)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// codeRateLimit is the v3 code of the generic rate limit.
const codeRateLimit = "RATELIMIT_EXCEEDED"

// writeGatewayError answers an injected error status: a signed v3 error
// body on v3 paths (429: code, by default the generic rate limit
// RATELIMIT_EXCEEDED; else SYSTEM_ERROR); on v2 paths what v2 answers
// (writeV2GatewayError).
func (s *Server) writeGatewayError(w http.ResponseWriter, r *http.Request, status int, code string) {
	if strings.HasPrefix(r.URL.Path, "/v3/") {
		body := v3ErrorBody{Code: "SYSTEM_ERROR", Message: "系统繁忙，请稍后重试"}
		switch {
		case status == http.StatusTooManyRequests && code == errFrequencyLimited.v3:
			body = v3ErrorBody{Code: code, Message: errFrequencyLimited.msg}
		case status == http.StatusTooManyRequests:
			body = v3ErrorBody{Code: codeRateLimit, Message: "达到调用速率限制"}
		}
		rep := v3JSON(status, body)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		s.signV3(w.Header(), r, rep.body)
		w.WriteHeader(status)
		_, _ = w.Write(rep.body)
		return
	}
	s.writeV2GatewayError(w, r, status)
}

// dropConnection closes the client connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// HTTP/2 or a recorder: abort the response instead.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// bufferedWriter swallows a response (drop after commit).
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.header }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedWriter) WriteHeader(code int)        { b.status = code }

// withClientCert requires the merchant certificate on /secapi/ (and on
// /pay/downloadfundflow, PROTOCOL A.4) when the
// sandbox is served over TLS. Without one WeChat fails the handshake; the
// sandbox closes the connection, which clients see the same way.
func (s *Server) withClientCert(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil && (strings.HasPrefix(r.URL.Path, "/secapi/") || r.URL.Path == "/pay/downloadfundflow") {
			ok := len(r.TLS.VerifiedChains) > 0 && len(r.TLS.VerifiedChains[0]) > 0 &&
				(r.TLS.VerifiedChains[0][0].Subject.CommonName == s.creds.MchID || r.TLS.VerifiedChains[0][0].Subject.CommonName == s.sp.c.SpMchID)
			if !ok {
				s.opts.Logger.Info("sandbox: /secapi/ without merchant certificate", "path", r.URL.Path)
				dropConnection(w)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func controlError(w http.ResponseWriter, status int, err error) {
	writeControlJSON(w, status, map[string]string{"error": err.Error()})
}

// decodeControl parses a small control-API body.
func decodeControl(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		controlError(w, http.StatusBadRequest, fmt.Errorf("bad request body: %w", err))
		return false
	}
	return true
}

func (s *Server) handleControlNativePay(w http.ResponseWriter, r *http.Request) {
	var req struct {
		CodeURL    string `json:"code_url"`
		OutTradeNo string `json:"out_trade_no"` // instead of code_url
		Scenario   string `json:"scenario"`     // coupon or coupon_wechat: pay with that coupon
	}
	if !decodeControl(w, r, &req) {
		return
	}
	sc := Scenario(req.Scenario)
	if sc != "" && sc != ScenarioSuccess && !isCouponScenario(sc) {
		controlError(w, http.StatusBadRequest, fmt.Errorf("scenario %q: a Native payment takes success, coupon or coupon_wechat", req.Scenario))
		return
	}
	var err error
	if req.CodeURL == "" && req.OutTradeNo != "" {
		req.CodeURL, err = s.CodeURL(req.OutTradeNo)
	}
	if err == nil {
		err = s.PayNativeAs(req.CodeURL, sc)
	}
	switch {
	case errors.Is(err, ErrUnknownCodeURL):
		controlError(w, http.StatusNotFound, err)
	case errors.Is(err, ErrNotPayable):
		controlError(w, http.StatusConflict, err)
	case err != nil:
		controlError(w, http.StatusInternalServerError, err)
	default:
		out := map[string]string{}
		for _, led := range []*ledger{nil, s.sp.led} {
			s.updateIn(led, func(time.Time) bool {
				if o := s.led.orderByCodeURL(req.CodeURL); o != nil {
					out = map[string]string{"out_trade_no": o.OutTradeNo, "transaction_id": o.TransactionID, "trade_state": o.State}
				}
				return false
			})
		}
		writeControlJSON(w, http.StatusOK, out)
	}
}

func (s *Server) handleControlRefundOutcome(w http.ResponseWriter, r *http.Request) {
	var req struct {
		OutRefundNo string `json:"out_refund_no"`
		Status      string `json:"status"`
	}
	if !decodeControl(w, r, &req) {
		return
	}
	err := s.SetRefundOutcome(req.OutRefundNo, req.Status)
	switch {
	case errors.Is(err, ErrRefundNotProcessing):
		controlError(w, http.StatusConflict, err)
	case err != nil:
		controlError(w, http.StatusBadRequest, err)
	default:
		writeControlJSON(w, http.StatusOK, map[string]string{"out_refund_no": req.OutRefundNo, "outcome": req.Status})
	}
}

func (s *Server) handleControlClock(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		var req struct {
			Advance Duration `json:"advance"`
		}
		if !decodeControl(w, r, &req) {
			return
		}
		if req.Advance < 0 {
			controlError(w, http.StatusBadRequest, errors.New("the sandbox clock only moves forward"))
			return
		}
		s.Advance(time.Duration(req.Advance))
	}
	writeControlJSON(w, http.StatusOK, map[string]string{"now": fmtV3Time(s.Now())})
}

func (s *Server) handleControlLedger(w http.ResponseWriter, _ *http.Request) {
	writeControlJSON(w, http.StatusOK, s.Ledger())
}

// handleControlPartnerLedger is GET /sandbox/partner/ledger: the
// sub-merchant's orders and refunds, in the shape of /sandbox/ledger.
func (s *Server) handleControlPartnerLedger(w http.ResponseWriter, _ *http.Request) {
	writeControlJSON(w, http.StatusOK, s.PartnerLedger())
}

func (s *Server) handleControlFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		var f Fault
		if !decodeControl(w, r, &f) {
			return
		}
		if err := s.AddFault(f); err != nil {
			controlError(w, http.StatusBadRequest, err)
			return
		}
	case http.MethodDelete:
		s.ClearFaults()
	}
	writeControlJSON(w, http.StatusOK, map[string][]Fault{"faults": s.Faults()})
}
