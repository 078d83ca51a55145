package catalogstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/storage"
)

// Changes are categories and items to add or replace, in one commit.
type Changes struct {
	Categories []catalog.Category
	Items      []catalog.Item
	// By is who makes the change (a manager's name), Ref what it came
	// from (a file name): both go into the audit event.
	By, Ref string
	// At is when, for the audit event.
	At time.Time
	// HQVersion, when not 0, is head office's catalogue version this
	// change brings the terminal to (a pull): recorded in the same commit,
	// changed or not, so the next pull asks for what came after it.
	HQVersion uint64
}

// hqVersionSeq holds the head-office version the terminal last pulled.
const hqVersionSeq = "catalog_hq"

// HQVersion is head office's catalogue version the terminal last pulled,
// 0 when it never did.
func (s *Store) HQVersion() (uint64, error) {
	var v uint64
	err := s.db.View(func(tx *storage.Tx) error { v = tx.Seq(hqVersionSeq); return nil })
	return v, err
}

// EventKind is the kind of the audit event every Apply that changes the
// catalogue writes in its commit.
const EventKind = "catalog.change"

// eventData is the audit event's Data: what changed, in numbers.
type eventData struct {
	Version           uint64 `json:"version"`
	ItemsAdded        int    `json:"items_added"`
	ItemsChanged      int    `json:"items_changed"`
	CategoriesAdded   int    `json:"categories_added"`
	CategoriesChanged int    `json:"categories_changed"`
}

// Outcome is what Apply did, or would do, with one entry.
type Outcome string

// The outcomes of an entry.
const (
	Added     Outcome = "add"
	Changed   Outcome = "change"
	Unchanged Outcome = "same"
)

// Result is what an Apply did (or, dry, would do): the outcome of each
// category and item in the order given, and the catalogue version after it.
type Result struct {
	Categories []Outcome
	Items      []Outcome
	Version    uint64
}

// Count returns how many entries of outs are o.
func Count(outs []Outcome, o Outcome) int {
	n := 0
	for _, x := range outs {
		if x == o {
			n++
		}
	}
	return n
}

// Problem is one thing wrong with one entry of Changes.
type Problem struct {
	// Category is true for an entry of Changes.Categories.
	Category bool
	// Index is the entry's index in its slice.
	Index int
	// Field is the entry's field at fault (catalog.FieldError.Field), ""
	// for the entry as a whole.
	Field string
	Err   error
}

func (p Problem) Error() string {
	what := "item"
	if p.Category {
		what = "category"
	}
	if p.Field == "" {
		return fmt.Sprintf("%s %d: %v", what, p.Index+1, p.Err)
	}
	return fmt.Sprintf("%s %d, %s: %v", what, p.Index+1, p.Field, p.Err)
}

// ErrRefused is matched by the *ProblemsError Apply returns when any
// entry is wrong: then nothing is written.
var ErrRefused = errors.New("catalogue change refused")

// ProblemsError lists every problem Apply found.
type ProblemsError struct{ Problems []Problem }

func (e *ProblemsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %d problems", ErrRefused, len(e.Problems))
	for i, p := range e.Problems {
		if i == 5 {
			b.WriteString("; …")
			break
		}
		b.WriteString("; " + p.Error())
	}
	return b.String()
}

// Is matches ErrRefused.
func (e *ProblemsError) Is(target error) bool { return target == ErrRefused }

// errDry rolls back a dry run.
var errDry = errors.New("dry run")

// Apply adds or replaces the categories and items of ch in one commit, or
// writes nothing and returns a *ProblemsError naming every wrong entry.
// A change that changes nothing leaves the version where it was.
func (s *Store) Apply(ch Changes) (Result, error) { return s.apply(ch, false) }

// DryRun checks ch as Apply would and says what Apply would do, writing
// nothing.
func (s *Store) DryRun(ch Changes) (Result, error) { return s.apply(ch, true) }

func (s *Store) apply(ch Changes, dry bool) (Result, error) {
	var res Result
	err := s.db.Update(func(tx *storage.Tx) error {
		a := &applier{tx: tx, rules: s.rules, ch: &ch}
		r, err := a.run()
		res = r
		if err == nil && dry {
			return errDry
		}
		return err
	})
	if errors.Is(err, errDry) {
		err = nil
	}
	return res, err
}

// applier is one Apply's state inside its transaction.
type applier struct {
	tx       *storage.Tx
	rules    *catalog.Rules
	ch       *Changes
	problems []Problem
	old      []*catalog.Item // the stored item each Items entry replaces, or nil
}

