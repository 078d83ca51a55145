// Package custdisplay decides what the customer sees at the counter: the
// second window that faces the customer and the pole display on the
// counter both draw the Frames it makes, and neither can affect a payment.
//
// Two sources feed it. The cashier window says what is being keyed (the
// sale's lines and running total) and when it asks the customer for a
// payment code: nothing of that reaches the payment core before a tender
// starts. Everything after — the payment being submitted, the Native QR with
// its code_url and expiry, paid, failed, closed, reversed, the change of a
// cash sale — comes from the core's event stream (pos.Terminal.Subscribe),
// read only. The display follows the payment the counter starts (an order
// moving out of NEW) and ignores the rest of the stream: recovery settling
// an old order in the background is not this customer's business.
//
// What the display shows is a state machine kept as a table (Transitions):
// a Mode and an Input give the next Mode; a pair that is not in the table
// leaves the display as it is. A result (paid, failed, change due) stays up
// for Hub's hold time, or until a new tender starts; a new sale's first
// line replaces a paid result at once, while a failed sale's lines coming
// back (the cashier returning to the same sale) wait for the hold so the
// customer can read why.
//
// Nothing here can slow a payment: the core drops events for a subscriber
// that does not keep up, the Hub's inputs are bounded queues that drop the
// oldest, and each Sink has a mailbox of one frame (the newest wins) served
// by its own goroutine, so a pole display on a dead serial line loses
// frames, never blocks. Frames are complete: a sink that missed some draws
// the newest and is up to date.
//
// Why a payment failed is said in the customer's words, not the cashier's
// (the cashier screen says "ask the customer for another card"; the
// customer reads "insufficient balance"): WhyOf classifies WeChat's codes
// and the ways a payment ends into a few Why values, which the window
// translates (package ui's catalogue) and the pole display spells in
// ASCII (package poledisplay).
package custdisplay
