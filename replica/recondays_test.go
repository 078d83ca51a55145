package replica

import (
	"context"
	"slices"
	"testing"
)

// TestReconDaysCountsResolutions: the report's reconciliation of a day is
// a terminal's newest run of it, less the resolutions of that day logged
// after that run — not those before it, of another day or of another
// terminal — and never below zero.
func TestReconDaysCountsResolutions(t *testing.T) {
	ctx := context.Background()
	pool := migrated(t)
	for _, e := range []struct {
		term      string
		seq       int
		kind, ref string
		data      string
	}{
		{"T01", 4, "recon.resolve", "", `{"day": "20261125"}`},
		{"T01", 5, "recon.run", "20261125", `{"bill_rows": 5, "differences": 4, "open": 4}`},
		{"T01", 10, "recon.run", "20261125", `{"bill_rows": 5, "differences": 3, "open": 3}`},
		{"T01", 11, "recon.resolve", "", `{"day": "20261125"}`},
		{"T01", 12, "recon.resolve", "", `{"day": "20261124"}`},
		{"T01", 13, "recon.run", "20261126", `{"bill_rows": 2, "differences": 0, "open": 0}`},
		{"T02", 20, "recon.run", "20261125", `{"bill_rows": 7, "differences": 1, "open": 1}`},
		{"T02", 21, "recon.resolve", "", `{"day": "20261125"}`},
		{"T02", 22, "recon.resolve", "", `{"day": "20261125"}`},
		{"T02", 23, "recon.resolve", "", `"20261125"`},
	} {
		_, err := pool.Exec(ctx, `INSERT INTO events (store_id, terminal_id, seq, at, kind, ref, data, digest)
			VALUES ('S01', $1, $2, now(), $3, $4, $5::jsonb, '\x00')`, e.term, e.seq, e.kind, e.ref, e.data)
		if err != nil {
			t.Fatal(err)
		}
	}
	got, err := reconDays(ctx, pool, Query{From: "20261125", To: "20261126"})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		term, day               string
		rows, differences, open int
	}
	var lines []line
	for _, d := range got {
		lines = append(lines, line{d.TerminalID, d.Day, d.BillRows, d.Differences, d.Open})
	}
	want := []line{{"T01", "20261125", 5, 3, 2}, {"T02", "20261125", 7, 1, 0}, {"T01", "20261126", 2, 0, 0}}
	if !slices.Equal(lines, want) {
		t.Errorf("reconciliations %+v, want %+v", lines, want)
	}
}
