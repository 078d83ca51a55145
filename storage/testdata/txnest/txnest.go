// Package txnest is a fixture of the nested-transaction check: each line
// marked "want" opens a transaction while one is held; nothing else does.
package txnest

import "github.com/wxpos/wxpos/storage"

type reader struct{ s *storage.Store }

// count opens its own transaction.
func (r *reader) count() int {
	n := 0
	_ = r.s.View(func(tx *storage.Tx) error {
		o, _ := tx.OpenOrders()
		n = len(o)
		return nil
	})
	return n
}

// total opens one only through count.
func (r *reader) total() int { return r.count() + 1 }

type counter interface{ count() int }

func direct(s *storage.Store) error {
	return s.View(func(tx *storage.Tx) error {
		return s.Update(func(*storage.Tx) error { return nil }) // want
	})
}

func throughMethods(s *storage.Store) error {
	r := &reader{s}
	return s.Update(func(tx *storage.Tx) error {
		_ = r.total() // want
		return nil
	})
}

func throughInterface(s *storage.Store, c counter) error {
	return s.View(func(tx *storage.Tx) error {
		_ = c.count() // want
		return nil
	})
}

// helper holds the caller's transaction.
func helper(s *storage.Store, tx *storage.Tx) error {
	_, err := tx.OpenOrders()
	if err != nil {
		return err
	}
	return s.View(func(*storage.Tx) error { return nil }) // want
}

func inClosureOfClosure(s *storage.Store) error {
	return s.View(func(tx *storage.Tx) error {
		later := func() int { return (&reader{s}).count() } // want
		_ = later
		return nil
	})
}

// sequential reads one after the other: allowed.
func sequential(s *storage.Store) (int, error) {
	var n int
	if err := s.View(func(tx *storage.Tx) error {
		o, err := tx.OpenOrders()
		n = len(o)
		return err
	}); err != nil {
		return 0, err
	}
	return n + (&reader{s}).total(), nil
}

// plainCalls inside a transaction that open nothing: allowed.
func plainCalls(s *storage.Store) error {
	return s.Update(func(tx *storage.Tx) error {
		_, err := tx.NextSeq("x")
		_ = len("not a transaction")
		return err
	})
}
