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

func final(f pos.Flow, s string) bool {
	if f == pos.FlowRefund {
		return pos.RefundState(s).Terminal()
	}
	return pos.State(s).Terminal()
}

func TestTablesMatchDesign(t *testing.T) {
	for flow, moves := range design {
		t.Run(string(flow), func(t *testing.T) {
			tab := pos.TableOf(flow)
			for _, m := range moves {
				if !tab.Allows(m[0], m[1]) {
					t.Errorf("DESIGN move %s → %s missing", m[0], m[1])
				}
			}
			// Nothing leaves a final state; NEW is never a target.
			reach := map[string]bool{"NEW": true}
			for _, e := range tab {
				if final(flow, e.From) {
					t.Errorf("move out of final state %s → %s", e.From, e.To)
				}
				if e.To == "NEW" {
					t.Errorf("move into NEW from %s", e.From)
				}
				if e.Why == "" {
					t.Errorf("%s → %s has no reason", e.From, e.To)
				}
			}
			// Every state is reachable from NEW, and every non-final
			// state can still reach a final one.
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
				if !final(flow, e.To) && !canFinish(tab, flow, e.To) {
					t.Errorf("state %s cannot reach a final state", e.To)
				}
			}
		})
	}
}

func canFinish(tab pos.Table, flow pos.Flow, s string) bool {
	seen := map[string]bool{s: true}
	queue := []string{s}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if final(flow, cur) {
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
			if pos.TableOf(tc.flow).Allows(tc.from, tc.to) {
				t.Fatal("allowed")
			}
		})
	}
}
