// Package statelit is the fixture of TestStateLiteralCheckFinds: each line
// marked "want" spells a payment or refund state outside package state.
package statelit

import (
	"github.com/wxpos/wxpos/pos"
	"github.com/wxpos/wxpos/state"
	"github.com/wxpos/wxpos/storage"
)

const paid = "PAID" // an untyped copy: flagged where it is used as a state

const success string = "SUCCESS"

const mine state.Order = "PAID" // want

func spelled(o *storage.Order, r *storage.Refund) (n int) {
	if o.State == "PAID" { // want
		n++
	}
	if o.State == paid { // want
		n++
	}
	if r.State == state.Refund(success) { // want
		n++
	}
	switch o.State {
	case "UNKNOWN": // want
		n++
	}
	if pos.State("FAILED") == o.State { // want
		n++
	}
	o.State = mine
	return n
}

func named(o *storage.Order, r *storage.Refund) (n int) {
	if o.State == state.Paid || o.State == pos.StateUnknown || r.State == pos.RefundSuccess {
		n++
	}
	if string(o.State) == "PAID" || o.State.Terminal() {
		n++
	}
	return n
}
