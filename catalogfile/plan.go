package catalogfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/wxpos/wxpos/catalog"
	"github.com/wxpos/wxpos/catalogstore"
)

// Plan is a file turned into a catalogue change, with where each entry
// came from so the store's refusals can name their line.
type Plan struct {
	Changes  catalogstore.Changes
	items    entries
	category entries
}

type entries struct {
	source string
	lines  []int
	h      header
	// columnOf maps a catalog field name to the table's column key where
	// they differ.
	columnOf map[string]string
}

// Parse turns b into a Plan: every row becomes an item or a category.
// It returns every error of every row, each naming its line and column;
// the plan is usable only when there are none.
func Parse(b *Book, rules *catalog.Rules) (*Plan, []*LineError) {
	p := &Plan{}
	var errs []*LineError
	if t := b.Categories; t != nil {
		p.category = entries{source: t.Source, lines: t.Lines[1:], columnOf: map[string]string{"name": "category"}}
		var unknown []string
		p.category.h, unknown = readHeader(t.Rows[0], categoryColumns)
		errs = append(errs, p.category.unknownColumns(t.Lines[0], unknown)...)
		for i, row := range t.Rows[1:] {
			c, es := p.category.parseCategory(i, row)
			errs = append(errs, es...)
			p.Changes.Categories = append(p.Changes.Categories, c)
		}
	}
	if t := b.Items; t != nil {
		p.items = entries{source: t.Source, lines: t.Lines[1:], columnOf: map[string]string{"barcode": "barcodes"}}
		var unknown []string
		p.items.h, unknown = readHeader(t.Rows[0], itemColumns)
		errs = append(errs, p.items.unknownColumns(t.Lines[0], unknown)...)
		for _, key := range []string{"id", "name", "price"} {
			if _, ok := p.items.h.index[key]; !ok {
				errs = append(errs, &LineError{Source: t.Source, Line: t.Lines[0], Err: fmt.Errorf("no %s column", key)})
			}
		}
		p.Changes.Items = make([]catalog.Item, 0, len(t.Rows)-1)
		for i, row := range t.Rows[1:] {
			it, es := p.items.parseItem(i, row, rules)
			errs = append(errs, es...)
			p.Changes.Items = append(p.Changes.Items, it)
		}
	}
	return p, errs
}

func (e *entries) unknownColumns(line int, names []string) []*LineError {
	if len(names) == 0 {
		return nil
	}
	return []*LineError{{Source: e.source, Line: line, Err: fmt.Errorf("unknown columns %q", names)}}
}

func (e *entries) bad(i int, key string, err error) *LineError {
	return &LineError{Source: e.source, Line: e.lines[i], Column: e.h.column(key), Err: err}
}

func (e *entries) parseItem(i int, row []string, rules *catalog.Rules) (catalog.Item, []*LineError) {
	var errs []*LineError
	cell := func(key string) string { return e.h.cell(row, key) }
	it := catalog.Item{ID: cell("id"), Name: cell("name"), NameEN: cell("name_en"), PLU: cell("plu"),
		Category: cell("category"), Unit: catalog.Unit(cell("unit")), Active: true}
	if it.Unit == "" {
		it.Unit = catalog.UnitPiece
	}
	var err error
	if it.Price, err = catalog.ParsePrice(cell("price")); err != nil {
		errs = append(errs, e.bad(i, "price", err))
	}
	for _, b := range strings.Fields(cell("barcodes")) {
		n, err := catalog.Normalize(rules, b)
		if err != nil {
			errs = append(errs, e.bad(i, "barcodes", err))
			continue
		}
		it.Barcodes = append(it.Barcodes, n)
	}
	for _, f := range []struct {
		key string
		v   *bool
	}{{"active", &it.Active}, {"open_price", &it.OpenPrice}} {
		if s := cell(f.key); s != "" {
			if *f.v, err = parseBool(s); err != nil {
				errs = append(errs, e.bad(i, f.key, err))
			}
		}
	}
	if len(errs) > 0 {
		return it, errs
	}
	// What only the whole item can say (a missing name, a zero price that
	// is not an open price …), at the field's column.
	if err := it.Validate(rules); err != nil {
		errs = append(errs, e.explain(i, err)...)
	}
	return it, errs
}

func (e *entries) parseCategory(i int, row []string) (catalog.Category, []*LineError) {
	c := catalog.Category{Name: e.h.cell(row, "category"), Colour: e.h.cell(row, "colour")}
	if s := e.h.cell(row, "order"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 9999 {
			return c, []*LineError{e.bad(i, "order", fmt.Errorf("%q is not a whole number 0–9999", s))}
		}
		c.Order = n
	}
	if err := c.Validate(); err != nil {
		return c, e.explain(i, err)
	}
	return c, nil
}

// explain splits a validation error into one LineError per field, at
// the field's column.
func (e *entries) explain(i int, err error) []*LineError {
	var out []*LineError
	for _, fe := range catalog.FieldErrors(err) {
		key := fe.Field
		if k, ok := e.columnOf[key]; ok {
			key = k
		}
		out = append(out, e.bad(i, key, fe.Err))
	}
	if len(out) == 0 {
		out = append(out, &LineError{Source: e.source, Line: e.lines[i], Err: err})
	}
	return out
}

// Explain names the line and column of each problem the store found with
// the plan's change (catalogstore.ProblemsError), or returns err alone.
func (p *Plan) Explain(err error) []*LineError {
	var pe *catalogstore.ProblemsError
	if !errors.As(err, &pe) {
		return nil
	}
	var out []*LineError
	for _, pr := range pe.Problems {
		e := &p.items
		if pr.Category {
			e = &p.category
		}
		if pr.Field == "" {
			out = append(out, &LineError{Source: e.source, Line: e.lines[pr.Index], Err: pr.Err})
			continue
		}
		out = append(out, e.explain(pr.Index, &catalog.FieldError{Field: pr.Field, Err: pr.Err})...)
	}
	return out
}

// Line returns the file line of item i of the plan.
func (p *Plan) Line(i int) int { return p.items.lines[i] }

// CategoryLine returns the file line of category i of the plan.
func (p *Plan) CategoryLine(i int) int { return p.category.lines[i] }

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "y", "是":
		return true, nil
	case "0", "false", "no", "n", "否":
		return false, nil
	}
	return false, fmt.Errorf("%q is not 1/0, true/false, yes/no or 是/否", s)
}
