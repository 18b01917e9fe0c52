package wiring

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/user"
	"time"

	"fieldnotes/app/assist"
	"fieldnotes/app/bridge"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
	"fieldnotes/app/replica"
	"fieldnotes/app/secrets"
	"fieldnotes/app/signin"
	"fieldnotes/app/store"
	"fieldnotes/app/update"
	"fieldnotes/sync/supervise"
	"fieldnotes/sync/syncclient"
)

// Options are what differ between the window and the command line.
type Options struct {
	DataDir string
	Logger  *slog.Logger   // default slog.Default()
	Emit    bridge.Emitter // the window's events; nil: dropped (the CLI has no UI)
	Browser bridge.Browser // opens links; nil where there is no window
}

// Main is the notebook in a data directory and every service over it.
type Main struct {
	DataDir   string
	Log       *slog.Logger
	Store     *store.Store
	KeySource string // where the data key came from (keyring, env, file)
	Author    string // the local user's name until the hub assigns an id

	Vault   secrets.Vault       // passwords and tokens: the keyring, else the store's encrypted space
	Mailbox *mailstore.Store    // the store as imapsync's Mailbox and Directory
	Tracker *bridge.MailTracker // mail status for the UI
	Mail    *MailRunner         // owns the mail service
	AI      *assist.Assistant   // nil only if the queue could not be built
	Hub     replica.Settings    // the saved hub address and token
	Sync    *syncclient.Engine  // nil only if the engine could not be built
	Updater *update.Updater     // the window's check for signed releases (AddUpdater); nil in the CLI
	SignIns signin.Attempts     // the company sign-in under way (bridge.Sync.CancelSignIn)

	emit    bridge.Emitter
	browser bridge.Browser
	sup     *supervise.Supervisor
}

// Open opens the notebook in o.DataDir (creating the directory) and builds
// the services without starting them. Close releases it.
func Open(o Options) (*Main, error) {
	log := o.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return nil, notebook.Wrap(notebook.Invalid, err, "cannot create the data directory %s: %v", o.DataDir, err)
	}
	key, source, err := secrets.DataKey(o.DataDir, log)
	if err != nil {
		return nil, err
	}
	author := Author()
	st, err := store.Open(store.Options{Dir: o.DataDir, Key: key, Logger: log, Author: author})
	if err != nil {
		return nil, err
	}
	return build(st, o.DataDir, source, author, log, o.Emit, o.Browser), nil
}

// build assembles the services over an open store (tests use an in-memory one).
func build(st *store.Store, dataDir, keySource, author string, log *slog.Logger, emit bridge.Emitter, browser bridge.Browser) *Main {
	if emit == nil {
		emit = dropEvents{}
	}
	m := &Main{DataDir: dataDir, Log: log, Store: st, KeySource: keySource, Author: author, emit: emit, browser: browser,
		Vault: secrets.Vault{Scope: dataDir, Fallback: st, Log: log}, Mailbox: mailstore.New(st), Tracker: bridge.NewMailTracker(emit)}
	m.Mail = NewMailRunner(m.Mailbox, m.Vault, m.Tracker, log)
	m.AI = newAssistant(st, log, emit)
	m.Hub = replica.NewSettings(st, dataDir, log)
	eng, err := syncclient.New(syncclient.Config{Replica: replica.New(st), Logger: log, OnStatus: bridge.SyncEvents(emit, m.setOnline)})
	if err != nil {
		log.Error("sync engine unavailable; everything stays on this laptop", "err", err)
	}
	m.Sync = eng
	return m
}

// dropEvents is the Emitter where nobody listens.
type dropEvents struct{}

func (dropEvents) Emit(string, any) {}

