package replica

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// WorkerIdle is how long a replication worker's connection may stay unused
// before it is closed; the next push opens it again. A store's terminals
// are idle most of the time, so a chain of 500 stores holds connections
// only for the terminals pushing at that moment.
const WorkerIdle = 10 * time.Second

// WorkerPoolConfig is PoolConfig for one replication Worker: one
// connection (a push is one transaction at a time), closed after
// WorkerIdle unused, opened again on work.
func (c Config) WorkerPoolConfig() (*pgxpool.Config, error) {
	pc, err := c.PoolConfig()
	if err != nil {
		return nil, err
	}
	pc.MaxConns, pc.MinConns = 1, 0
	pc.MaxConnIdleTime = WorkerIdle
	// The pool closes idle connections in its health check: check often
	// enough that one is gone within 1.5 × WorkerIdle.
	pc.HealthCheckPeriod = WorkerIdle / 2
	return pc, nil
}

// ConnectWorker is Connect for one replication Worker (WorkerPoolConfig).
// Like Connect it does not wait for the server.
func ConnectWorker(ctx context.Context, c Config) (*pgxpool.Pool, error) {
	pc, err := c.WorkerPoolConfig()
	if err != nil {
		return nil, err
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("replica pool: %w", err)
	}
	return pool, nil
}

// Pooled reports whether a connection goes through a transaction pooler
// (PgBouncer with pool_mode = transaction), which the DSN says by choosing
// one of pgx's query modes that keep nothing on the server between
// transactions: default_query_exec_mode=exec (preferred) or
// simple_protocol. Through such a pooler consecutive transactions may run
// on different server connections, so nothing that lives in a session may
// be used: no named prepared statements (pgx's default mode caches them),
// no session advisory locks (every lock here is transaction-scoped) and no
// LISTEN — a Worker then does not listen for NotifyChannel and hands over
// notifications at each poll instead.
func Pooled(cc *pgx.ConnConfig) bool {
	switch cc.DefaultQueryExecMode {
	case pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol:
		return true
	}
	return false
}
