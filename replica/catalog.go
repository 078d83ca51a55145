package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
)

// catalogLock serialises head-office catalogue imports, so versions commit
// in the order they are drawn.
const catalogLock int64 = 0x77787073_63617467 // "wxpscatg"

// ErrCatalogRefused is matched when head office refuses a catalogue
// import: every item is checked, and the whole import is one transaction.
var ErrCatalogRefused = errors.New("head-office catalogue import refused")

// CatalogImport is what ImportCatalog did.
type CatalogImport struct {
	Version                   uint64 // the catalogue version after it
	ItemsChanged, CatsChanged int    // added or changed
}

// ImportCatalog adds or replaces head office's categories and items in one
// transaction: each item is validated with rules, then no barcode or scale
// code may name two items and every item's category must exist, across
// the whole catalogue; otherwise nothing is written. Rows whose content is
// the same keep their version; if none changed, the version stays.
func ImportCatalog(ctx context.Context, pool *pgxpool.Pool, rules *catalog.Rules, ch catalogstore.Changes) (CatalogImport, error) {
	var errs []error
	for i := range ch.Items {
		if err := ch.Items[i].Validate(rules); err != nil {
			errs = append(errs, fmt.Errorf("item %d: %w", i+1, err))
		}
	}
	for i := range ch.Categories {
		if err := ch.Categories[i].Validate(); err != nil {
			errs = append(errs, fmt.Errorf("category %d: %w", i+1, err))
		}
	}
	if len(errs) > 0 {
		return CatalogImport{}, fmt.Errorf("%w: %w", ErrCatalogRefused, errors.Join(errs...))
	}
	var out CatalogImport
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, catalogLock); err != nil {
			return err
		}
		var v int64
		if err := tx.QueryRow(ctx, `SELECT nextval('catalog_version')`).Scan(&v); err != nil {
			return err
		}
		var err error
		if out.CatsChanged, err = upsert(ctx, tx, `INSERT INTO catalog_categories (name, category, version) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET category = EXCLUDED.category, version = EXCLUDED.version
			WHERE catalog_categories.category IS DISTINCT FROM EXCLUDED.category`, len(ch.Categories),
			func(i int) (string, any) { return ch.Categories[i].Name, ch.Categories[i] }, v); err != nil {
			return err
		}
		if out.ItemsChanged, err = upsert(ctx, tx, `INSERT INTO catalog_items (id, item, version) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET item = EXCLUDED.item, version = EXCLUDED.version
			WHERE catalog_items.item IS DISTINCT FROM EXCLUDED.item`, len(ch.Items),
			func(i int) (string, any) { return ch.Items[i].ID, ch.Items[i] }, v); err != nil {
			return err
		}
		if err := checkCatalog(ctx, tx); err != nil {
			return err
		}
		return tx.QueryRow(ctx, catalogVersionSQL).Scan(&out.Version)
	})
	return out, err
}

const catalogVersionSQL = `SELECT greatest(coalesce((SELECT max(version) FROM catalog_items), 0),
	coalesce((SELECT max(version) FROM catalog_categories), 0))`

// upsert runs sql for n rows in one batch and returns how many rows it
// wrote (the others were the same already).
func upsert(ctx context.Context, tx pgx.Tx, sql string, n int, row func(i int) (string, any), version int64) (int, error) {
	b := &pgx.Batch{}
	for i := range n {
		key, v := row(i)
		data, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		b.Queue(sql, key, data, version)
	}
	res := tx.SendBatch(ctx, b)
	changed := 0
	for range n {
		tag, err := res.Exec()
		if err != nil {
			res.Close()
			return 0, err
		}
		changed += int(tag.RowsAffected())
	}
	return changed, res.Close()
}

