package ui

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	products "github.com/wxpos/wxpos/catalog"
)

// itemsScreen is the item picker: quick keys by category (in the
// catalogue's colours and order) and a search by name, pinyin initials or
// barcode. Each tap adds one of the item to the sale and stays, so a
// basket of several is picked in one visit; Esc (or 完成) goes back.
type itemsScreen struct {
	t      *Terminal
	search *keyEntry
	cats   *fyne.Container
	grid   *fyne.Container
	status *widget.Label
	root   fyne.CanvasObject
	sale   *saleScreen // the sale screen the items go to
	cat    string      // the category shown; "" before one is picked
}

// itemsShown is the most items drawn at once: a picker, not a listing.
const itemsShown = 60

func newItemsScreen(t *Terminal) *itemsScreen {
	s := &itemsScreen{t: t, search: newKeyEntry(t), cats: container.NewHBox(),
		grid: container.NewGridWrap(fyne.NewSize(150, 64)), status: widget.NewLabel("")}
	s.sale, _ = t.cur.(*saleScreen)
	s.search.SetPlaceHolder(t.cat.T(msgItemsSearch))
	s.search.OnChanged = func(q string) { s.find(q) }
	done := newIconButton(t.cat.T(msgItemsDone), theme.ConfirmIcon(), s.back)
	done.Importance = widget.HighImportance
	top := container.NewBorder(nil, nil, nil, done, s.search)
	s.root = container.NewPadded(container.NewBorder(
		container.NewVBox(top, container.NewHScroll(s.cats)), s.status, nil, nil,
		container.NewVScroll(s.grid)))
	return s
}

func (s *itemsScreen) view() fyne.CanvasObject { return s.root }

func (s *itemsScreen) start(ctx context.Context) {
	t := s.t
	t.w.Canvas().Focus(s.search)
	t.async(ctx, func(context.Context) func() {
		cs, err := t.opt.items.Categories()
		return func() {
			if err != nil {
				s.status.SetText(t.errorText(err))
				return
			}
			s.showCategories(cs)
		}
	})
}

func (s *itemsScreen) showCategories(cs []products.Category) {
	s.cats.Objects = nil
	for _, c := range cs {
		b := newButton(c.Name, func() { s.showCategory(c.Name) })
		s.cats.Add(container.NewStack(swatch(c.Colour), b))
	}
	s.cats.Refresh()
	if len(cs) > 0 {
		s.showCategory(cs[0].Name)
	}
}

// swatch is a category's colour behind its key.
func swatch(hex string) fyne.CanvasObject {
	r := canvas.NewRectangle(parseColour(hex))
	r.CornerRadius = 4
	return r
}

func parseColour(hex string) color.Color {
	var c color.NRGBA
	if len(hex) == 7 && hex[0] == '#' {
		var v [3]uint8
		for i := range v {
			for _, ch := range hex[1+2*i : 3+2*i] {
				v[i] <<= 4
				switch {
				case ch >= '0' && ch <= '9':
					v[i] |= uint8(ch - '0')
				case ch >= 'a' && ch <= 'f':
					v[i] |= uint8(ch-'a') + 10
				case ch >= 'A' && ch <= 'F':
					v[i] |= uint8(ch-'A') + 10
				}
			}
		}
		c = color.NRGBA{R: v[0], G: v[1], B: v[2], A: 0x60}
	}
	return c
}

// showCategory shows the quick keys of category name: its active items.
func (s *itemsScreen) showCategory(name string) {
	s.cat = name
	s.search.SetText("")
	s.list("")
}

// find searches the catalogue as the cashier types.
func (s *itemsScreen) find(q string) {
	q = strings.TrimSpace(q)
	if q == "" {
		if s.cat != "" {
			s.list("")
		}
		return
	}
	s.list(q)
}

// list shows the items q finds, or with no q the category's quick keys.
func (s *itemsScreen) list(q string) {
	t := s.t
	var items []products.Item
	var err error
	if q != "" {
		items, err = t.opt.items.Search(q, itemsShown)
	} else if cl, ok := t.opt.items.(categoryLister); ok {
		items, err = cl.InCategory(s.cat, itemsShown)
	}
	if err != nil {
		s.status.SetText(t.errorText(err))
		return
	}
	s.grid.Objects = nil
	lang := "zh"
	if t.cat.lang == LangEN {
		lang = "en"
	}
	for _, it := range items {
		label := it.Label(lang) + "\n" + formatFen(it.Price)
		if it.OpenPrice {
			label = it.Label(lang) + "\n" + t.cat.T(msgItemsOpenPrice)
		}
		b := newButton(label, func() { s.pick(it) })
		s.grid.Add(b)
	}
	s.grid.Refresh()
	if len(items) == 0 {
		s.status.SetText(t.cat.T(msgItemsNone))
	} else {
		s.status.SetText("")
	}
}

// categoryLister is a Lookup that lists a category's active items (the
// quick keys); without it the picker offers the search only.
type categoryLister interface {
	InCategory(name string, limit int) ([]products.Item, error)
}

// pick adds one of it to the sale and says so.
func (s *itemsScreen) pick(it products.Item) {
	t := s.t
	if s.sale == nil {
		return
	}
	s.sale.addItem(it, products.Code{Kind: products.KindStore, Key: firstBarcode(it)})
	if s.sale.hint.Importance == widget.DangerImportance {
		s.status.SetText(s.sale.hint.Text) // open price without an amount, over the limit
		return
	}
	s.status.SetText(t.cat.T(msgItemsAdded, it.Label(string(t.cat.lang)), formatFen(t.draft.totalFen())))
}

func firstBarcode(it products.Item) string {
	if len(it.Barcodes) > 0 {
		return it.Barcodes[0]
	}
	return ""
}

func (s *itemsScreen) back() { s.t.showSale() }

func (s *itemsScreen) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		s.back()
	}
}
