package catalogstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/storage"
)

// versionSeq is the sequence that holds the catalogue version.
const versionSeq = "catalog"

// Store is the catalogue on a terminal database. It is safe for
// concurrent use.
type Store struct {
	db    *storage.Store
	rules *catalog.Rules
}

// New wraps an open database. rules are the store's code rules (nil: the
// standard codes only), used to check barcodes.
func New(db *storage.Store, rules *catalog.Rules) *Store {
	return &Store{db: db, rules: rules}
}

var _ catalog.Lookup = (*Store)(nil)

// Rules are the code rules the store checks barcodes with.
func (s *Store) Rules() *catalog.Rules { return s.rules }

type itemRecord struct {
	V int `json:"v"`
	catalog.Item
	Version uint64 `json:"version"`
}

type categoryRecord struct {
	V int `json:"v"`
	catalog.Category
	Version uint64 `json:"version"`
}

// Version is the catalogue's version: 0 for an empty one, one more for
// every Apply that changed something.
func (s *Store) Version() (uint64, error) {
	var v uint64
	err := s.db.View(func(tx *storage.Tx) error { v = tx.Seq(versionSeq); return nil })
	return v, err
}

// ByID implements catalog.Lookup.
func (s *Store) ByID(id string) (catalog.Item, error) {
	var it catalog.Item
	err := s.db.View(func(tx *storage.Tx) error {
		var err error
		it, err = getItem(tx, id)
		return err
	})
	return it, err
}

// ByBarcode implements catalog.Lookup.
func (s *Store) ByBarcode(key string) (catalog.Item, error) {
	return s.byIndex(storage.BucketItemBarcodes, "barcode", key)
}

// ByPLU implements catalog.Lookup.
func (s *Store) ByPLU(plu string) (catalog.Item, error) {
	return s.byIndex(storage.BucketItemPLUs, "PLU", plu)
}

func (s *Store) byIndex(b storage.Bucket, what, key string) (catalog.Item, error) {
	var it catalog.Item
	err := s.db.View(func(tx *storage.Tx) error {
		id, err := tx.GetRaw(b, key)
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("%s %s: %w", what, key, catalog.ErrNotFound)
		} else if err != nil {
			return err
		}
		it, err = getItem(tx, string(id))
		return err
	})
	return it, err
}

func getItem(tx *storage.Tx, id string) (catalog.Item, error) {
	var r itemRecord
	err := tx.Get(storage.BucketItems, id, &r)
	if errors.Is(err, storage.ErrNotFound) {
		return catalog.Item{}, fmt.Errorf("item %q: %w", id, catalog.ErrNotFound)
	}
	return r.Item, err
}

// Search implements catalog.Lookup: it reads the search bucket and
// decodes only the items that match.
func (s *Store) Search(q string, limit int) ([]catalog.Item, error) {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return nil, nil
	}
	var out []catalog.Item
	err := s.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketItemSearch, "", func(id string, text []byte) error {
			for _, w := range words {
				if !bytes.Contains(text, []byte(w)) {
					return nil
				}
			}
			it, err := getItem(tx, id)
			if err != nil {
				return err
			}
			if it.Active && catalog.Matches(&it, q) {
				out = append(out, it)
			}
			return nil
		})
	})
	catalog.SortItems(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// searchText is what Search looks for words in; catalog.Matches decides.
func searchText(it *catalog.Item) []byte {
	parts := []string{strings.ToLower(it.Name), strings.ToLower(it.NameEN), catalog.Initials(it.Name), strings.ToLower(it.ID)}
	parts = append(parts, it.Barcodes...)
	return []byte(strings.Join(parts, "\x00"))
}

// Categories implements catalog.Lookup.
func (s *Store) Categories() ([]catalog.Category, error) {
	var out []catalog.Category
	err := s.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketCategories, "", func(_ string, v []byte) error {
			var r categoryRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			out = append(out, r.Category)
			return nil
		})
	})
	catalog.SortCategories(out)
	return out, err
}

// Items calls fn with every item, by id, and the version it last changed
// at; fn's error stops the walk.
func (s *Store) Items(fn func(it catalog.Item, version uint64) error) error {
	return s.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketItems, "", func(_ string, v []byte) error {
			var r itemRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			return fn(r.Item, r.Version)
		})
	})
}

// Len is the number of items.
func (s *Store) Len() (int, error) {
	n := 0
	err := s.db.View(func(tx *storage.Tx) error {
		return tx.ForEach(storage.BucketItems, "", func(string, []byte) error { n++; return nil })
	})
	return n, err
}

func sameItem(a, b *catalog.Item) bool {
	return reflect.DeepEqual(normal(a), normal(b))
}

func normal(it *catalog.Item) catalog.Item {
	c := *it
	if len(c.Barcodes) == 0 {
		c.Barcodes = nil
	} else {
		c.Barcodes = slices.Clone(c.Barcodes)
	}
	return c
}
