package syncclient

import (
	"sync"
	"testing"
)

// A first download in pages reports its progress as it goes: records
// received so far and the hub's estimate of what is left, adding up to
// the whole; when it is done nothing is left.
func TestFirstPullReportsProgress(t *testing.T) {
	g := newRig(t)
	src := newMem("dev-src")
	for range 25 {
		src.upsert("account", newID(), account("Progress Co"))
	}
	ctx := ctxT(t)
	if _, err := engine(t, g.hub.URL, g.rep.Token, src).SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var seen []Status
	dst := newMem("dev-new-laptop")
	e := engine(t, g.hub.URL, g.rep.Token, dst, func(c *Config) {
		c.PullLimit = 10
		c.OnStatus = func(s Status) { mu.Lock(); seen = append(seen, s); mu.Unlock() }
	})
	if _, err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var steps [][2]int
	for _, s := range seen {
		if s.Phase == PhasePulling && s.Received > 0 && s.Remaining > 0 {
			steps = append(steps, [2]int{s.Received, s.Remaining})
			if s.PullStart.IsZero() {
				t.Fatalf("progress without a start: %+v", s)
			}
		}
	}
	if len(steps) != 2 || steps[0] != [2]int{10, 15} || steps[1] != [2]int{20, 5} {
		t.Fatalf("progress steps %v, want [[10 15] [20 5]]", steps)
	}
	if last := e.Status(); last.Received != 25 || last.Remaining != 0 {
		t.Fatalf("after the pull: received %d, remaining %d", last.Received, last.Remaining)
	}
}
