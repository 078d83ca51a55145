package recon

import "io"

// Records is a Local held in memory (tests, imports, small days).
type Records struct {
	Orders  []Order
	Refunds []Refund
}

// EachOrder calls fn for every order.
func (r *Records) EachOrder(fn func(*Order) error) error {
	for i := range r.Orders {
		if err := fn(&r.Orders[i]); err != nil {
			return err
		}
	}
	return nil
}

// EachRefund calls fn for every refund.
func (r *Records) EachRefund(fn func(*Refund) error) error {
	for i := range r.Refunds {
		if err := fn(&r.Refunds[i]); err != nil {
			return err
		}
	}
	return nil
}

// NumOrders returns len(r.Orders).
func (r *Records) NumOrders() int { return len(r.Orders) }

// Rows is a RowReader over rows held in memory.
type Rows struct {
	rows []Row
	next int
}

// NewRows returns a RowReader yielding rows in order.
func NewRows(rows []Row) *Rows { return &Rows{rows: rows} }

// Next copies the next row into r, or returns io.EOF.
func (s *Rows) Next(r *Row) error {
	if s.next >= len(s.rows) {
		return io.EOF
	}
	*r = s.rows[s.next]
	s.next++
	return nil
}
