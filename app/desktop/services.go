package desktop

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"fieldnotes/app/assist"
	"fieldnotes/app/bridge"
	"fieldnotes/app/replica"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
	"fieldnotes/sync/syncclient"
)

// supervisor runs the long-lived services (mail, AI queue, sync) for as long
// as the window is open. Each service owns its state in its own Serve loop
// (architecture.md rule 2); the supervisor only restarts a loop that
// returned an error or panicked, with capped exponential backoff, so one
// broken service never takes the window or the others down.
type supervisor struct {
	log        *slog.Logger
	minBackoff time.Duration
	maxBackoff time.Duration
	healthy    time.Duration // a run this long resets the backoff

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newSupervisor(parent context.Context, log *slog.Logger) *supervisor {
	ctx, cancel := context.WithCancel(parent)
	return &supervisor{log: log, minBackoff: time.Second, maxBackoff: time.Minute, healthy: time.Minute, ctx: ctx, cancel: cancel}
}

// run starts serve in its own goroutine and keeps it running until stop.
func (s *supervisor) run(name string, serve func(context.Context) error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		backoff := s.minBackoff
		for {
			started := time.Now()
			err := protect(s.ctx, serve)
			if s.ctx.Err() != nil {
				return
			}
			if time.Since(started) >= s.healthy {
				backoff = s.minBackoff
			}
			s.log.Warn("service stopped; restarting", "service", name, "in", backoff, "err", err)
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, s.maxBackoff)
		}
	}()
}

// protect turns a panic in a service into an error, so it is restarted
// instead of crashing the app.
func protect(ctx context.Context, serve func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	if err = serve(ctx); err == nil {
		err = fmt.Errorf("returned without an error")
	}
	return err
}

// stop cancels every service and waits for them (bounded: a service stuck in
// I/O must not keep the window from closing).
func (s *supervisor) stop(wait time.Duration) {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		s.log.Warn("services did not stop in time", "waited", wait)
	}
}

// services is everything the window runs in the background, built before
// the window (the bound areas need it) and started once it is up. Building
// never touches the network or the keyring, so nothing delays the window.
type services struct {
	st      *store.Store
	log     *slog.Logger
	vault   secrets.Vault
	mailbox *bridge.MailStore
	tracker *bridge.MailTracker
	mail    *mailRunner
	ai      *assist.Assistant
	sup     *supervisor
	browser bridge.Browser
	sync    *syncclient.Engine // nil only if the engine could not be built
	hub     replica.Settings
}

func newServices(st *store.Store, dataDir string, log *slog.Logger, emit bridge.Emitter, browser bridge.Browser) *services {
	s := &services{st: st, log: log, vault: secrets.Vault{Scope: dataDir, Fallback: st, Log: log},
		mailbox: bridge.NewMailStore(st), tracker: bridge.NewMailTracker(emit), browser: browser}
	s.mail = newMailRunner(s.mailbox, s.vault, s.tracker, log)
	s.ai = newAssistant(st, log, emit)
	s.hub = replica.NewSettings(st, dataDir, log)
	eng, err := syncclient.New(syncclient.Config{Replica: replica.New(st), Logger: log, OnStatus: bridge.SyncEvents(emit, s.setOnline)})
	if err != nil {
		log.Error("sync engine unavailable; everything stays on this laptop", "err", err)
	}
	s.sync = eng
	return s
}

// setOnline tells the AI queue what the sync engine learnt about the
// network: requests wait while the laptop is offline.
func (s *services) setOnline(online bool) {
	if s.ai != nil {
		s.ai.SetOnline(online)
	}
}

// newAssistant builds the AI queue from the saved settings without the key
// (the keyring may be slow); start hands the key over. Unusable saved
// settings leave AI waiting as "not configured" rather than failing the app.
func newAssistant(st *store.Store, log *slog.Logger, emit bridge.Emitter) *assist.Assistant {
	ev := bridge.NewAssistEvents(emit)
	opts := assist.Options{Logger: log, OnProgress: ev.OnProgress, OnDone: ev.OnDone}
	cfg, err := bridge.LoadAssistConfig(context.Background(), st, nil)
	if err != nil {
		log.Warn("AI settings unreadable; AI waits until they are saved again", "err", err)
		cfg = assist.Config{}
	}
	a, err := assist.New(cfg, st, opts)
	if err != nil {
		log.Warn("AI settings invalid; AI waits until they are saved again", "err", err)
		if a, err = assist.New(assist.Config{}, st, opts); err != nil {
			log.Error("AI queue unavailable", "err", err)
			return nil
		}
	}
	return a
}

func (s *services) mailDeps() *bridge.MailDeps {
	return &bridge.MailDeps{Store: s.mailbox, Secrets: s.vault, Control: s.mail, Tracker: s.tracker, Browser: s.browser}
}

func (s *services) assistDeps() *bridge.AssistDeps {
	if s.ai == nil {
		return nil
	}
	return &bridge.AssistDeps{Assistant: s.ai, Local: s.st, Secrets: s.vault, Mail: s.mailbox}
}

func (s *services) syncDeps() *bridge.SyncDeps {
	if s.sync == nil {
		return nil
	}
	return &bridge.SyncDeps{Engine: s.sync, Settings: s.hub, Store: s.st}
}

// syncState is Deps.Sync: the badge Home and Settings show.
func (s *services) syncState() bridge.SyncState {
	if s.sync == nil {
		return bridge.SyncState{State: "not_configured", Message: "Sync is not available in this build."}
	}
	return bridge.SyncStateOf(s.sync.Status())
}

// start runs every service under a supervisor bound to ctx.
func (s *services) start(ctx context.Context) {
	s.sup = newSupervisor(ctx, s.log)
	s.sup.run("mail", s.mail.Serve)
	s.sup.run("mail-directory", func(ctx context.Context) error { return watchDirectory(ctx, s.st, s.mail.Relevance) })
	if s.ai != nil {
		s.sup.run("assist", s.serveAssist)
	}
	if s.sync != nil {
		s.sup.run("sync", s.serveSync)
		s.sup.run("sync-wake", func(ctx context.Context) error { replica.WakeOnEdits(ctx, s.st, s.sync); return nil })
	}
}

// serveSync points the engine at the saved hub (the token comes from the
// keyring, which may be slow: hence here and not at start-up) and runs it.
func (s *services) serveSync(ctx context.Context) error {
	url, err := s.hub.HubURL(ctx)
	if err != nil {
		return err
	}
	token, err := s.hub.Token(ctx)
	if err != nil {
		return err
	}
	s.sync.Configure(url, token)
	return s.sync.Serve(ctx)
}

// serveAssist hands the key from the keyring to the queue, then runs it.
func (s *services) serveAssist(ctx context.Context) error {
	cfg, err := bridge.LoadAssistConfig(ctx, s.st, s.vault)
	if err != nil {
		return err
	}
	if cfg.APIKey != "" {
		if err := s.ai.Configure(cfg); err != nil {
			s.log.Warn("AI settings invalid; AI waits until they are saved again", "err", err)
		}
	}
	return s.ai.Serve(ctx)
}

func (s *services) stop() {
	if s.sup != nil {
		s.sup.stop(10 * time.Second)
	}
}

// OpenURL opens a link in the system browser (bridge.Browser). The Mail
// area has already checked it is http, https or mailto.
func (a *app) OpenURL(url string) {
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx != nil {
		runtime.BrowserOpenURL(ctx, url)
	}
}
