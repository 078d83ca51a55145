package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// MaxBody bounds a notification body: a real one is 1–2 KiB.
const MaxBody = 64 << 10

// AnswerDeadline bounds one delivery from its arrival to its answer: reading
// the body, waiting for a place to verify, verifying, recording and, for a
// refusal, recording the refusal all share it. WeChat waits about 5 s and
// re-sends whatever it did not see answered success, so an answer that
// comes late is worth less than a failure that comes in time.
const AnswerDeadline = 4 * time.Second

// RecordTimeout is the old name of AnswerDeadline, which it has become: the
// whole delivery's deadline, no longer the record's alone.
//
// Deprecated: use AnswerDeadline.
const RecordTimeout = AnswerDeadline

// refusalShare is the part of a delivery's deadline kept for recording its
// refusal: deciding (verify, record) must be done by 7/8 of it.
const refusalShare = 8

// Receiver answers WeChat Pay's payment and refund notifications of both
// API generations: POST /notify/v3 and POST /notify/v2 (Handler). A
// delivery is verified, decrypted, checked to be our merchant's, recorded
// in the Sink and only then answered success; everything else is refused
// with WeChat's failure answer (so WeChat re-sends) and recorded as a
// Refusal.
type Receiver struct {
	MchID    string               // our merchant: any other is refused
	V3       *wechat.NotifyParser // nil: /notify/v3 refuses everything
	V2APIKey string               // empty: /notify/v2 refuses everything
	Sink     Sink
	Now      func() time.Time // nil: time.Now
	Log      *slog.Logger     // nil: discard
	// MaxVerifying bounds the deliveries verified and decrypted at once:
	// 0 is one per CPU (GOMAXPROCS), negative no bound. See verifying.
	MaxVerifying int
	// AnswerWithin is each delivery's deadline from its arrival (0:
	// AnswerDeadline); see deliver.
	AnswerWithin time.Duration

	wake      chan struct{}
	verifying chan struct{} // one token per delivery being verified; nil: no bound
}

// NewReceiver checks r's pieces and returns it ready to serve.
func NewReceiver(r Receiver) (*Receiver, error) {
	if r.MchID == "" {
		return nil, errors.New("notify: receiver needs the merchant id (mchid)")
	}
	if r.Sink == nil {
		return nil, errors.New("notify: receiver needs a sink")
	}
	if r.V3 == nil && r.V2APIKey == "" {
		return nil, errors.New("notify: receiver needs the APIv3 key and a verifier, or the v2 API key")
	}
	if r.Now == nil {
		r.Now = time.Now
	}
	if r.Log == nil {
		r.Log = slog.New(slog.DiscardHandler)
	}
	if r.AnswerWithin <= 0 {
		r.AnswerWithin = AnswerDeadline
	}
	r.wake = make(chan struct{}, 1)
	if r.MaxVerifying == 0 {
		r.MaxVerifying = runtime.GOMAXPROCS(0)
	}
	if r.MaxVerifying > 0 {
		r.verifying = make(chan struct{}, r.MaxVerifying)
	}
	return &r, nil
}

// Accepted is signalled (without blocking the answer) after each new
// record, for a consumer that would rather not poll the Sink.
func (rc *Receiver) Accepted() <-chan struct{} { return rc.wake }

// Handler serves POST /notify/v3 and POST /notify/v2.
func (rc *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /notify/v3", rc.serveV3)
	mux.HandleFunc("POST /notify/v2", rc.serveV2)
	return mux
}

// refused is a delivery answered with failure: its class and the error.
type refused struct {
	reason string
	status int
	id     string
	err    error
}

func (f *refused) Error() string { return f.reason + ": " + f.err.Error() }

func refuse(reason string, status int, err error) *refused {
	return &refused{reason: reason, status: status, err: err}
}

func (rc *Receiver) serveV3(w http.ResponseWriter, req *http.Request) {
	if f := rc.deliver(req, "v3", rc.v3); f != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		msg, _ := json.Marshal(map[string]string{"code": "FAIL", "message": f.reason})
		_, _ = w.Write(msg)
		return
	}
	w.WriteHeader(http.StatusNoContent) // WeChat: success is 200 or 204, body ignored
}

