// Package replica copies each terminal's append-only event log to a
// PostgreSQL server run by the store or head office, keeps projections of
// every order and refund there, and answers the questions only the whole
// chain can: head-office reports across stores and terminals, and finding a
// sale taken at another counter for a refund.
//
// The terminal stays offline-first: its bbolt file is the source of truth
// and a payment never waits for PostgreSQL. A Worker per terminal reads
// events in short View transactions (never held across network I/O) and
// pushes them in batches, one PostgreSQL transaction per batch:
//
//   - events are keyed by (store_id, terminal_id, seq), the terminal's own
//     sequence, and inserted with ON CONFLICT DO NOTHING, so a replay after
//     a crash or a lost commit acknowledgement inserts nothing twice. A
//     replayed key whose content digest differs is a different history
//     under the same terminal id (two counters configured alike, or a
//     database restored from an old backup): the worker stops with
//     ErrConflict rather than mix them.
//   - after any failure the worker re-reads the server's highest sequence
//     for the terminal and resumes from there; while the server is down it
//     retries with exponential backoff (RetryMin … RetryMax, jittered) and
//     ignores Kick, so an outage costs the counter nothing.
//   - each batch also upserts the current record of every order and refund
//     its events name, read in the same View. The row keeps the terminal
//     log position it was read at (src_seq) and is only replaced by a read
//     at the same or a later position, and only by the terminal that first
//     replicated it. The keyed payment-code hash stays on the terminal.
//   - the terminals table keeps each terminal's pushed and local position
//     at its last push, so head office can see who is behind.
//
// Lag (events not yet pushed, and the time of the oldest of them) is in
// Worker.Status for the status bar; Probe computes it without pushing for
// wxpos doctor.
//
// The schema is managed by versioned migrations embedded from
// migrations/NNNN_name.sql and recorded in schema_migrations. Migrate
// applies each pending step in its own transaction with its version row,
// under an advisory lock so several terminals starting at once are safe; a
// database migrated by a newer wxpos is refused (ErrSchemaTooNew).
//
// Head-office figures (Report) follow the terminal's Z report exactly: a
// sale counts on the Asia/Shanghai day it was paid, a refund on the day it
// succeeded, under its sale's tender, at the terminal that made it;
// payments and refunds not settled are listed, not counted; training sales
// are left out unless asked for. A terminal that has not replicated is
// missing from the figures, which is why the report lists every terminal's
// replication position.
//
// Cross-terminal refunds: FindOrder finds a sale by out_trade_no whichever
// terminal took it, with its replicated refunds from every terminal. When
// the replica is unreachable or does not have it, the payment core asks
// WeChat by out_trade_no instead (the sale's terminal is also encoded in
// the number it minted).
//
// Connections: a Worker needs one (ConnectWorker), closed after WorkerIdle
// unused and opened again by the next push; a push is two round trips
// whatever its size — its statements pipelined in one (pgx.Batch opened by
// BEGIN), then COMMIT once no replayed event differs. The notification
// listener holds a connection of its own. Many terminals share a server
// through PgBouncer in transaction mode: the DSN then selects a query
// mode that keeps nothing on the server between transactions
// (default_query_exec_mode=exec; Pooled), and the worker does not LISTEN —
// a pooled connection cannot — but hands notifications over at each poll.
//
// Trust between stores (migrations/0005_roles.sql, roles.go): the admin
// login owns the schema and alone migrates it; EnrolTerminal makes one
// login per terminal that row-level security binds to its store and
// terminal (replica_roles, current_user): it inserts its own events, never
// updates or deletes one, writes only orders and refunds it numbered, and
// reads its store's rows and nothing of another store. EnrolReader's login
// reads everything and writes nothing; EnrolReceiver's records
// notifications. Passwords reach the server only as SCRAM verifiers.
//
// Tamper evidence (chain.go, migrations/0008_event_chain.sql): each event
// carries a chain hash its terminal computed over its own log (the previous
// chain hash and the event's content as PostgreSQL stores it), so Verify
// names an altered, deleted or inserted row by store, terminal and
// sequence, CheckHeads does the cheap part for hq status, and Probe and the
// worker compare the head's chain with the terminal's own log. A foreign
// row in a terminal's sequence is a ConflictError that says how to repair:
// RepairFrom (the admin) removes the terminal's events from the first
// broken one on (Repair: all its rows) and the worker, retrying, pushes
// its log again from there. VerifyFrom reads only the events after each
// terminal's checkpoint (the newest event an earlier run found intact).
//
// Configuration (Config): a DSN without a password; the password from a
// file (PasswordFile) or the libpq rules (PGPASSFILE, ~/.pgpass); TLS from
// the DSN's sslmode/sslrootcert, or required and verified against CAFile
// when that is set, with an optional client certificate.
package replica
