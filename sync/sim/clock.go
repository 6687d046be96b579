package sim

import (
	"sync"
	"time"
)

// Clock is the simulator's time. A running clock moves with the wall clock from where it was last
// set; a manual one moves only by Advance and Set.
type Clock struct {
	mu     sync.Mutex
	manual bool
	base   time.Time // the clock's reading at wallAt
	wallAt time.Time // wall time (with its monotonic reading) when base was taken
}

func newClock(start time.Time, manual bool) *Clock {
	return &Clock{manual: manual, base: start.Round(0), wallAt: time.Now()}
}

// Now is the simulated time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.manual {
		return c.base
	}
	return c.base.Add(time.Since(c.wallAt))
}

// Advance moves the clock forward by d (backward for a negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base = c.nowLocked().Add(d)
	c.wallAt = time.Now()
}

// Set puts the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base = t.Round(0)
	c.wallAt = time.Now()
}
