// Package orderwrite is a fixture of the order-writer check: each line
// marked "want" writes an order or refund record outside pos.
package orderwrite

import "github.com/wxpos/wxpos/storage"

func writes(s *storage.Store, bucket storage.Bucket) error {
	return s.Update(func(tx *storage.Tx) error {
		_ = tx.PutOrder(&storage.Order{OutTradeNo: "P1", State: "PAID"})                    // want
		_ = tx.PutRefund(&storage.Refund{OutRefundNo: "R1", State: "SUCCESS"})              // want
		_ = tx.Put(storage.BucketOrders, "P1", map[string]string{"state": "PAID"})          // want
		_ = tx.PutRaw(storage.BucketRefunds, "R1", []byte(`{"state":"SUCCESS"}`))           // want
		_ = tx.Delete(storage.BucketOpen, "P1")                                             // want
		_ = tx.Put(bucket, "P1", nil)                                                       // want
		_ = tx.Put(storage.BucketRecon, "result/20260301", map[string]string{"ok": "true"}) // another bucket
		_, err := tx.AppendEvent(storage.Event{Kind: "note"})
		return err
	})
}
