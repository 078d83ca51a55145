package staffstore

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/internal/csvout"
	"github.com/wxpos/wxpos/staff"
	"github.com/wxpos/wxpos/storage"
)

// match reports whether e is one of the events f selects.
func match(f staff.Filter, e *storage.Event) bool {
	if !f.From.IsZero() && e.Time.Before(f.From) {
		return false
	}
	if !f.To.IsZero() && !e.Time.Before(f.To) {
		return false
	}
	if len(f.Kinds) > 0 {
		ok := false
		for _, k := range f.Kinds {
			if k == e.Kind || (strings.HasSuffix(k, ".") && strings.HasPrefix(e.Kind, k)) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if f.Who != "" && !strings.EqualFold(e.Actor, f.Who) &&
		!strings.Contains(strings.ToLower(string(e.Data)), `"`+strings.ToLower(f.Who)+`"`) {
		return false
	}
	if f.Text != "" {
		hay := strings.ToLower(e.Ref + "\x00" + e.Reason + "\x00" + e.From + "\x00" + e.To + "\x00" + string(e.Data) + "\x00" + e.Kind)
		if !strings.Contains(hay, strings.ToLower(f.Text)) {
			return false
		}
	}
	return true
}

// Trail returns the audit events matching f, oldest first.
func Trail(db *storage.Store, f staff.Filter) ([]storage.Event, error) {
	var out []storage.Event
	err := db.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if match(f, &e) {
				out = append(out, e)
			}
			return true, nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out, nil
}

// Record appends e to the audit trail in its own commit: an action that is
// not a payment (a settings change, the drawer opened outside a sale) but
// must be on the record.
func Record(db *storage.Store, e storage.Event) error {
	err := db.Update(func(tx *storage.Tx) error {
		_, err := tx.AppendEvent(e)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Kind, err)
	}
	return nil
}

// CSVColumns are the columns WriteCSV writes.
var CSVColumns = []csvout.Column{
	{Key: "seq", ZH: "序号"}, {Key: "time", ZH: "时间"}, {Key: "kind", ZH: "事件"}, {Key: "actor", ZH: "操作人"},
	{Key: "ref", ZH: "单号"}, {Key: "from", ZH: "原状态"}, {Key: "to", ZH: "新状态"}, {Key: "reason", ZH: "原因"},
	{Key: "data", ZH: "数据"},
}

// CSVHeader is the English header row of WriteCSV.
var CSVHeader = csvout.Headers(CSVColumns, csvout.English)

// WriteCSV writes events as CSV under package csvout's rules (UTF-8 with
// a BOM, the header in lang, formulas defused), times in RFC 3339 with the
// offset of loc; nil means the events' own zone.
func WriteCSV(w io.Writer, events []storage.Event, loc *time.Location, lang csvout.Lang) error {
	cw := csvout.New(w, lang, CSVColumns)
	for _, e := range events {
		t := e.Time
		if loc != nil {
			t = t.In(loc)
		}
		cw.Row(strconv.FormatUint(e.Seq, 10), t.Format(time.RFC3339), e.Kind, e.Actor, e.Ref, e.From, e.To, e.Reason, string(e.Data))
	}
	return cw.Flush()
}

// SafeCell defuses CSV formula injection (see csvout.Safe).
//
// Deprecated: use csvout.Safe.
func SafeCell(s string) string { return csvout.Safe(s) }