// checkCatalog refuses a catalogue where a barcode or a scale code names
// two items, or an item names a category that does not exist.
func checkCatalog(ctx context.Context, tx pgx.Tx) error {
	var problems []string
	for _, q := range []struct{ sql, what string }{
		{`SELECT b, string_agg(id, ', ' ORDER BY id) FROM catalog_items, jsonb_array_elements_text(coalesce(item->'barcodes', '[]')) b
			GROUP BY b HAVING count(*) > 1 ORDER BY b LIMIT 20`, "barcode %s names items %s"},
		{`SELECT item->>'plu', string_agg(id, ', ' ORDER BY id) FROM catalog_items WHERE coalesce(item->>'plu', '') <> ''
			GROUP BY item->>'plu' HAVING count(*) > 1 ORDER BY 1 LIMIT 20`, "PLU %s names items %s"},
		{`SELECT id, item->>'category' FROM catalog_items i WHERE coalesce(item->>'category', '') <> ''
			AND NOT EXISTS (SELECT 1 FROM catalog_categories c WHERE c.name = i.item->>'category') ORDER BY id LIMIT 20`, "item %s names no category: %q"},
	} {
		rows, err := tx.Query(ctx, q.sql)
		if err != nil {
			return err
		}
		for rows.Next() {
			var a, b string
			if err := rows.Scan(&a, &b); err != nil {
				rows.Close()
				return err
			}
			problems = append(problems, fmt.Sprintf(q.what, a, b))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %s", ErrCatalogRefused, strings.Join(problems, "; "))
	}
	return nil
}

// CatalogChanges are head office's categories and items changed after a
// version, and the version they bring a terminal to.
type CatalogChanges struct {
	Since, Version uint64
	Categories     []catalog.Category
	Items          []catalog.Item
}

// CatalogSince reads what changed after version since, in one snapshot.
func CatalogSince(ctx context.Context, pool *pgxpool.Pool, since uint64) (CatalogChanges, error) {
	out := CatalogChanges{Since: since}
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, catalogVersionSQL).Scan(&out.Version); err != nil {
			return err
		}
		if err := readJSON(ctx, tx, `SELECT category FROM catalog_categories WHERE version > $1 ORDER BY name`, since, func(raw []byte) error {
			var c catalog.Category
			err := json.Unmarshal(raw, &c)
			out.Categories = append(out.Categories, c)
			return err
		}); err != nil {
			return err
		}
		return readJSON(ctx, tx, `SELECT item FROM catalog_items WHERE version > $1 ORDER BY id`, since, func(raw []byte) error {
			var it catalog.Item
			err := json.Unmarshal(raw, &it)
			out.Items = append(out.Items, it)
			return err
		})
	})
	if err != nil {
		return CatalogChanges{}, fmt.Errorf("catalogue since version %d: %w", since, err)
	}
	return out, nil
}

func readJSON(ctx context.Context, tx pgx.Tx, sql string, since uint64, fn func([]byte) error) error {
	rows, err := tx.Query(ctx, sql, int64(since))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			return err
		}
		if err := fn(raw); err != nil {
			return err
		}
	}
	return rows.Err()
}

// PullCatalog brings the terminal's catalogue s up to head office's: it
// asks for what changed after the version s last pulled and applies it in
// one local commit that also records the new version. When head office is
// unreachable it returns the error and s keeps its last copy, which the
// till goes on selling from.
func PullCatalog(ctx context.Context, pool *pgxpool.Pool, s *catalogstore.Store) (CatalogChanges, catalogstore.Result, error) {
	since, err := s.HQVersion()
	if err != nil {
		return CatalogChanges{}, catalogstore.Result{}, err
	}
	ch, err := CatalogSince(ctx, pool, since)
	if err != nil {
		return ch, catalogstore.Result{}, err
	}
	if ch.Version < since {
		return ch, catalogstore.Result{}, fmt.Errorf("head office's catalogue is at version %d, behind this terminal's %d: another database?", ch.Version, since)
	}
	if ch.Version == since && len(ch.Categories) == 0 && len(ch.Items) == 0 {
		return ch, catalogstore.Result{}, nil // nothing new: no local commit (the window pulls every few minutes)
	}
	res, err := s.Apply(catalogstore.Changes{Categories: ch.Categories, Items: ch.Items, By: "head office", Ref: fmt.Sprintf("hq %d→%d", since, ch.Version), At: time.Now(), HQVersion: ch.Version})
	return ch, res, err
}
