package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNotFound is returned by a Lookup when no item matches.
var ErrNotFound = errors.New("no such item")

// Lookup is how the sale side finds items: by a scanned code's key, by
// item number, by a scale label's PLU, and by what the cashier types.
// Lookups read the terminal's own copy of the catalogue: no network.
type Lookup interface {
	// ByBarcode returns the item whose Barcodes hold key (Code.Key).
	ByBarcode(key string) (Item, error)
	// ByID returns the item numbered id.
	ByID(id string) (Item, error)
	// ByPLU returns the item whose scale code is plu.
	ByPLU(plu string) (Item, error)
	// Search returns at most limit active items matching q (see Matches),
	// by name.
	Search(q string, limit int) ([]Item, error)
	// Categories returns the categories by Order, then name.
	Categories() ([]Category, error)
}

// Find returns the item a scanned code names: by PLU for a scale label,
// by barcode otherwise. A code that names no item (a payment code, an
// unknown code) is refused with c.Err() or ErrUnknownCode.
func Find(l Lookup, c Code) (Item, error) {
	switch {
	case c.Kind == KindWeighed:
		return l.ByPLU(c.Key)
	case c.Item():
		return l.ByBarcode(c.Key)
	case c.Err() != nil:
		return Item{}, c.Err()
	}
	return Item{}, fmt.Errorf("a %s code names no item: %w", c.Kind, ErrUnknownCode)
}

// Matches reports whether it answers the cashier's search q: every word
// of q is found in the Chinese or English name (case folded), in the
// pinyin initials of the Chinese name ("kkkl" finds 可口可乐), or starts
// one of the barcodes or the item number.
func Matches(it *Item, q string) bool {
	words := strings.Fields(strings.ToLower(q))
	if len(words) == 0 {
		return false
	}
	name := strings.ToLower(it.Name + " " + it.NameEN)
	ini := Initials(it.Name)
	for _, w := range words {
		if !strings.Contains(name, w) && !strings.Contains(ini, w) && !startsAny(it, w) {
			return false
		}
	}
	return true
}

func startsAny(it *Item, w string) bool {
	if strings.HasPrefix(strings.ToLower(it.ID), w) {
		return true
	}
	for _, b := range it.Barcodes {
		if strings.HasPrefix(b, w) {
			return true
		}
	}
	return false
}

// Index is a Lookup over items held in memory: what a test, a small store
// or an import's dry run uses. It is not safe for concurrent writes.
type Index struct {
	items      map[string]*Item // by ID
	barcodes   map[string]string
	plus       map[string]string
	categories map[string]Category
}

// NewIndex returns an empty Index.
func NewIndex() *Index {
	return &Index{items: map[string]*Item{}, barcodes: map[string]string{}, plus: map[string]string{}, categories: map[string]Category{}}
}

// ErrDuplicate is matched when a barcode or PLU already names another item.
var ErrDuplicate = errors.New("already names another item")

// Put adds or replaces it. A barcode or PLU of another item is refused
// with ErrDuplicate; it is not validated here (Item.Validate).
func (x *Index) Put(it Item) error {
	for _, b := range it.Barcodes {
		if id, ok := x.barcodes[b]; ok && id != it.ID {
			return fmt.Errorf("barcode %s %w %q", b, ErrDuplicate, id)
		}
	}
	if id, ok := x.plus[it.PLU]; ok && it.PLU != "" && id != it.ID {
		return fmt.Errorf("PLU %s %w %q", it.PLU, ErrDuplicate, id)
	}
	x.Delete(it.ID)
	it.Barcodes = append([]string(nil), it.Barcodes...)
	x.items[it.ID] = &it
	for _, b := range it.Barcodes {
		x.barcodes[b] = it.ID
	}
	if it.PLU != "" {
		x.plus[it.PLU] = it.ID
	}
	return nil
}

// Delete removes the item numbered id, if any.
func (x *Index) Delete(id string) {
	old, ok := x.items[id]
	if !ok {
		return
	}
	for _, b := range old.Barcodes {
		delete(x.barcodes, b)
	}
	if old.PLU != "" {
		delete(x.plus, old.PLU)
	}
	delete(x.items, id)
}

// PutCategory adds or replaces c.
func (x *Index) PutCategory(c Category) { x.categories[c.Name] = c }

// Len is the number of items.
func (x *Index) Len() int { return len(x.items) }

// ByBarcode implements Lookup.
func (x *Index) ByBarcode(key string) (Item, error) { return x.by(x.barcodes, "barcode", key) }

// ByPLU implements Lookup.
func (x *Index) ByPLU(plu string) (Item, error) { return x.by(x.plus, "PLU", plu) }

// ByID implements Lookup.
func (x *Index) ByID(id string) (Item, error) {
	if it, ok := x.items[id]; ok {
		return it.clone(), nil
	}
	return Item{}, fmt.Errorf("item %q: %w", id, ErrNotFound)
}

func (x *Index) by(m map[string]string, what, key string) (Item, error) {
	if id, ok := m[key]; ok {
		return x.items[id].clone(), nil
	}
	return Item{}, fmt.Errorf("%s %s: %w", what, key, ErrNotFound)
}

// Search implements Lookup.
func (x *Index) Search(q string, limit int) ([]Item, error) {
	var out []Item
	for _, it := range x.items {
		if it.Active && Matches(it, q) {
			out = append(out, it.clone())
		}
	}
	SortItems(out)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Categories implements Lookup.
func (x *Index) Categories() ([]Category, error) {
	out := make([]Category, 0, len(x.categories))
	for _, c := range x.categories {
		out = append(out, c)
	}
	SortCategories(out)
	return out, nil
}

// SortItems orders items by Chinese name, then item number.
func SortItems(items []Item) {
	sort.Slice(items, func(i, j int) bool {
		if items[i].Name != items[j].Name {
			return items[i].Name < items[j].Name
		}
		return items[i].ID < items[j].ID
	})
}

// SortCategories orders categories by Order, then name.
func SortCategories(cs []Category) {
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].Order != cs[j].Order {
			return cs[i].Order < cs[j].Order
		}
		return cs[i].Name < cs[j].Name
	})
}

func (it *Item) clone() Item {
	c := *it
	c.Barcodes = append([]string(nil), it.Barcodes...)
	return c
}
