// Package storage is the terminal's local database: one bbolt file per
// terminal, the source of truth for every sale, refund and audit event.
//
// Rules every caller relies on:
//
//   - One Update is one atomic, durable commit. A payment transition (the
//     order record, its event and the open-order index) is written in a single
//     Update, so a power cut leaves either all of it or none of it.
//   - No network I/O inside a transaction: a transaction holds the single
//     writer lock, and a slow WeChat call must never stall the counter.
//   - Values are JSON objects. A record type carries its own "v" field so a
//     later schema can read older values; the database as a whole has a
//     schema version in the meta bucket, moved forward only by the explicit,
//     tested migrations in migrate.go. A newer file is refused (ErrSchemaTooNew).
//   - The meta bucket also holds the file's Lineage: a random epoch minted
//     when the file is created and again on every restore, and how many
//     restores the file has been through. The payment core builds order and
//     receipt numbers from it so that they never repeat across databases.
//   - Values read inside a transaction are decoded (copied) before it ends;
//     nothing hands out bbolt's memory-mapped bytes.
//   - Keys: records are keyed by their natural id (out_trade_no,
//     out_refund_no, receipt number); day indexes are "yyyymmdd/<id>";
//     the event log and sequences use 8-byte big-endian integers so that
//     byte order is numeric order.
//   - Day indexes: orders_by_day by creation day, each entry holding the
//     order's brief (amount, code's last four, transaction id, receipt
//     number; FindOrdersOnDay) so a search over a month reads the index,
//     not every order; sales_by_day and
//     refunds_by_day by business day (a day whose Z report is taken, in
//     closed_days, passes its later money to the next open day: see
//     Tx.BusinessDay), so one day's report reads one day's records.
//   - Buckets whose keys only grow are filled to 90–95 % before a page
//     splits (bbolt's 50 % default leaves them half empty for ever).
//   - A full disk: Store.Room says before a payment whether its outcome
//     can be recorded (free space against a margin, and a reserve file
//     "<db>.slack" in place); a commit that hits ENOSPC gives up the
//     reserve and runs once more, and otherwise fails with a
//     *DiskFullError, leaving the file at its last commit.
//
// A second process opening the same file fails after Options.Timeout with
// ErrLocked instead of hanging, and a file that is not a wxpos database
// (truncated, random bytes, another program's bbolt file) is refused with
// ErrNotDatabase before anything is written to it.
package storage