func (rc *Receiver) serveV2(w http.ResponseWriter, req *http.Request) {
	f := rc.deliver(req, "v2", rc.v2)
	w.Header().Set("Content-Type", "text/xml")
	if f != nil {
		// v2 decides on return_code; the status stays 200 as WeChat's own samples.
		_, _ = w.Write(wechat.EncodeXML(map[string]string{"return_code": "FAIL", "return_msg": f.reason}))
		return
	}
	_, _ = w.Write(wechat.NotifyV2Reply())
}

// decider verifies and decrypts one generation's body into a Record.
type decider func(ctx context.Context, h http.Header, b []byte) (*Record, *refused)

// deliver decides one delivery (nil: recorded, answer success) under a
// single deadline, AnswerWithin from its arrival: the body must be read,
// verified and recorded by 7/8 of it, and a refusal recorded by the end of
// it. Verifying and recording run in a goroutine of their own, so a
// verifier or a Sink that ignores its context (a stuck disk, a database
// gone quiet) delays no answer: the delivery is answered failure at its
// deadline, WeChat re-sends it, and a record that commits after all makes
// the re-send a duplicate.
//
// The deadline runs from the handler's start; a body that trickles in is
// bounded by the server's ReadTimeout (NewServer), not by a read deadline
// set here: one set from a handler is shared with net/http's own
// background read of the connection, whose timeout cancels the request.
func (rc *Receiver) deliver(req *http.Request, api string, decide decider) *refused {
	arrived := time.Now()
	answerBy := arrived.Add(rc.AnswerWithin)
	decideBy := answerBy.Add(-rc.AnswerWithin / refusalShare)
	ctx, cancel := context.WithDeadline(req.Context(), decideBy)
	defer cancel()
	f := rc.decide(ctx, req, decide)
	if f != nil {
		rc.refused(answerBy, req, api, f)
	}
	return f
}

// decide reads the body, then verifies and records it in a goroutine, and
// returns its outcome or, when ctx ends first, the refusal of the step it
// was in: busy before the record was verified, not recorded after.
func (rc *Receiver) decide(ctx context.Context, req *http.Request, decide decider) *refused {
	b, f := body(req)
	if f != nil {
		return f
	}
	h := req.Header.Clone() // read after the handler may have returned
	var verified atomic.Pointer[Record]
	done := make(chan *refused, 1)
	go func() {
		rec, f := rc.verify(ctx, func() (*Record, *refused) { return decide(ctx, h, b) })
		if f == nil {
			verified.Store(rec)
			f = rc.accept(ctx, rec)
		}
		done <- f
	}()
	select {
	case f := <-done:
		return f
	case <-ctx.Done():
	}
	select {
	case f := <-done: // it finished as the deadline came: its own answer
		return f
	default:
	}
	if rec := verified.Load(); rec != nil {
		return &refused{reason: RefusedNotRecorded, status: http.StatusInternalServerError, id: rec.ID,
			err: fmt.Errorf("not recorded in time: %w", ctx.Err())}
	}
	f = refuse(RefusedBusy, http.StatusServiceUnavailable, fmt.Errorf("not verified in time: %w", ctx.Err()))
	f.id = envelopeID(b)
	return f
}

