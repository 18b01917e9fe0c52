package desktop

import (
	"context"
	"log/slog"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"fieldnotes/app/assist"
	"fieldnotes/app/bridge"
	"fieldnotes/app/replica"
	"fieldnotes/app/secrets"
	"fieldnotes/app/signin"
	"fieldnotes/app/store"
	"fieldnotes/app/update"
	"fieldnotes/sync/supervise"
	"fieldnotes/sync/syncclient"
)

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
	sup     *supervise.Supervisor
	browser bridge.Browser
	signIns signin.Attempts    // the company sign-in under way (bridge.Sync.CancelSignIn)
	sync    *syncclient.Engine // nil only if the engine could not be built
	hub     replica.Settings
	updater *update.Updater // checks the hub for signed releases (app/update)
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

// addUpdater builds the updater for the running version (nothing runs
// until start). Without one, the Updates area answers "not available".
func (s *services) addUpdater(version string, emit bridge.Emitter) {
	s.updater = update.New(update.Config{Current: version, Logger: s.log, OnStatus: bridge.UpdateEvents(emit), Hub: s.updateSource})
}

// updateSource is where the updater asks: the saved hub, with its token
// and its pinned certificate (as sync uses them).
func (s *services) updateSource(ctx context.Context) (update.Source, error) {
	return updateSource(ctx, s.hub)
}

func updateSource(ctx context.Context, hub replica.Settings) (src update.Source, err error) {
	if src.URL, err = hub.HubURL(ctx); err != nil || src.URL == "" {
		return update.Source{}, err
	}
	if src.Token, err = hub.Token(ctx); err != nil {
		return update.Source{}, err
	}
	src.CertSHA256, err = hub.CertPin(ctx)
	return src, err
}

func (s *services) updateDeps(restart func()) *bridge.UpdateDeps {
	if s.updater == nil {
		return nil
	}
	return &bridge.UpdateDeps{Updater: s.updater, Restart: restart}
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
	return &bridge.SyncDeps{Engine: s.sync, Settings: s.hub, Store: s.st, Browser: s.browser, SignIns: &s.signIns}
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
	s.sup = supervise.New(ctx, s.log)
	s.sup.Run("mail", s.mail.Serve)
	s.sup.Run("mail-directory", func(ctx context.Context) error { return watchDirectory(ctx, s.st, s.mail.Relevance) })
	if s.ai != nil {
		s.sup.Run("assist", s.serveAssist)
	}
	if s.sync != nil {
		s.sup.Run("sync", s.serveSync)
		s.sup.Run("sync-wake", func(ctx context.Context) error { replica.WakeOnEdits(ctx, s.st, s.sync); return nil })
	}
	if s.updater != nil {
		s.sup.Run("update", s.updater.Serve) // on start, then daily
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
	pin, err := s.hub.CertPin(ctx)
	if err != nil {
		return err
	}
	s.sync.ConfigurePinned(url, token, pin)
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
		s.sup.Stop(10 * time.Second)
	}
}

// OpenURL opens a link in the system browser (bridge.Browser). The Mail
// area has already checked it is http, https or mailto.
func (a *app) OpenURL(url string) {
	if recordOpenedURL(url) {
		return
	}
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx != nil {
		runtime.BrowserOpenURL(ctx, url)
	}
}
