package pos_test

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"

	"github.com/wxpos/wxpos/pos"
)

// walked records every transition any test made, per flow.
var walked sync.Map // "flow from→to" → true

// recordingStore notes each committed transition.
type recordingStore struct{ pos.Store }

func (r recordingStore) Apply(c *pos.Change) error {
	err := r.Store.Apply(c)
	if err == nil {
		if c.Order != nil {
			walked.Store(fmt.Sprintf("%s %s→%s", c.Order.Flow(), c.OrderFrom, c.Order.State), true)
		}
		if c.Refund != nil {
			walked.Store(fmt.Sprintf("%s %s→%s", pos.FlowRefund, c.RefundFrom, c.Refund.State), true)
		}
	}
	return err
}

// TestMain runs the tests and then, for a full run, checks that together
// they walked every edge of every transition table.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		var missing []string
		for _, f := range []pos.Flow{pos.FlowScan, pos.FlowQR, pos.FlowCash} {
			missing = append(missing, unwalked(f, pos.TableOf(f))...)
		}
		missing = append(missing, unwalked(pos.FlowRefund, pos.RefundTable)...)
		sort.Strings(missing)
		if len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "transition table edges no test walked:\n")
			for _, m := range missing {
				fmt.Fprintf(os.Stderr, "  %s\n", m)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// unwalked lists the edges of tab, the table of f, that no test walked.
func unwalked[S pos.AnyState](f pos.Flow, tab pos.Table[S]) []string {
	var missing []string
	for _, e := range tab {
		key := fmt.Sprintf("%s %s→%s", f, e.From, e.To)
		if _, ok := walked.Load(key); !ok {
			missing = append(missing, key+" ("+e.Why+")")
		}
	}
	return missing
}