func (a *applier) bad(category bool, i int, err error) {
	field := ""
	var fe *catalog.FieldError
	if errors.As(err, &fe) {
		field = fe.Field
		err = fe.Err
	}
	a.problems = append(a.problems, Problem{Category: category, Index: i, Field: field, Err: err})
}

func (a *applier) run() (Result, error) {
	res := Result{Categories: make([]Outcome, len(a.ch.Categories)), Items: make([]Outcome, len(a.ch.Items))}
	known := a.checkCategories(res.Categories)
	a.checkItems(res.Items, known)
	if len(a.problems) > 0 {
		return res, &ProblemsError{Problems: a.problems}
	}
	res.Version = a.tx.Seq(versionSeq)
	if v := a.ch.HQVersion; v != 0 {
		if err := a.tx.SetSeq(hqVersionSeq, v); err != nil {
			return res, fmt.Errorf("head office version: %w", err)
		}
	}
	if Count(res.Categories, Unchanged) == len(res.Categories) && Count(res.Items, Unchanged) == len(res.Items) {
		return res, nil
	}
	v, err := a.tx.NextSeq(versionSeq)
	if err != nil {
		return res, err
	}
	res.Version = v
	for i, c := range a.ch.Categories {
		if res.Categories[i] != Unchanged {
			if err := a.tx.Put(storage.BucketCategories, c.Name, categoryRecord{V: 1, Category: c, Version: v}); err != nil {
				return res, err
			}
		}
	}
	if err := a.writeItems(res.Items, v); err != nil {
		return res, err
	}
	data, err := json.Marshal(eventData{Version: v,
		ItemsAdded: Count(res.Items, Added), ItemsChanged: Count(res.Items, Changed),
		CategoriesAdded: Count(res.Categories, Added), CategoriesChanged: Count(res.Categories, Changed)})
	if err != nil {
		return res, err
	}
	_, err = a.tx.AppendEvent(storage.Event{Time: a.ch.At, Kind: EventKind, Ref: a.ch.Ref, Actor: a.ch.By, Data: data})
	return res, err
}

// checkCategories validates the categories and returns the names that
// exist once they are written.
func (a *applier) checkCategories(outs []Outcome) map[string]bool {
	known := map[string]bool{}
	_ = a.tx.ForEach(storage.BucketCategories, "", func(k string, _ []byte) error { known[k] = true; return nil })
	seen := map[string]int{}
	for i, c := range a.ch.Categories {
		if err := c.Validate(); err != nil {
			a.bad(true, i, err)
			continue
		}
		if j, ok := seen[c.Name]; ok {
			a.bad(true, i, &catalog.FieldError{Field: "name", Err: fmt.Errorf("%q is also category %d", c.Name, j+1)})
			continue
		}
		seen[c.Name] = i
		var old categoryRecord
		err := a.tx.Get(storage.BucketCategories, c.Name, &old)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			outs[i] = Added
		case err != nil:
			a.bad(true, i, err)
		case old.Category == c:
			outs[i] = Unchanged
		default:
			outs[i] = Changed
		}
		known[c.Name] = true
	}
	return known
}

// checkItems validates each item alone, against the others of the change
// and against the categories, and decides its outcome.
func (a *applier) checkItems(outs []Outcome, known map[string]bool) {
	a.old = make([]*catalog.Item, len(a.ch.Items))
	ids := map[string]int{}
	codes := map[string]int{}
	plus := map[string]int{}
	for i := range a.ch.Items {
		it := &a.ch.Items[i]
		if err := it.Validate(a.rules); err != nil {
			for _, e := range unjoin(err) {
				a.bad(false, i, e)
			}
			continue
		}
		if j, ok := ids[it.ID]; ok {
			a.bad(false, i, &catalog.FieldError{Field: "id", Err: fmt.Errorf("%q is also item %d", it.ID, j+1)})
			continue
		}
		ids[it.ID] = i
		for _, b := range it.Barcodes {
			if j, ok := codes[b]; ok {
				a.bad(false, i, &catalog.FieldError{Field: "barcode", Err: fmt.Errorf("%s is also the barcode of item %d (%s)", b, j+1, a.ch.Items[j].ID)})
			}
			codes[b] = i
		}
		if it.PLU != "" {
			if j, ok := plus[it.PLU]; ok {
				a.bad(false, i, &catalog.FieldError{Field: "plu", Err: fmt.Errorf("%s is also the PLU of item %d (%s)", it.PLU, j+1, a.ch.Items[j].ID)})
			}
			plus[it.PLU] = i
		}
		if it.Category != "" && !known[it.Category] {
			a.bad(false, i, &catalog.FieldError{Field: "category", Err: fmt.Errorf("no category %q", it.Category)})
		}
		old, err := getItem(a.tx, it.ID)
		switch {
		case errors.Is(err, catalog.ErrNotFound):
			outs[i] = Added
		case err != nil:
			a.bad(false, i, err)
		case sameItem(&old, it):
			outs[i] = Unchanged
		default:
			outs[i] = Changed
			a.old[i] = &old
		}
	}
	// A code held by a stored item this change does not touch (or one that
	// keeps it) belongs to that item.
	a.checkIndex(storage.BucketItemBarcodes, "barcode", codes)
	a.checkIndex(storage.BucketItemPLUs, "plu", plus)
}

