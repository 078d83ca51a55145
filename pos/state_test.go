package pos_test

import (
	"testing"

	"github.com/wxpos/wxpos/pos"
)

// design lists the moves drawn in docs/DESIGN.md §4, flow by flow. Every one
// must be in the table; the table may add only the documented extras.
var design = map[pos.Flow][][2]string{
	pos.FlowScan: {
		{"NEW", "SUBMITTING"}, {"SUBMITTING", "PAID"}, {"SUBMITTING", "WAITING_PASSWORD"},
		{"WAITING_PASSWORD", "PAID"}, {"WAITING_PASSWORD", "REVERSING"}, {"SUBMITTING", "FAILED"},
		{"SUBMITTING", "UNKNOWN"}, {"UNKNOWN", "PAID"}, {"UNKNOWN", "FAILED"}, {"UNKNOWN", "REVERSING"},
		{"REVERSING", "REVERSED"},
	},
	pos.FlowQR: {
		{"NEW", "CREATING"}, {"CREATING", "SHOWING_QR"}, {"SHOWING_QR", "PAID"}, {"SHOWING_QR", "CLOSING"},
		{"CLOSING", "CLOSED"}, {"CLOSING", "PAID"},
	},
	pos.FlowCash:   {{"NEW", "PAID"}},
	pos.FlowRefund: {{"NEW", "SUBMITTED"}, {"SUBMITTED", "PROCESSING"}, {"PROCESSING", "SUCCESS"}, {"PROCESSING", "CLOSED"}, {"PROCESSING", "ABNORMAL"}},
}

func TestTablesMatchDesign(t *testing.T) {
	for _, flow := range []pos.Flow{pos.FlowScan, pos.FlowQR, pos.FlowCash} {
		t.Run(string(flow), func(t *testing.T) { checkTable(t, pos.TableOf(flow), design[flow]) })
	}
	t.Run(string(pos.FlowRefund), func(t *testing.T) { checkTable(t, pos.RefundTable, design[pos.FlowRefund]) })
}

// checkTable checks tab against the moves DESIGN draws and the shape every
// machine has: nothing leaves a final state or enters NEW, every move says
// why, every state is reachable from NEW and can still reach a final one.
func checkTable[S pos.AnyState](t *testing.T, tab pos.Table[S], moves [][2]string) {
	for _, m := range moves {
		if !tab.Allows(S(m[0]), S(m[1])) {
			t.Errorf("DESIGN move %s → %s missing", m[0], m[1])
		}
	}
	const start = "NEW"
	reach := map[S]bool{start: true}
	for _, e := range tab {
		if e.From.Terminal() {
			t.Errorf("move out of final state %s → %s", e.From, e.To)
		}
		if e.To == start {
			t.Errorf("move into NEW from %s", e.From)
		}
		if e.Why == "" {
			t.Errorf("%s → %s has no reason", e.From, e.To)
		}
	}
	for changed := true; changed; {
		changed = false
		for _, e := range tab {
			if reach[e.From] && !reach[e.To] {
				reach[e.To], changed = true, true
			}
		}
	}
	for _, e := range tab {
		if !reach[e.From] {
			t.Errorf("state %s unreachable from NEW", e.From)
		}
		if !e.To.Terminal() && !canFinish(tab, e.To) {
			t.Errorf("state %s cannot reach a final state", e.To)
		}
	}
}

func canFinish[S pos.AnyState](tab pos.Table[S], s S) bool {
	seen := map[S]bool{s: true}
	queue := []S{s}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur.Terminal() {
			return true
		}
		for _, e := range tab {
			if e.From == cur && !seen[e.To] {
				seen[e.To] = true
				queue = append(queue, e.To)
			}
		}
	}
	return false
}

func TestTablesRefuse(t *testing.T) {
	tests := []struct {
		flow     pos.Flow
		from, to string
	}{
		{pos.FlowScan, "PAID", "REVERSING"},
		{pos.FlowScan, "NEW", "PAID"},
		{pos.FlowScan, "FAILED", "PAID"},
		{pos.FlowScan, "SUBMITTING", "CLOSING"},
		{pos.FlowQR, "SHOWING_QR", "REVERSING"},
		{pos.FlowQR, "CLOSED", "PAID"},
		{pos.FlowCash, "NEW", "SUBMITTING"},
		{pos.FlowRefund, "SUCCESS", "PROCESSING"},
		{pos.FlowRefund, "NEW", "PROCESSING"},
	}
	for _, tc := range tests {
		t.Run(string(tc.flow)+" "+tc.from+"→"+tc.to, func(t *testing.T) {
			allowed := pos.TableOf(tc.flow).Allows(pos.State(tc.from), pos.State(tc.to))
			if tc.flow == pos.FlowRefund {
				allowed = pos.RefundTable.Allows(pos.RefundState(tc.from), pos.RefundState(tc.to))
			}
			if allowed {
				t.Fatal("allowed")
			}
		})
	}
}
