package counter

import (
	"sort"
	"sync"

	"github.com/wxpos/wxpos/catalog"
)

// ItemStore is the terminal's catalogue as the window reads it
// (catalogstore.Store): the look-ups, the version and a walk of every item.
type ItemStore interface {
	catalog.Lookup
	Rules() *catalog.Rules // the store's codes and scale layouts
	Version() (uint64, error)
	Items(fn func(it catalog.Item, version uint64) error) error
}

// Items is the window's catalogue: ItemStore's look-ups, plus the quick
// keys — each category's active items by name — built from one walk of the
// catalogue and kept until its version moves (an import), so a tap on a
// category costs a map read, not a walk of 100 000 items.
type Items struct {
	ItemStore
	mu      sync.Mutex
	version uint64
	built   bool
	byCat   map[string][]catalog.Item
}

// NewItems wraps s.
func NewItems(s ItemStore) *Items { return &Items{ItemStore: s} }

// InCategory returns at most limit active items of category name, by name.
func (x *Items) InCategory(name string, limit int) ([]catalog.Item, error) {
	v, err := x.Version()
	if err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.built || v != x.version {
		by := map[string][]catalog.Item{}
		err := x.Items(func(it catalog.Item, _ uint64) error {
			if it.Active {
				by[it.Category] = append(by[it.Category], it)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, items := range by {
			sort.Slice(items, func(i, j int) bool { return items[i].Name < items[j].Name })
		}
		x.byCat, x.version, x.built = by, v, true
	}
	items := x.byCat[name]
	if len(items) > limit {
		items = items[:limit]
	}
	return append([]catalog.Item(nil), items...), nil
}
