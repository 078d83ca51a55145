// Package notify receives WeChat Pay's payment and refund notifications
// (PROTOCOL A.13, A.14, B.13) and keeps them as hints for the terminal.
//
// A Receiver serves POST /notify/v3 (JSON, Wechatpay-* headers verified
// with the WeChat Pay public key or platform certificates, ±5 min, the
// resource AES-256-GCM under the APIv3 key) and POST /notify/v2 (signed
// XML for payments; refunds carry req_info, AES-256-ECB under MD5 of the
// API key, which is what authenticates them). A delivery is answered
// success (v3: 204; v2: return_code SUCCESS) only after its Record is
// durable in the Sink; anything unverifiable, stale, another merchant's, or
// not recorded is answered with WeChat's failure (v3: 4xx/5xx with
// {"code":"FAIL","message":…}; v2: return_code FAIL), so WeChat re-sends
// it on its schedule (15 s … 6 h, about 24 h), and kept as a Refusal.
//
// Deduplication is by notification id and by (kind, number, state): the
// same event again — a retry, a replay within ±5 min, the same event under
// another id — is answered success and records nothing. v2 has no id; its
// id is derived from the second key.
//
// Nothing reads a notification from the handler. Consumers read the Sink
// (Follow, with a cursor of their own), so a slow consumer delays no
// answer. A record is a hint: the terminal confirms it by query before it
// moves an order (package pos), and never trusts a body it did not verify.
//
// Sinks: BoltSink (a bbolt file of its own; one writer group-commits the
// Accepts that arrive while its previous commit is made, so a burst shares
// a few fsyncs and a lone notification waits for no timer) for a single
// store; replica.NotifySink (the store's PostgreSQL) for a chain.
//
// Verification (RSA-SHA256, AES-GCM, parsing: ~90 µs of CPU a delivery)
// runs in at most Receiver.MaxVerifying places at once, one per CPU by
// default, first come first served: a burst then finishes in arrival order
// and leaves a processor free for the sink's writer between its fsyncs,
// instead of 200 runnable goroutines starving it.
//
// Each delivery has one deadline, AnswerDeadline (4 s) from its arrival,
// shared by waiting for a place to verify, verifying, recording and
// recording a refusal: the steps run beside the handler, which answers
// failure at the deadline whatever a stuck Sink or verifier is doing, so
// WeChat (which waits 5 s) always gets an answer and re-sends.
//
// NewServer gives the http.Server the bounds a public endpoint needs;
// bodies are bounded by MaxBody. Logs name the id, number, state and the
// refusal class, never a body, signature or key.
package notify