// Author is the local user's name: $FIELDNOTES_AUTHOR, $FIELDNOTES_USER,
// $USER, $USERNAME, the account's login name, else "me".
func Author() string {
	for _, v := range []string{"FIELDNOTES_AUTHOR", "FIELDNOTES_USER", "USER", "USERNAME"} {
		if s := os.Getenv(v); s != "" {
			return s
		}
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "me"
}

// setOnline tells the AI queue what the sync engine learnt about the
// network: requests wait while the laptop is offline.
func (m *Main) setOnline(online bool) {
	if m.AI != nil {
		m.AI.SetOnline(online)
	}
}

// newAssistant builds the AI queue from the saved settings without the key
// (the keyring may be slow); Start hands the key over. Unusable saved
// settings leave AI waiting as "not configured" rather than failing the app.
func newAssistant(st *store.Store, log *slog.Logger, emit bridge.Emitter) *assist.Assistant {
	ev := bridge.NewAssistEvents(emit)
	opts := assist.Options{Logger: log, OnProgress: ev.OnProgress, OnDone: ev.OnDone}
	cfg, err := assist.LoadConfig(context.Background(), st, nil)
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

// Deps is the bridge's view of the services. The window adds what only it
// has (dialogs, file transfer, the demo seeder, the link it was started with).
func (m *Main) Deps() *bridge.Deps {
	return &bridge.Deps{Store: bridge.StoreBackend(m.Store), Emit: m.emit, Log: m.Log, Author: m.Author,
		Role: notebook.Audience(os.Getenv("FIELDNOTES_ROLE")), KeySource: m.KeySource,
		Mail: m.mailDeps(), Assist: m.assistDeps(), SyncArea: m.syncDeps(), Sync: m.SyncState}
}

func (m *Main) mailDeps() *bridge.MailDeps {
	return &bridge.MailDeps{Store: m.Mailbox, Secrets: m.Vault, Control: m.Mail, Tracker: m.Tracker, Browser: m.browser}
}

func (m *Main) assistDeps() *bridge.AssistDeps {
	if m.AI == nil {
		return nil
	}
	return &bridge.AssistDeps{Assistant: m.AI, Local: m.Store, Secrets: m.Vault, Mail: m.Mailbox}
}

func (m *Main) syncDeps() *bridge.SyncDeps {
	if m.Sync == nil {
		return nil
	}
	return &bridge.SyncDeps{Engine: m.Sync, Settings: m.Hub, Store: m.Store, Browser: m.browser, SignIns: &m.SignIns}
}

// SyncState is bridge.Deps.Sync: the badge Home and Settings show.
func (m *Main) SyncState() bridge.SyncState {
	if m.Sync == nil {
		return bridge.SyncState{State: "not_configured", Message: "Sync is not available in this build."}
	}
	return bridge.SyncStateOf(m.Sync.Status())
}

// Start runs every long-lived service under a supervisor bound to ctx.
func (m *Main) Start(ctx context.Context) {
	m.sup = supervise.New(ctx, m.Log)
	m.sup.Run("mail", m.Mail.Serve)
	m.sup.Run("mail-directory", func(ctx context.Context) error { return watchDirectory(ctx, m.Store, m.Mail.Relevance) })
	if m.AI != nil {
		m.sup.Run("assist", m.serveAssist)
	}
	if m.Sync != nil {
		m.sup.Run("sync", m.serveSync)
		m.sup.Run("sync-wake", func(ctx context.Context) error { replica.WakeOnEdits(ctx, m.Store, m.Sync); return nil })
	}
	if m.Updater != nil {
		m.sup.Run("update", m.Updater.Serve) // on start, then daily
	}
}

// serveSync points the engine at the saved hub (the token comes from the
// keyring, which may be slow: hence here and not in Open) and runs it.
func (m *Main) serveSync(ctx context.Context) error {
	url, err := m.Hub.HubURL(ctx)
	if err != nil {
		return err
	}
	token, err := m.Hub.Token(ctx)
	if err != nil {
		return err
	}
	pin, err := m.Hub.CertPin(ctx)
	if err != nil {
		return err
	}
	m.Sync.ConfigureSaved(url, token, pin) // yields to a Join or a save made while the keyring answered
	return m.Sync.Serve(ctx)
}

// AddUpdater builds the updater for the running version (it runs from
// Start). Without one, the Updates area answers "not available".
func (m *Main) AddUpdater(version string) {
	m.Updater = update.New(update.Config{Current: version, Logger: m.Log, OnStatus: bridge.UpdateEvents(m.emit), Hub: m.updateSource})
}

// updateSource is where the updater asks: the saved hub, with its token
// and its pinned certificate (as sync uses them).
func (m *Main) updateSource(ctx context.Context) (src update.Source, err error) {
	if src.URL, err = m.Hub.HubURL(ctx); err != nil || src.URL == "" {
		return update.Source{}, err
	}
	if src.Token, err = m.Hub.Token(ctx); err != nil {
		return update.Source{}, err
	}
	src.CertSHA256, err = m.Hub.CertPin(ctx)
	return src, err
}

// UpdateDeps is the Updates area's view of the updater; restart quits the
// window into the swapped binary.
func (m *Main) UpdateDeps(restart func()) *bridge.UpdateDeps {
	if m.Updater == nil {
		return nil
	}
	return &bridge.UpdateDeps{Updater: m.Updater, Restart: restart}
}

// serveAssist hands the key from the keyring to the queue, then runs it.
func (m *Main) serveAssist(ctx context.Context) error {
	cfg, err := assist.LoadConfig(ctx, m.Store, m.Vault)
	if err != nil {
		return err
	}
	if cfg.APIKey != "" {
		if err := m.AI.Configure(cfg); err != nil {
			m.Log.Warn("AI settings invalid; AI waits until they are saved again", "err", err)
		}
	}
	return m.AI.Serve(ctx)
}

// Stop stops what Start started, waiting up to ten seconds.
func (m *Main) Stop() {
	if m.sup != nil {
		m.sup.Stop(10 * time.Second)
		m.sup = nil
	}
}

// Close stops the services and closes the store.
func (m *Main) Close() error {
	m.Stop()
	return m.Store.Close()
}

// watchDirectory nudges the mail service whenever an account or contact is
// added, changed or removed (imported, typed, or pulled from the hub). The
// next pull re-evaluates the envelopes already seen, locally, and fetches
// only the bodies that became relevant. Bursts (an import of 5,000
// contacts) coalesce in the service's 1-buffered nudge channel.
func watchDirectory(ctx context.Context, st *store.Store, relevanceChanged func()) error {
	changes, stop := st.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case c, ok := <-changes:
			if !ok {
				return errors.New("the store's change feed closed")
			}
			if c.Type == notebook.TypeAccount || c.Type == notebook.TypeContact {
				relevanceChanged()
			}
		}
	}
}
