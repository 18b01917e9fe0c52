package bridge

import (
	"context"

	"fieldnotes/app/notebook"
)

// Home builds the start screen.
type Home struct{ d *Deps }

// NewHome binds the home area.
func NewHome(d *Deps) *Home { return &Home{d} }

// View returns today's and recent calls, what product wants to learn now,
// and the sync state with the number of changes waiting to be sent.
func (h *Home) View() (v HomeView, err error) {
	defer guard(h.d.Log, "Home.View", &err)
	ctx := context.Background()
	calls, err := callRows(ctx, h.d, Query{Newest: true}, 12)
	if err != nil {
		return v, err
	}
	today := h.d.now().Format("2006-01-02")
	v.Today, v.RecentCalls = []CallRow{}, []CallRow{}
	for _, c := range calls {
		if len(c.StartedAt) >= 10 && c.StartedAt[:10] == today {
			v.Today = append(v.Today, c)
		} else {
			v.RecentCalls = append(v.RecentCalls, c)
		}
	}
	if v.LearnNow, err = hypothesisRows(ctx, h.d, true, 5, false); err != nil { // tallies: Hypotheses.Tallies
		return v, err
	}
	if v.Pending, err = h.d.Store.PendingCount(ctx); err != nil {
		return v, err
	}
	v.Sync = syncState(h.d)
	v.Accounts, err = h.d.Store.Count(ctx, notebook.TypeAccount)
	return v, err
}

func syncState(d *Deps) SyncState {
	if d.Sync != nil {
		return d.Sync()
	}
	return SyncState{State: "not_configured", Message: "Sync is not configured; everything stays on this laptop."}
}