func (a *applier) checkIndex(b storage.Bucket, field string, codes map[string]int) {
	for code, i := range codes {
		owner, err := a.tx.GetRaw(b, code)
		if err != nil {
			continue
		}
		id := string(owner)
		if id == a.ch.Items[i].ID {
			continue
		}
		if a.releases(id, b, code) {
			continue
		}
		a.bad(false, i, &catalog.FieldError{Field: field, Err: fmt.Errorf("%s already names item %q", code, id)})
	}
}

// releases reports whether the change rewrites the item id without code.
func (a *applier) releases(id string, b storage.Bucket, code string) bool {
	for j := range a.ch.Items {
		it := &a.ch.Items[j]
		if it.ID != id {
			continue
		}
		if b == storage.BucketItemPLUs {
			return it.PLU != code
		}
		return !slices.Contains(it.Barcodes, code)
	}
	return false
}

// writeItems drops the index entries of the items that change, then
// writes them and their new entries at version v.
func (a *applier) writeItems(outs []Outcome, v uint64) error {
	for _, old := range a.old {
		if old == nil {
			continue
		}
		for _, b := range old.Barcodes {
			if err := a.dropIndex(storage.BucketItemBarcodes, b, old.ID); err != nil {
				return err
			}
		}
		if old.PLU != "" {
			if err := a.dropIndex(storage.BucketItemPLUs, old.PLU, old.ID); err != nil {
				return err
			}
		}
	}
	// bbolt keeps a transaction's new keys in one growing node per page
	// until commit, and a key put before others shifts them all: written
	// in key order, each put is an append (an unsorted 100 000-row file
	// otherwise spends its time in memmove).
	var changed []*catalog.Item
	var codes, plus []indexEntry
	for i := range a.ch.Items {
		if outs[i] == Unchanged {
			continue
		}
		it := &a.ch.Items[i]
		changed = append(changed, it)
		for _, b := range it.Barcodes {
			codes = append(codes, indexEntry{b, it.ID})
		}
		if it.PLU != "" {
			plus = append(plus, indexEntry{it.PLU, it.ID})
		}
	}
	slices.SortFunc(changed, func(x, y *catalog.Item) int { return strings.Compare(x.ID, y.ID) })
	for _, it := range changed {
		if err := a.tx.Put(storage.BucketItems, it.ID, itemRecord{V: 1, Item: *it, Version: v}); err != nil {
			return err
		}
	}
	for _, it := range changed {
		if err := a.tx.PutRaw(storage.BucketItemSearch, it.ID, searchText(it)); err != nil {
			return err
		}
	}
	for _, e := range sortEntries(codes) {
		if err := a.tx.PutRaw(storage.BucketItemBarcodes, e.key, []byte(e.id)); err != nil {
			return err
		}
	}
	for _, e := range sortEntries(plus) {
		if err := a.tx.PutRaw(storage.BucketItemPLUs, e.key, []byte(e.id)); err != nil {
			return err
		}
	}
	return nil
}

type indexEntry struct{ key, id string }

func sortEntries(es []indexEntry) []indexEntry {
	slices.SortFunc(es, func(x, y indexEntry) int { return strings.Compare(x.key, y.key) })
	return es
}

// dropIndex removes key from b if it still names id (another item of the
// same change may have taken it already).
func (a *applier) dropIndex(b storage.Bucket, key, id string) error {
	owner, err := a.tx.GetRaw(b, key)
	switch {
	case err != nil || string(owner) != id:
		return nil
	case b == storage.BucketItemPLUs:
		return a.tx.Delete(storage.BucketItemPLUs, key) // constants: storage's writer check reads them
	}
	return a.tx.Delete(storage.BucketItemBarcodes, key)
}

// unjoin splits the errors.Join inside a validation error, keeping each
// field's error apart.
func unjoin(err error) []error {
	var fes []error
	for _, fe := range catalog.FieldErrors(err) {
		fes = append(fes, fe)
	}
	if len(fes) == 0 {
		return []error{err}
	}
	return fes
}
