package storage

import (
	"errors"
	"time"
)

// Till is who is signed in at the terminal, kept under "till" in
// BucketShifts. A sign-in belongs to the terminal, not to a process: the
// window and `wxpos pay` read the same record, and a restart keeps it
// (locked included). The payment core checks it inside the commit that
// records a new sale or refund, so a sign-out cannot race a sale.
type Till struct {
	V       int       `json:"v"`
	Cashier string    `json:"cashier,omitempty"` // signed in; "" nobody
	Role    string    `json:"role,omitempty"`    // the cashier's staff role at sign-in
	Since   time.Time `json:"since,omitzero"`
	// Locked is set while the screen is locked (by hand or after idle):
	// the cashier stays signed in but nothing is sold until someone types
	// a PIN.
	Locked   bool      `json:"locked,omitempty"`
	LockedAt time.Time `json:"locked_at,omitzero"`
	// Shift is the number of the open shift, 0 while none is open.
	Shift uint64 `json:"shift,omitempty"`
}

// TillVersion is the record version PutTill writes in Till.V.
const TillVersion = 1

const tillKey = "till"

// SignedIn reports whether someone may sell: signed in and not locked.
func (t Till) SignedIn() bool { return t.Cashier != "" && !t.Locked }

// Till returns who is signed in; the zero Till when nobody ever was.
func (t *Tx) Till() (Till, error) {
	var tl Till
	err := t.Get(BucketShifts, tillKey, &tl)
	if errors.Is(err, ErrNotFound) {
		return Till{}, nil
	}
	return tl, err
}

// PutTill records who is signed in.
func (t *Tx) PutTill(tl Till) error {
	tl.V = TillVersion
	return t.Put(BucketShifts, tillKey, tl)
}
