package storage

import (
	"errors"
	"fmt"

	"github.com/wxpos/wxpos/receipt"
)

// ErrReceiptExists is returned by PutReceipt for a number already used:
// a receipt, once written, never changes.
var ErrReceiptExists = errors.New("receipt already exists")

// storedReceipt wraps a receipt with the record version.
type storedReceipt struct {
	V int `json:"v"`
	receipt.Receipt
}

// ReceiptVersion is the record version PutReceipt writes.
const ReceiptVersion = 1

// PutReceipt stores r under r.No. It refuses to overwrite: receipts are
// immutable.
func (t *Tx) PutReceipt(r *receipt.Receipt) error {
	if r.No == "" {
		return fmt.Errorf("put receipt: empty number")
	}
	if t.Has(BucketReceipts, r.No) {
		return fmt.Errorf("receipt %s: %w", r.No, ErrReceiptExists)
	}
	return t.Put(BucketReceipts, r.No, storedReceipt{V: ReceiptVersion, Receipt: *r})
}

// GetReceipt reads receipt no, or an error wrapping ErrNotFound.
func (t *Tx) GetReceipt(no string) (*receipt.Receipt, error) {
	var s storedReceipt
	if err := t.Get(BucketReceipts, no, &s); err != nil {
		return nil, err
	}
	return &s.Receipt, nil
}
