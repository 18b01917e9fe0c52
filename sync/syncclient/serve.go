package syncclient

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// Serve runs sync until ctx ends: push the outbox, pull to head, long-poll;
// on failure back off (capped exponential, full jitter, at least the hub's
// Retry-After) and try again. Refusals that retrying cannot fix (401, 403,
// 426) stop it until Configure. It returns ctx's error, or at once when
// another Serve or SyncOnce is running.
func (e *Engine) Serve(ctx context.Context) error {
	if !e.running.TryLock() {
		return newErr(KindIncomplete, 0, nil, "the sync engine is already running")
	}
	defer e.running.Unlock()
	defer e.update(func(s *Status) { s.Phase = PhaseIdle })
	e.refreshPending(ctx)
	attempt := 0
	for ctx.Err() == nil {
		h, changed := e.hub()
		if h == nil {
			_ = e.notConfigured() // the status says so; wait for settings
			e.waitChange(ctx, changed)
			continue
		}
		e.update(func(s *Status) { s.Configured = true })
		synced, err := e.online(ctx, h, changed)
		if synced {
			attempt = 0
		}
		if err == nil || ctx.Err() != nil {
			continue
		}
		e.failed(err)
		if fatal(err) {
			e.log.Warn("sync: stopped until the settings change", "err", err)
			e.waitChange(ctx, changed)
			continue
		}
		e.log.Info("sync: will retry", "err", err, "attempt", attempt+1)
		attempt = e.waitRetry(ctx, attempt, err, changed)
	}
	return ctx.Err()
}

// online syncs and then long-polls until something fails, ctx ends or the
// settings change; synced says whether at least one cycle completed.
func (e *Engine) online(ctx context.Context, h *hubClient, changed <-chan struct{}) (synced bool, err error) {
	for {
		var rep Report
		if err := e.cycle(ctx, h, &rep); err != nil {
			return synced, err
		}
		synced = true
		e.succeeded(ctx)
		e.update(func(s *Status) { s.Phase = PhaseWaiting })
		if err := e.longPoll(ctx, h, changed, &rep); err != nil {
			return synced, err
		}
		select {
		case <-changed:
			return synced, nil
		default:
		}
		if ctx.Err() != nil {
			return synced, nil
		}
	}
}

// waitChange parks a stopped or unconfigured engine until Configure. Nudges
// only refresh the pending count (a refused token stays refused).
func (e *Engine) waitChange(ctx context.Context, changed <-chan struct{}) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			return
		case <-e.nudge:
			e.refreshPending(ctx)
		}
	}
}

// waitRetry sleeps before the next attempt and returns the next attempt
// number. While merely offline a nudge (a local edit) retries at once, and
// so does the hub answering its health check again (probed every
// ProbeEvery): a hub back after a restart should not wait out a minute of
// backoff. A busy hub's Retry-After is always honoured.
func (e *Engine) waitRetry(ctx context.Context, attempt int, err error, changed <-chan struct{}) int {
	d := e.backoff(attempt, err)
	e.update(func(s *Status) { s.Phase, s.RetryAt = PhaseBackoff, time.Now().Add(d).UTC() })
	t := time.NewTimer(d)
	defer t.Stop()
	var se *Error
	offline := errors.As(err, &se) && se.Kind == KindOffline
	var probe <-chan time.Time
	if offline {
		tick := time.NewTicker(e.cfg.ProbeEvery)
		defer tick.Stop()
		probe = tick.C
	}
	for {
		select {
		case <-ctx.Done():
			return attempt
		case <-changed:
			return 0
		case <-t.C:
			return attempt + 1
		case <-probe:
			if e.hubAnswers(ctx) {
				e.log.Info("sync: the hub answers again; retrying now")
				return 0
			}
		case <-e.nudge:
			e.refreshPending(ctx)
			if offline {
				return attempt + 1
			}
		}
	}
}

// hubAnswers is the backoff's probe: GET /healthz (no auth, sync-protocol.md)
// within a second. Only a 200 counts; the real retry then finds out the rest.
func (e *Engine) hubAnswers(ctx context.Context) bool {
	h, _ := e.hub()
	if h == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	resp, err := h.request(ctx, http.MethodGet, "/healthz", nil)
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
