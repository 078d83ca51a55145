package report

import (
	"fmt"
	"sort"
	"time"

	"github.com/wxpos/wxpos/pricing"
	"github.com/wxpos/wxpos/receipt"
)

// ItemsBy is what an items report groups by.
type ItemsBy string

// The groupings of an items report.
const (
	ByItem     ItemsBy = "item"
	ByCategory ItemsBy = "category"
)

// ParseItemsBy reads --by: item (or empty) or category.
func ParseItemsBy(s string) (ItemsBy, error) {
	switch s {
	case "", "item", "items":
		return ByItem, nil
	case "category", "categories":
		return ByCategory, nil
	}
	return "", fmt.Errorf("group by item or category, not %q", s)
}

// ItemRow is one row of an items report: an item (its id, or the name of a
// line sold without one; a keyed-amount sale has neither) or a category
// ("" is none), with what was sold and given back over the range.
type ItemRow struct {
	Key      string `json:"key"` // the item id, else the name; the category by category
	ItemID   string `json:"item_id,omitempty"`
	Name     string `json:"name"`
	Category string `json:"category"`
	// Unit is the item's (receipt.UnitKg: Qty is grams); by category, Qty
	// counts pieces and a weighed line as one.
	Unit  string `json:"unit,omitempty"`
	Qty   int64  `json:"qty"`
	Lines int64  `json:"lines"` // sale lines counted
	// GrossFen is before discounts; DiscountFen the lines' own and their
	// share of their sales' (pricing.Shares); NetFen = GrossFen − DiscountFen,
	// what the customers paid.
	GrossFen      int64 `json:"gross_fen"`
	DiscountFen   int64 `json:"discount_fen"`
	NetFen        int64 `json:"net_fen"`
	ReturnedQty   int64 `json:"returned_qty"`
	ReturnedLines int64 `json:"returned_lines"` // refund lines (a refund by amount is one)
	ReturnedFen   int64 `json:"returned_fen"`
}

// Keyed says the row is keyed-amount sales (no item, no name) or, by
// category, lines of no category.
func (r ItemRow) Keyed() bool { return r.Key == "" }

// NetAfterReturnsFen is net sales less what was given back.
func (r ItemRow) NetAfterReturnsFen() int64 { return r.NetFen - r.ReturnedFen }

// Items is the items report of a range of days: sales by item or by
// category, with the same rules as X/Z (a sale on the day it was paid, a
// refund on the day it succeeded). The rows' nets add up to the days'
// sales and their returns to the refunds.
type Items struct {
	From       string    `json:"from"` // yyyymmdd
	To         string    `json:"to"`
	By         ItemsBy   `json:"by"`
	StoreID    string    `json:"store_id,omitempty"`
	TerminalID string    `json:"terminal_id,omitempty"`
	Training   bool      `json:"training,omitempty"`
	TakenAt    time.Time `json:"taken_at"`
	Rows       []ItemRow `json:"rows"`
	Total      ItemRow   `json:"total"`
}

// ItemsBuilder sums sale and refund lines into an Items report.
type ItemsBuilder struct {
	by   ItemsBy
	rows map[string]*ItemRow
	// CategoryOf is the current category of an item for a line sold
	// without its category (older lines); nil: none.
	CategoryOf func(itemID string) string
}

// NewItemsBuilder starts an empty report grouped by by.
func NewItemsBuilder(by ItemsBy) *ItemsBuilder {
	return &ItemsBuilder{by: by, rows: map[string]*ItemRow{}}
}

func (b *ItemsBuilder) category(l receipt.Line) string {
	if l.Category == "" && l.ItemID != "" && b.CategoryOf != nil {
		return b.CategoryOf(l.ItemID)
	}
	return l.Category
}

// Add merges r (already summed, as head office's query gives them) into
// its row.
func (b *ItemsBuilder) Add(r ItemRow) {
	key := r.ItemID
	if key == "" {
		key = r.Name
	}
	if b.by == ByCategory {
		key = r.Category
		if r.Unit == receipt.UnitKg {
			r.Qty, r.ReturnedQty = r.Lines, r.ReturnedLines
		}
		r.ItemID, r.Name, r.Unit = "", r.Category, ""
	}
	row := b.rows[key]
	if row == nil {
		row = &ItemRow{Key: key, ItemID: r.ItemID, Name: r.Name, Category: r.Category, Unit: r.Unit}
		b.rows[key] = row
	}
	row.Qty += r.Qty
	row.Lines += r.Lines
	row.GrossFen += r.GrossFen
	row.DiscountFen += r.DiscountFen
	row.NetFen += r.NetFen
	row.ReturnedQty += r.ReturnedQty
	row.ReturnedLines += r.ReturnedLines
	row.ReturnedFen += r.ReturnedFen
}

// AddSale adds a paid sale: its lines with their share of the sale's
// discount, or, without lines, its amount as a keyed-amount row.
func (b *ItemsBuilder) AddSale(lines []receipt.Line, disc *receipt.Discount, amountFen int64) {
	if len(lines) == 0 {
		b.Add(ItemRow{Qty: 1, Lines: 1, GrossFen: amountFen, NetFen: amountFen})
		return
	}
	var off int64
	if disc != nil {
		off = disc.AmountFen
	}
	nets := pricing.Shares(lines, off)
	for i, l := range lines {
		var lineOff int64
		if l.Discount != nil {
			lineOff = l.Discount.AmountFen
		}
		gross := l.TotalFen + lineOff
		b.Add(ItemRow{ItemID: l.ItemID, Name: l.Name, Category: b.category(l), Unit: l.Unit, Qty: l.Qty, Lines: 1,
			GrossFen: gross, DiscountFen: gross - nets[i], NetFen: nets[i]})
	}
}

// AddRefund adds a settled refund of a sale sold as lines: the lines it
// gave back under their items, or, a refund by amount (no lines), under
// the keyed-amount row.
func (b *ItemsBuilder) AddRefund(sold []receipt.Line, back []receipt.RefundLine, amountFen int64) {
	if len(back) == 0 {
		b.Add(ItemRow{ReturnedLines: 1, ReturnedFen: amountFen})
		return
	}
	for _, rl := range back {
		l := receipt.Line{Name: rl.Name, Unit: rl.Unit}
		if rl.Line >= 0 && rl.Line < len(sold) {
			l = sold[rl.Line]
		}
		b.Add(ItemRow{ItemID: l.ItemID, Name: l.Name, Category: b.category(l), Unit: l.Unit,
			ReturnedQty: rl.Qty, ReturnedLines: 1, ReturnedFen: rl.AmountFen})
	}
}

// Build returns the report's rows, the biggest net first (ties by key),
// and their total.
func (b *ItemsBuilder) Build(it *Items) *Items {
	it.By = b.by
	it.Rows = make([]ItemRow, 0, len(b.rows))
	it.Total = ItemRow{Name: "total"}
	for _, r := range b.rows {
		it.Rows = append(it.Rows, *r)
		it.Total.Lines += r.Lines
		it.Total.GrossFen += r.GrossFen
		it.Total.DiscountFen += r.DiscountFen
		it.Total.NetFen += r.NetFen
		it.Total.ReturnedFen += r.ReturnedFen
		it.Total.ReturnedLines += r.ReturnedLines
	}
	sort.Slice(it.Rows, func(i, j int) bool {
		if it.Rows[i].NetFen != it.Rows[j].NetFen {
			return it.Rows[i].NetFen > it.Rows[j].NetFen
		}
		return it.Rows[i].Key < it.Rows[j].Key
	})
	return it
}
