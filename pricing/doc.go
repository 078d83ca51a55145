// Package pricing is the one place where a sale's money is computed from
// its lines: line totals (pieces or weight), line and order discounts,
// price overrides, the cashier's discount limits, and what a refund of
// some of a line returns. It is plain arithmetic on receipt values in
// int64 fen; no I/O.
//
// # Rounding (stated once, used everywhere)
//
// Every division rounds half up to the fen (四舍五入), on amounts that are
// never negative:
//
//   - a weighed line costs grams × price-per-kg ÷ 1000;
//   - a percent discount takes gross × percent ÷ 100 off;
//   - an order discount is shared over the lines in proportion to their
//     totals by largest remainder (ties to the earlier line), so the
//     shares add up to the discount exactly;
//   - a refund of q of a line's Qty, after r were already given back,
//     returns cum(r+q) − cum(r) where cum(k) = net × k ÷ Qty: refunding a
//     line in any number of parts returns exactly its net, never more.
//
// A discount never takes a line or a sale below zero: it is refused
// (ErrDiscount), not clamped, so the cashier sees what went wrong.
package pricing
