package replica

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
)

func tableExists(t *testing.T, q Querier, name string) bool {
	t.Helper()
	var ok bool
	if err := q.QueryRow(context.Background(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func TestMigrations(t *testing.T) {
	steps, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) < 2 {
		t.Fatalf("want at least 2 migrations, got %d", len(steps))
	}
	for i, m := range steps {
		if m.Version != i+1 || m.Name == "" || m.SQL == "" {
			t.Errorf("migration %d = %+v", i, m)
		}
	}
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	steps, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	latest := steps[len(steps)-1].Version
	every := make([]int, latest) // 1, 2, … latest
	for i := range every {
		every[i] = i + 1
	}

	t.Run("fresh database gets every step once", func(t *testing.T) {
		pool := newPool(t)
		if err := RequireSchema(ctx, pool); !errors.Is(err, ErrSchemaTooOld) {
			t.Fatalf("RequireSchema before = %v, want ErrSchemaTooOld", err)
		}
		applied, err := Migrate(ctx, pool)
		if err != nil {
			t.Fatal(err)
		}
		if want := every; !slices.Equal(applied, want) {
			t.Errorf("applied %v, want %v", applied, want)
		}
		for _, tbl := range []string{"events", "terminals", "orders", "refunds", "notifications", "notification_refusals", "notify_cursors", "schema_migrations"} {
			if !tableExists(t, pool, tbl) {
				t.Errorf("table %s missing", tbl)
			}
		}
		again, err := Migrate(ctx, pool)
		if err != nil || len(again) != 0 {
			t.Errorf("second Migrate = %v, %v; want nothing applied", again, err)
		}
		if v, err := SchemaVersion(ctx, pool); err != nil || v != latest {
			t.Errorf("SchemaVersion = %d, %v; want %d", v, err, latest)
		}
		if err := RequireSchema(ctx, pool); err != nil {
			t.Errorf("RequireSchema = %v", err)
		}
	})

	t.Run("newer database is refused", func(t *testing.T) {
		pool := migrated(t)
		if _, err := pool.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_future')`, latest+1); err != nil {
			t.Fatal(err)
		}
		if _, err := Migrate(ctx, pool); !errors.Is(err, ErrSchemaTooNew) {
			t.Errorf("Migrate = %v, want ErrSchemaTooNew", err)
		}
		if err := RequireSchema(ctx, pool); !errors.Is(err, ErrSchemaTooNew) {
			t.Errorf("RequireSchema = %v, want ErrSchemaTooNew", err)
		}
	})

	t.Run("failing step leaves nothing behind", func(t *testing.T) {
		pool := migrated(t)
		bad := append(slices.Clone(steps), Migration{Version: latest + 1, Name: "broken",
			SQL: `CREATE TABLE half_done (id int); SELECT no_such_column FROM events;`})
		applied, err := migrate(ctx, pool, bad)
		if err == nil {
			t.Fatal("broken migration applied")
		}
		if len(applied) != 0 {
			t.Errorf("applied %v", applied)
		}
		if tableExists(t, pool, "half_done") {
			t.Error("the failed step's first statement was kept")
		}
		if v, _ := SchemaVersion(ctx, pool); v != latest {
			t.Errorf("version %d after a failed step, want %d", v, latest)
		}
	})

	t.Run("terminals starting together apply each step once", func(t *testing.T) {
		pool := newPool(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		got := make([][]int, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = Migrate(ctx, pool)
			}()
		}
		wg.Wait()
		var all []int
		for i, err := range errs {
			if err != nil {
				t.Errorf("Migrate %d: %v", i, err)
			}
			all = append(all, got[i]...)
		}
		slices.Sort(all)
		if want := every; !slices.Equal(all, want) {
			t.Errorf("steps applied across all callers %v, want %v", all, want)
		}
		var rows int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil || rows != latest {
			t.Errorf("schema_migrations rows = %d, %v", rows, err)
		}
	})
}
