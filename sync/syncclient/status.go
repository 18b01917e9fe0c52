package syncclient

import (
	"context"
	"errors"
	"time"
)

// Phase is what the engine is doing now.
type Phase string

// The phases.
const (
	PhaseIdle         Phase = "idle"         // not running
	PhaseUnconfigured Phase = "unconfigured" // no hub address or token
	PhasePushing      Phase = "pushing"      // sending local changes
	PhasePulling      Phase = "pulling"      // receiving the hub's changes
	PhaseWaiting      Phase = "waiting"      // up to date, long-polling for news
	PhaseBackoff      Phase = "backoff"      // failed; retrying at RetryAt
	PhaseStopped      Phase = "stopped"      // refused; waits for new settings
)

// Status is what the UI shows as the sync badge.
type Status struct {
	Configured   bool      `json:"configured"`
	Online       bool      `json:"online"`
	Phase        Phase     `json:"phase"`
	Pending      int       `json:"pending"`              // changes waiting for the hub
	LastSyncedAt time.Time `json:"last_synced_at"`       // zero: never
	LastError    string    `json:"last_error,omitempty"` // in words; "" when the last attempt worked
	ErrorKind    Kind      `json:"error_kind,omitempty"` // offline, unauthorized, …
	RetryAt      time.Time `json:"retry_at,omitempty"`   // when PhaseBackoff ends
	HubURL       string    `json:"hub_url,omitempty"`    // where it syncs to
	// While a pull runs: records received since it began, the hub's estimate
	// of how many are still to come (0: none given, or done) and when it
	// began — the first sync's progress bar and time left.
	Received  int       `json:"received"`
	Remaining int       `json:"remaining"`
	PullStart time.Time `json:"pull_start"`
	// Rev grows by one with every published change, so a reader that gets
	// statuses by two roads (a Status call and OnStatus events, which may
	// arrive out of order) keeps the newest and never shows a stale phase.
	Rev uint64 `json:"rev"`
}

// Status returns the current status.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

// update changes the status and publishes it when it differs.
func (e *Engine) update(fn func(*Status)) {
	e.pubMu.Lock()
	defer e.pubMu.Unlock()
	e.mu.Lock()
	before := e.status
	fn(&e.status)
	e.status.HubURL = e.hubURL
	changed := e.status != before
	if changed {
		e.status.Rev++
	}
	after := e.status
	e.mu.Unlock()
	if changed && e.cfg.OnStatus != nil {
		e.cfg.OnStatus(after)
	}
}

// succeeded marks a completed push + pull.
func (e *Engine) succeeded(ctx context.Context) {
	n, err := e.replica.PendingCount(ctx)
	e.update(func(s *Status) {
		s.Configured, s.Online, s.LastSyncedAt = true, true, time.Now().UTC()
		s.LastError, s.ErrorKind, s.RetryAt = "", "", time.Time{}
		if err == nil {
			s.Pending = n
		}
	})
}

// reachable marks the hub as answering (the badge turns online during a
// long first download, not only at its end).
func (e *Engine) reachable() {
	e.update(func(s *Status) { s.Online = true })
}

// failed records err in words. Offline and hub errors mark the engine offline.
func (e *Engine) failed(err error) {
	se := asSyncErr(err)
	if errors.Is(err, context.Canceled) {
		return
	}
	e.update(func(s *Status) {
		s.LastError, s.ErrorKind = se.Message, se.Kind
		if se.Kind == KindOffline || se.Kind == KindHubError {
			s.Online = false
		}
		if se.Fatal() {
			s.Online, s.Phase = false, PhaseStopped
		}
	})
}

// refreshPending republishes the pending count (after a push or an edit).
func (e *Engine) refreshPending(ctx context.Context) {
	if n, err := e.replica.PendingCount(ctx); err == nil {
		e.update(func(s *Status) { s.Pending = n })
	}
}
