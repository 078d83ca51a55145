package postest

import (
	"sort"
	"sync"
	"time"
)

// Clock is a fake pos.Clock. In manual mode After waits until the test
// calls Advance or AdvanceNext; in auto mode After moves time forward by d
// at once, so flows run through their waits without sleeping.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	auto    bool
	waiters []waiter
	added   chan struct{} // signalled when a waiter is added
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

// NewClock returns a manual clock at start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, added: make(chan struct{}, 1)}
}

// NewAutoClock returns a clock in auto mode at start.
func NewAutoClock(start time.Time) *Clock {
	c := NewClock(start)
	c.auto = true
	return c
}

// SetAuto switches auto mode on or off.
func (c *Clock) SetAuto(on bool) {
	c.mu.Lock()
	c.auto = on
	c.mu.Unlock()
}

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After returns a channel that receives once the fake time passes now+d.
func (c *Clock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	if d <= 0 {
		ch <- c.now
		c.mu.Unlock()
		return ch
	}
	if c.auto {
		c.now = c.now.Add(d)
		c.fireLocked()
		ch <- c.now
		c.mu.Unlock()
		return ch
	}
	c.waiters = append(c.waiters, waiter{at: c.now.Add(d), ch: ch})
	c.mu.Unlock()
	select {
	case c.added <- struct{}{}:
	default:
	}
	return ch
}

// Advance moves time forward by d and fires due waiters.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.fireLocked()
	c.mu.Unlock()
}

// AdvanceNext moves time to the earliest waiter and fires it. It reports
// false when nobody waits.
func (c *Clock) AdvanceNext() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.waiters) == 0 {
		return false
	}
	sort.Slice(c.waiters, func(i, j int) bool { return c.waiters[i].at.Before(c.waiters[j].at) })
	if c.waiters[0].at.After(c.now) {
		c.now = c.waiters[0].at
	}
	c.fireLocked()
	return true
}

// Waiters reports how many After channels are pending.
func (c *Clock) Waiters() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.waiters)
}

// WaitForWaiter blocks until at least one After is pending or done closes.
func (c *Clock) WaitForWaiter(done <-chan struct{}) bool {
	for {
		if c.Waiters() > 0 {
			return true
		}
		select {
		case <-c.added:
		case <-done:
			return false
		}
	}
}

// RunUntil advances time from waiter to waiter until done closes: it lets
// a flow run through all its waits without real sleeping.
func (c *Clock) RunUntil(done <-chan struct{}) {
	for c.WaitForWaiter(done) {
		c.AdvanceNext()
	}
}

func (c *Clock) fireLocked() {
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
			continue
		}
		kept = append(kept, w)
	}
	c.waiters = kept
}
