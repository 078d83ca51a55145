package postest

import (
	"fmt"
	"sync/atomic"

	"github.com/wxpos/wxpos/pos"
)

// FullAfter is a pos.Store whose disk fills up after its first After
// commits: every later Apply fails with pos.ErrDiskFull, as a disk that
// filled while a payment was at WeChat. Room still says yes (that check came
// before). Counting commits, rather than a flag a test sets, fixes the
// instant whatever the payment's goroutine is doing.
type FullAfter struct {
	pos.Store
	After   int32
	applies atomic.Int32
}

// Apply writes c while there is room, else fails like a full disk.
func (f *FullAfter) Apply(c *pos.Change) error {
	if f.applies.Add(1) > f.After {
		return fmt.Errorf("commit: write /var/lib/wxpos/wxpos.db: no space left on device: %w", pos.ErrDiskFull)
	}
	return f.Store.Apply(c)
}
