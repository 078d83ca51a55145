package replica

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key every migration takes, so that
// several terminals starting at once apply each step exactly once.
const migrationLock int64 = 0x77787073_7265706c // "wxpsrepl"

// Migration is one versioned schema step: migrations/NNNN_name.sql.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded schema steps in version order.
func Migrations() ([]Migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", name)
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", name, err)
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migrations: version %d follows %d: versions must be 1, 2, 3 …", m.Version, i)
		}
	}
	return out, nil
}

// SchemaVersion returns the highest applied migration, 0 for an empty
// database.
func SchemaVersion(ctx context.Context, db Querier) (int, error) {
	var v int
	err := db.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	if err != nil {
		if isUndefinedTable(err) {
			return 0, nil
		}
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// Migrate brings the database schema up to date. Each pending step runs in
// its own transaction together with its schema_migrations row, under an
// advisory lock, so a step is applied completely or not at all and exactly
// once even when several terminals start together. A database whose schema
// is newer than this build is refused with ErrSchemaTooNew. It returns the
// versions it applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	steps, err := Migrations()
	if err != nil {
		return nil, err
	}
	return migrate(ctx, pool, steps)
}

func migrate(ctx context.Context, pool *pgxpool.Pool, steps []Migration) ([]int, error) {
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		name       text        NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		// Two first starts racing on CREATE TABLE IF NOT EXISTS can collide
		// in the catalog; the loser finds the table there on the retry.
		if _, err2 := pool.Exec(ctx, `SELECT 1 FROM schema_migrations LIMIT 1`); err2 != nil {
			return nil, fmt.Errorf("migrate: schema_migrations: %w", err)
		}
	}
	latest := 0
	if len(steps) > 0 {
		latest = steps[len(steps)-1].Version
	}
	var applied []int
	for _, m := range steps {
		done, err := applyStep(ctx, pool, m, latest)
		if err != nil {
			return applied, err
		}
		if done {
			applied = append(applied, m.Version)
		}
	}
	if len(steps) == 0 {
		v, err := SchemaVersion(ctx, pool)
		if err != nil {
			return nil, err
		}
		if v > 0 {
			return nil, fmt.Errorf("migrate: database at version %d, this build knows none: %w", v, ErrSchemaTooNew)
		}
	}
	return applied, nil
}

// applyStep runs one migration if it is not applied yet and reports whether
// it did.
func applyStep(ctx context.Context, pool *pgxpool.Pool, m Migration, latest int) (bool, error) {
	var done bool
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
			return err
		}
		var cur int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
			return err
		}
		if cur > latest {
			return fmt.Errorf("database at version %d, this build knows up to %d: %w", cur, latest, ErrSchemaTooNew)
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.Version).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return nil
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("apply: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			return err
		}
		done = true
		return nil
	})
	if err != nil {
		if errors.Is(err, ErrSchemaTooNew) {
			return false, fmt.Errorf("migrate: %w", err)
		}
		return false, fmt.Errorf("migrate %04d_%s: %w", m.Version, m.Name, err)
	}
	return done, nil
}

// RequireSchema checks that the database is at exactly the schema this
// build knows: older means Migrate has not run (ErrSchemaTooOld), newer
// means a newer wxpos migrated it (ErrSchemaTooNew).
func RequireSchema(ctx context.Context, db Querier) error {
	steps, err := Migrations()
	if err != nil {
		return err
	}
	want := steps[len(steps)-1].Version
	v, err := SchemaVersion(ctx, db)
	if err != nil {
		return err
	}
	switch {
	case v < want:
		return fmt.Errorf("database schema at version %d, want %d: the admin runs wxpos hq migrate with its own login (terminals no longer migrate: replicate --migrate is off by default): %w", v, want, ErrSchemaTooOld)
	case v > want:
		return fmt.Errorf("database schema at version %d, this build knows up to %d: %w", v, want, ErrSchemaTooNew)
	}
	return nil
}
