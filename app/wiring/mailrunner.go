package wiring

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"fieldnotes/app/bridge"
	"fieldnotes/app/imapsync"
	"fieldnotes/app/mailstore"
)

// MailRunner owns the mail service for the window: it starts imapsync's
// Service with the saved settings, restarts it when the rep saves new ones,
// and pauses it when the rep cancels a pull. Everything else only nudges it
// through 1-buffered channels (bridge.MailControl), so a click never waits
// on the network.
type MailRunner struct {
	mb        *mailstore.Store
	secrets   bridge.Secrets
	track     *bridge.MailTracker
	log       *slog.Logger
	pollEvery time.Duration // also how long a cancelled sync stays paused

	applyCh, syncCh, cancelCh, relevanceCh chan struct{}

	mu      sync.Mutex
	pending *mailConfig // the newest settings; nil until loaded or applied
}

type mailConfig struct {
	s          imapsync.Settings
	configured bool
}

// NewMailRunner builds the runner; Serve runs it.
func NewMailRunner(mb *mailstore.Store, sec bridge.Secrets, track *bridge.MailTracker, log *slog.Logger) *MailRunner {
	return &MailRunner{mb: mb, secrets: sec, track: track, log: log, pollEvery: 5 * time.Minute,
		applyCh: make(chan struct{}, 1), syncCh: make(chan struct{}, 1), cancelCh: make(chan struct{}, 1), relevanceCh: make(chan struct{}, 1)}
}

func nudge(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Apply restarts the service with new settings (bridge.MailControl).
func (r *MailRunner) Apply(s imapsync.Settings, configured bool) {
	r.mu.Lock()
	r.pending = &mailConfig{s: s, configured: configured}
	r.mu.Unlock()
	nudge(r.applyCh)
}

// SyncNow asks for a pull at once, resuming a cancelled sync.
func (r *MailRunner) SyncNow() { nudge(r.syncCh) }

// Cancel stops the running pull and pauses until SyncNow or the next poll.
func (r *MailRunner) Cancel() { nudge(r.cancelCh) }

// Relevance says accounts or contacts changed: the next pull re-judges the
// envelopes already seen (locally) and fetches what became relevant.
func (r *MailRunner) Relevance() { nudge(r.relevanceCh) }

// Serve runs until ctx ends.
func (r *MailRunner) Serve(ctx context.Context) error {
	for ctx.Err() == nil {
		cfg, err := r.current(ctx)
		if err != nil {
			return err
		}
		switch verr := cfg.s.Validate(); {
		case !cfg.configured:
			r.track.SetState(bridge.MailNotConfigured, "Mail is not set up yet: add your IMAP server in Settings.")
			r.wait(ctx, 0, r.applyCh)
		case verr != nil:
			r.track.SetState(bridge.MailError, "The saved mail settings are incomplete: "+verr.Error())
			r.wait(ctx, 0, r.applyCh)
		default:
			r.run(ctx, cfg.s)
		}
	}
	return nil
}

// current returns the newest settings, loading the saved ones (and the
// password from the keyring) the first time.
func (r *MailRunner) current(ctx context.Context) (mailConfig, error) {
	r.mu.Lock()
	p := r.pending
	r.mu.Unlock()
	if p != nil {
		return *p, nil
	}
	// Loaded without the lock: the keyring may take seconds, and Apply
	// (a click) must never wait for it.
	s, configured, err := mailstore.LoadSettings(ctx, r.mb, r.secrets)
	if err != nil {
		return mailConfig{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending == nil { // an Apply in the meantime wins
		r.pending = &mailConfig{s: s, configured: configured}
	}
	return *r.pending, nil
}

// run keeps one imapsync.Service going until new settings arrive, the rep
// cancels (then it pauses), or ctx ends.
func (r *MailRunner) run(ctx context.Context, s imapsync.Settings) {
	runCtx, stop := context.WithCancel(ctx)
	svc := imapsync.NewService(s, r.mb, r.mb, r.track.Progress, r.log)
	svc.OnPulled = func(c imapsync.Counts, err error) {
		if runCtx.Err() == nil { // a pull cut short by us is not a failure
			r.track.Pulled(c, err)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := svc.Serve(runCtx); err != nil && runCtx.Err() == nil {
			r.log.Warn("mail service stopped", "err", err)
		}
	}()
	halt := func() { stop(); <-done }
	for {
		select {
		case <-ctx.Done():
			halt()
			return
		case <-r.applyCh:
			halt()
			return
		case <-r.syncCh:
			svc.ScheduleSync()
		case <-r.relevanceCh:
			svc.ScheduleSync()
		case <-r.cancelCh:
			halt()
			r.track.SetState(bridge.MailCancelled, "Mail sync is paused; press Sync now to resume.")
			r.wait(ctx, r.pollEvery, r.syncCh, r.applyCh)
			return
		}
	}
}

// wait blocks until one of (up to three) chs fires, after (if > 0) passes,
// or ctx ends. The caller's loop re-reads the settings either way.
func (r *MailRunner) wait(ctx context.Context, after time.Duration, chs ...chan struct{}) {
	var timer <-chan time.Time
	if after > 0 {
		t := time.NewTimer(after)
		defer t.Stop()
		timer = t.C
	}
	cases := make([]<-chan struct{}, 3)
	for i := range cases {
		if i < len(chs) {
			cases[i] = chs[i]
		}
	}
	select {
	case <-ctx.Done():
	case <-timer:
	case <-cases[0]:
	case <-cases[1]:
	case <-cases[2]:
	}
}
