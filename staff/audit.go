package staff

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/wxpos/wxpos/storage"
)

// Filter selects audit events. Zero fields match everything.
type Filter struct {
	From, To time.Time // From ≤ Time < To
	Kinds    []string  // exact kinds, or a prefix ending in "." such as "user."
	Who      string    // matches Actor, or a name in Data (an override's requester or approver)
	Text     string    // case-insensitive substring of Ref, Reason, From/To state or Data
	Limit    int       // newest Limit events; 0 means all
}

func (f Filter) match(e *storage.Event) bool {
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
func Trail(db *storage.Store, f Filter) ([]storage.Event, error) {
	var out []storage.Event
	err := db.View(func(tx *storage.Tx) error {
		return tx.Events(0, func(e storage.Event) (bool, error) {
			if f.match(&e) {
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

// CSVHeader is the first row WriteCSV writes.
var CSVHeader = []string{"seq", "time", "kind", "actor", "ref", "from", "to", "reason", "data"}

// WriteCSV writes events as CSV (RFC 4180, UTF-8, times in RFC 3339 with
// the offset of loc; nil means the events' own zone). Cells that a
// spreadsheet would run as a formula are prefixed with a quote.
func WriteCSV(w io.Writer, events []storage.Event, loc *time.Location) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, e := range events {
		t := e.Time
		if loc != nil {
			t = t.In(loc)
		}
		row := []string{strconv.FormatUint(e.Seq, 10), t.Format(time.RFC3339), e.Kind, e.Actor, e.Ref, e.From, e.To, e.Reason, string(e.Data)}
		for i := range row {
			row[i] = SafeCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// SafeCell defuses CSV formula injection: a cell starting with = + - @ or a
// tab/CR gets a leading apostrophe. Plain negative numbers are left alone.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if _, err := strconv.ParseFloat(s, 64); err != nil {
			return "'" + s
		}
	}
	return s
}
