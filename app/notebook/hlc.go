package notebook

import (
	"fmt"
	"strconv"
	"sync"
	"time"
)

// HLC is a hybrid logical clock reading: wall-clock milliseconds plus a
// logical counter. Per-field last-writer-wins compares HLCs; on the wire an
// HLC is "<13 digits ms>-<4 hex counter>", so the strings compare like the
// values (sync-protocol.md, "Identities and clocks").
type HLC struct {
	Millis  int64
	Counter uint16
}

// String formats the HLC in its wire form, e.g. "1795000000123-000a".
func (h HLC) String() string {
	if h.IsZero() {
		return ""
	}
	return fmt.Sprintf("%013d-%04x", h.Millis, h.Counter)
}

// IsZero reports whether the HLC is unset.
func (h HLC) IsZero() bool { return h.Millis == 0 && h.Counter == 0 }

// Less reports whether h happened before o.
func (h HLC) Less(o HLC) bool {
	return h.Millis < o.Millis || h.Millis == o.Millis && h.Counter < o.Counter
}

// ParseHLC reads the wire form; it rejects anything else with an Invalid error.
func ParseHLC(s string) (HLC, error) {
	if len(s) != 18 || s[13] != '-' {
		return HLC{}, Errorf(Invalid, "hlc %q: want 13 digits, '-', 4 lowercase hex digits", s)
	}
	for i := 0; i < 13; i++ {
		if s[i] < '0' || s[i] > '9' {
			return HLC{}, Errorf(Invalid, "hlc %q: milliseconds must be decimal digits", s)
		}
	}
	for i := 14; i < 18; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return HLC{}, Errorf(Invalid, "hlc %q: counter must be lowercase hex", s)
		}
	}
	ms, _ := strconv.ParseInt(s[:13], 10, 64)
	c, _ := strconv.ParseUint(s[14:], 16, 16)
	return HLC{Millis: ms, Counter: uint16(c)}, nil
}

// Clock issues strictly increasing HLCs that never run behind any HLC it has
// observed, so an edit made after seeing a remote change always wins over it.
type Clock struct {
	mu   sync.Mutex
	last HLC
	now  func() time.Time
}

// NewClock starts a clock after last (the highest HLC persisted so far).
// now may be nil for time.Now; tests pass their own.
func NewClock(last HLC, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{last: last, now: now}
}

// Now returns a new HLC greater than every one issued or observed before.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := c.now().UnixMilli()
	if wall > c.last.Millis {
		c.last = HLC{Millis: wall}
	} else if c.last.Counter == 0xffff { // counter exhausted: borrow the next millisecond
		c.last = HLC{Millis: c.last.Millis + 1}
	} else {
		c.last.Counter++
	}
	return c.last
}

// Observe moves the clock past a remote HLC so later local edits order after it.
func (c *Clock) Observe(remote HLC) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.last.Less(remote) {
		c.last = remote
	}
}

// Last returns the highest HLC issued or observed.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}
