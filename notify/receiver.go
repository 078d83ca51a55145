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
	"time"

	"github.com/wxpos/wxpos/wechat"
)

// MaxBody bounds a notification body: a real one is 1–2 KiB.
const MaxBody = 64 << 10

// RecordTimeout bounds the durable write behind one answer: WeChat waits
// about 5 s, and an answer it never gets is a failure it re-sends anyway.
const RecordTimeout = 3 * time.Second

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
	rec, f := rc.v3(req)
	if f == nil {
		f = rc.accept(req.Context(), rec)
	}
	if f != nil {
		rc.refused(req, "v3", f)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(f.status)
		msg, _ := json.Marshal(map[string]string{"code": "FAIL", "message": f.reason})
		_, _ = w.Write(msg)
		return
	}
	w.WriteHeader(http.StatusNoContent) // WeChat: success is 200 or 204, body ignored
}

func (rc *Receiver) serveV2(w http.ResponseWriter, req *http.Request) {
	rec, f := rc.v2(req)
	if f == nil {
		f = rc.accept(req.Context(), rec)
	}
	w.Header().Set("Content-Type", "text/xml")
	if f != nil {
		rc.refused(req, "v2", f)
		// v2 decides on return_code; the status stays 200 as WeChat's own samples.
		_, _ = w.Write(wechat.EncodeXML(map[string]string{"return_code": "FAIL", "return_msg": f.reason}))
		return
	}
	_, _ = w.Write(wechat.NotifyV2Reply())
}

// accept makes rec durable (or finds it already is) within RecordTimeout.
func (rc *Receiver) accept(ctx context.Context, rec *Record) *refused {
	if rec.MchID != rc.MchID {
		return &refused{reason: RefusedForeign, status: http.StatusForbidden, id: rec.ID,
			err: fmt.Errorf("mchid %q is not ours", rec.MchID)}
	}
	ctx, cancel := context.WithTimeout(ctx, RecordTimeout)
	defer cancel()
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

// refused logs and records a refusal; recording it never delays the
// answer past RecordTimeout.
func (rc *Receiver) refused(req *http.Request, api string, f *refused) {
	rc.Log.Warn("notify: refused", "api", api, "id", f.id, "reason", f.reason, "err", f.err, "remote", req.RemoteAddr)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(req.Context()), RecordTimeout)
	defer cancel()
	err := rc.Sink.Refuse(ctx, &Refusal{API: api, ID: f.id, Reason: f.reason, Detail: f.err.Error(), Status: f.status,
		Remote: req.RemoteAddr, Received: rc.Now()})
	if err != nil {
		rc.Log.Error("notify: refusal not recorded", "err", err)
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
func (rc *Receiver) v3(req *http.Request) (*Record, *refused) {
	if rc.V3 == nil {
		return nil, refuse(RefusedUnsupported, http.StatusNotFound, errors.New("API v3 not configured"))
	}
	b, f := body(req)
	if f != nil {
		return nil, f
	}
	ctx, cancel := context.WithTimeout(req.Context(), RecordTimeout)
	defer cancel()
	return rc.verify(ctx, func() (*Record, *refused) {
		n, err := rc.V3.Parse(ctx, req.Header, b)
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
	})
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
func (rc *Receiver) v2(req *http.Request) (*Record, *refused) {
	if rc.V2APIKey == "" {
		return nil, refuse(RefusedUnsupported, http.StatusNotFound, errors.New("API v2 not configured"))
	}
	b, f := body(req)
	if f != nil {
		return nil, f
	}
	ctx, cancel := context.WithTimeout(req.Context(), RecordTimeout)
	defer cancel()
	return rc.verify(ctx, func() (*Record, *refused) { return rc.v2Record(b) })
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