// accept makes rec durable (or finds it already is) before ctx ends.
func (rc *Receiver) accept(ctx context.Context, rec *Record) *refused {
	if rec.MchID != rc.MchID {
		return &refused{reason: RefusedForeign, status: http.StatusForbidden, id: rec.ID,
			err: fmt.Errorf("mchid %q is not ours", rec.MchID)}
	}
	dup, err := rc.Sink.Accept(ctx, rec)
	if err != nil {
		return &refused{reason: RefusedNotRecorded, status: http.StatusInternalServerError, id: rec.ID, err: err}
	}
	rc.Log.Info("notify: accepted", "api", rec.API, "id", rec.ID, "kind", rec.Kind, "ref", rec.Ref(),
		"state", rec.State, "duplicate", dup)
	if !dup {
		select {
		case rc.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// refused logs a refusal and records it by answerBy, the delivery's
// deadline: the Sink's Refuse runs in a goroutine of its own, and one that
// has not returned by then is left to finish (or fail) after the answer.
func (rc *Receiver) refused(answerBy time.Time, req *http.Request, api string, f *refused) {
	rc.Log.Warn("notify: refused", "api", api, "id", f.id, "reason", f.reason, "err", f.err, "remote", req.RemoteAddr)
	ctx, cancel := context.WithDeadline(context.WithoutCancel(req.Context()), answerBy)
	fr := &Refusal{API: api, ID: f.id, Reason: f.reason, Detail: f.err.Error(), Status: f.status,
		Remote: req.RemoteAddr, Received: rc.Now()}
	done := make(chan error, 1)
	go func() {
		defer cancel()
		done <- rc.Sink.Refuse(ctx, fr)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = fmt.Errorf("not recorded by the answer's deadline: %w", ctx.Err())
	}
	if err != nil {
		rc.Log.Error("notify: refusal not recorded", "id", f.id, "reason", f.reason, "err", err)
	}
}

// verify runs the CPU-bound part of a delivery (signature, decryption,
// parsing) once one of MaxVerifying places is free, first come first
// served. Without the bound a burst of 200 deliveries is 200 runnable
// goroutines on two cores: they finish in scheduler order, not arrival
// order, and the sink's writer, back from each fsync, queues behind all of
// them for a processor — its commits stretched from ~1 ms to 15–35 ms, and
// every answer waits for a commit. Waiting for a place is bounded by
// ctx: an overloaded receiver answers failure, and WeChat re-sends.
func (rc *Receiver) verify(ctx context.Context, fn func() (*Record, *refused)) (*Record, *refused) {
	if rc.verifying != nil {
		select {
		case rc.verifying <- struct{}{}:
			defer func() { <-rc.verifying }()
		case <-ctx.Done():
			return nil, refuse(RefusedBusy, http.StatusServiceUnavailable, fmt.Errorf("waiting to verify: %w", ctx.Err()))
		}
	}
	return fn()
}

// body reads at most MaxBody bytes.
func body(req *http.Request) ([]byte, *refused) {
	b, err := io.ReadAll(io.LimitReader(req.Body, MaxBody+1))
	if err != nil {
		return nil, refuse(RefusedMalformed, http.StatusBadRequest, fmt.Errorf("read: %w", err))
	}
	if len(b) > MaxBody {
		return nil, refuse(RefusedTooLarge, http.StatusRequestEntityTooLarge, fmt.Errorf("body over %d bytes", MaxBody))
	}
	return b, nil
}

// v3 verifies and decrypts an API v3 notification into a Record.
func (rc *Receiver) v3(ctx context.Context, h http.Header, b []byte) (*Record, *refused) {
	if rc.V3 == nil {
		return nil, refuse(RefusedUnsupported, http.StatusNotFound, errors.New("API v3 not configured"))
	}
	n, err := rc.V3.Parse(ctx, h, b)
	if err != nil {
		f := classifyV3(err)
		f.id = envelopeID(b)
		return nil, f
	}
	if n.OriginalType != "transaction" && n.OriginalType != "refund" {
		return nil, &refused{reason: RefusedUnsupported, status: http.StatusBadRequest, id: n.ID,
			err: fmt.Errorf("event %s (%s) is not a payment or refund", n.EventType, n.OriginalType)}
	}
	rec, err := v3Record(n)
	if err != nil {
		return nil, &refused{reason: RefusedMalformed, status: http.StatusBadRequest, id: n.ID, err: err}
	}
	rec.Received = rc.Now()
	return rec, nil
}

// classifyV3 maps a NotifyParser error to its refusal. An unverifiable
// delivery is 401, WeChat's own answer to a bad signature.
func classifyV3(err error) *refused {
	switch {
	case errors.Is(err, wechat.ErrTimestampSkew):
		return refuse(RefusedStale, http.StatusUnauthorized, err)
	case errors.Is(err, wechat.ErrBadSignature), errors.Is(err, wechat.ErrUnknownSerial):
		return refuse(RefusedSignature, http.StatusUnauthorized, err)
	case errors.Is(err, wechat.ErrDecrypt):
		return refuse(RefusedUndecrypted, http.StatusBadRequest, err)
	case errors.Is(err, wechat.ErrNotify):
		if bytes.Contains([]byte(err.Error()), []byte("probe signature")) {
			return refuse(RefusedSignature, http.StatusUnauthorized, err)
		}
		return refuse(RefusedMalformed, http.StatusBadRequest, err)
	}
	return refuse(RefusedSignature, http.StatusUnauthorized, err) // a verifier that could not say: not trusted
}

// envelopeID is the id a refused v3 body claims, for the refusal record.
func envelopeID(b []byte) string {
	var env struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(b, &env) != nil || len(env.ID) > 64 {
		return ""
	}
	return env.ID
}

func v3Record(n *wechat.Notification) (*Record, error) {
	if n.ID == "" {
		return nil, errors.New("notification without id")
	}
	switch n.OriginalType {
	case "transaction":
		t, err := n.Transaction()
		if err != nil {
			return nil, err
		}
		return &Record{ID: n.ID, API: "v3", Kind: KindPay, Event: n.EventType, MchID: t.MchID, OutTradeNo: t.OutTradeNo,
			TransactionID: t.TransactionID, State: string(t.State), TotalFen: t.Total, Attach: t.Attach,
			SuccessTime: t.SuccessTime}, nil
	case "refund":
		r, err := n.Refund()
		if err != nil {
			return nil, err
		}
		var m struct {
			MchID    string `json:"mchid"`
			SubMchID string `json:"sub_mchid"` // a service provider's: the store is the sub-merchant
		}
		_ = json.Unmarshal(n.Plaintext, &m)
		if m.SubMchID != "" {
			m.MchID = m.SubMchID
		}
		return &Record{ID: n.ID, API: "v3", Kind: KindRefund, Event: n.EventType, MchID: m.MchID, OutTradeNo: r.OutTradeNo,
			OutRefundNo: r.OutRefundNo, TransactionID: r.TransactionID, RefundID: r.RefundID, State: string(r.Status),
			TotalFen: r.Total, RefundFen: r.Refund, SuccessTime: r.SuccessTime}, nil
	}
	return nil, fmt.Errorf("original_type %q", n.OriginalType)
}

// v2 verifies an API v2 notification: a signed payment notice, or a
// refund notice whose req_info decrypts under the API key.
func (rc *Receiver) v2(_ context.Context, _ http.Header, b []byte) (*Record, *refused) {
	if rc.V2APIKey == "" {
		return nil, refuse(RefusedUnsupported, http.StatusNotFound, errors.New("API v2 not configured"))
	}
	return rc.v2Record(b)
}

// v2Record verifies and decrypts a v2 body into a Record.
func (rc *Receiver) v2Record(b []byte) (*Record, *refused) {
	var rec *Record
	if bytes.Contains(b, []byte("<req_info>")) {
		r, mch, err := wechat.ParseRefundNotifyV2(bytes.NewReader(b), rc.V2APIKey)
		if err != nil {
			return nil, classifyV2(err)
		}
		rec = &Record{API: "v2", Kind: KindRefund, MchID: mch, OutTradeNo: r.OutTradeNo, OutRefundNo: r.OutRefundNo,
			TransactionID: r.TransactionID, RefundID: r.RefundID, State: string(r.Status), TotalFen: r.Total,
			RefundFen: r.Refund, SuccessTime: r.SuccessTime}
	} else {
		t, err := wechat.ParseNotifyV2(bytes.NewReader(b), rc.V2APIKey)
		if err != nil {
			return nil, classifyV2(err)
		}
		rec = &Record{API: "v2", Kind: KindPay, MchID: t.MchID, OutTradeNo: t.OutTradeNo, TransactionID: t.TransactionID,
			State: string(t.State), TotalFen: t.Total, Attach: t.Attach, SuccessTime: t.SuccessTime}
	}
	if rec.Ref() == "" {
		return nil, refuse(RefusedMalformed, http.StatusBadRequest, errors.New("no order or refund number"))
	}
	rec.ID = "v2:" + rec.Key()
	rec.Received = rc.Now()
	return rec, nil
}

func classifyV2(err error) *refused {
	switch {
	case errors.Is(err, wechat.ErrBadSignature):
		return refuse(RefusedSignature, http.StatusOK, err)
	case errors.Is(err, wechat.ErrDecrypt):
		return refuse(RefusedUndecrypted, http.StatusOK, err)
	}
	return refuse(RefusedMalformed, http.StatusOK, err)
}
