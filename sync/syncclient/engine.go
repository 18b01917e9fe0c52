package syncclient

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// Config configures an Engine. Replica is required; HubURL and Token may be
// empty (the engine then reports "not configured" until Configure).
type Config struct {
	Replica Replica
	HubURL  string // e.g. https://hub.example.com (no trailing /v1)
	Token   string
	// CertSHA256 pins the hub's self-signed certificate (64 lowercase hex,
	// from its invite); "" trusts the system's CAs.
	CertSHA256 string
	OnStatus   func(Status) // called on every status change, from the engine's goroutine
	Logger     *slog.Logger // nil: slog.Default()
	HTTP       *http.Client // nil: a client of its own (timeouts come from contexts)

	LongPoll     time.Duration // wait of a long-poll; default 25 s
	PullLimit    int           // records per pull page; default and max 5000
	MinBackoff   time.Duration // first retry delay cap; default 500 ms
	MaxBackoff   time.Duration // largest retry delay; default 60 s
	OnceAttempts int           // attempts of SyncOnce on retryable failures; default 4
	ProbeEvery   time.Duration // while offline in backoff, GET /healthz this often; default 2 s
}

// Engine runs sync for one local replica. Serve owns it; ScheduleSync,
// Configure and Status are safe from any goroutine.
type Engine struct {
	cfg     Config
	log     *slog.Logger
	replica Replica
	client  *http.Client
	version string // syncproto.Version; tests send others to see 426
	maxBody int    // syncproto.MaxPushBytes; tests raise it to see 413

	nudge   chan struct{} // ScheduleSync: 1-buffered
	running sync.Mutex    // one Serve or SyncOnce at a time

	mu     sync.Mutex
	hubURL string
	token  string
	pin    string       // certificate pin of hubURL, or ""
	pinned *http.Client // the transport that checks pin (nil without one)
	// explicit: Configure or ConfigurePinned has run (ConfigureSaved then
	// yields to it)
	explicit bool
	changed  chan struct{} // closed and replaced by Configure
	status   Status
	pubMu    sync.Mutex // serialises OnStatus calls
}

// New builds an engine; it does nothing until Serve or SyncOnce.
func New(cfg Config) (*Engine, error) {
	if cfg.Replica == nil {
		return nil, notebook.Errorf(notebook.Invalid, "sync: the engine needs a local replica")
	}
	setDefaults(&cfg)
	e := &Engine{cfg: cfg, log: cfg.Logger, replica: cfg.Replica, client: cfg.HTTP, version: syncproto.Version,
		maxBody: syncproto.MaxPushBytes, nudge: make(chan struct{}, 1), changed: make(chan struct{})}
	if e.client == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 4
		e.client = &http.Client{Transport: tr}
	}
	e.hubURL, e.token = normalizeURL(cfg.HubURL), strings.TrimSpace(cfg.Token)
	e.setPin(cfg.CertSHA256)
	e.status = Status{Phase: PhaseIdle, Configured: e.hubURL != "" && e.token != "", HubURL: e.hubURL}
	return e, nil
}

func setDefaults(c *Config) {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.LongPoll <= 0 {
		c.LongPoll = 25 * time.Second
	}
	if c.PullLimit <= 0 || c.PullLimit > syncproto.MaxPullLimit {
		c.PullLimit = syncproto.MaxPullLimit
	}
	if c.ProbeEvery <= 0 {
		c.ProbeEvery = 2 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 500 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(60*time.Second, c.MinBackoff)
	}
	if c.OnceAttempts <= 0 {
		c.OnceAttempts = 4
	}
}

// normalizeURL trims spaces and trailing slashes.
func normalizeURL(s string) string { return strings.TrimRight(strings.TrimSpace(s), "/") }

// CheckHubURL says in words what is wrong with a hub address, or nil.
func CheckHubURL(s string) error {
	u, err := url.Parse(normalizeURL(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return notebook.Errorf(notebook.Invalid, "hub address %q: want http:// or https:// and a host, such as https://hub.example.com", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return notebook.Errorf(notebook.Invalid, "hub address %q: leave out the query and fragment", s)
	}
	return nil
}

// Configure points the engine at another hub or token (Settings). It wakes
// a stopped engine: a refused token is retried once it has been changed
// (calling it with the same values is the "try again" of a stopped badge).
//
// The status changes at once: the last hub's error no longer applies, and a
// configured engine is about to push, so a reader right after Configure
// never sees "not set up" or the old hub's verdict as the new one's.
//
// A pin set by ConfigurePinned stays while the address stays the same hub's.
func (e *Engine) Configure(hubURL, token string) {
	e.configure(hubURL, token, nil, false)
}

// ConfigurePinned is Configure for a hub whose self-signed certificate an
// invite pinned: only the TLS certificate with that SHA-256 (64 lowercase
// hex) is accepted. "" trusts the system's CAs again.
func (e *Engine) ConfigurePinned(hubURL, token, certSHA256 string) {
	e.configure(hubURL, token, &certSHA256, false)
}

// ConfigureSaved is ConfigurePinned with the settings as saved before the
// engine started, read from a keyring that may be slow: it does nothing
// once Configure or ConfigurePinned has run, so a hub the rep joined or
// saved meanwhile is never replaced by the older read.
func (e *Engine) ConfigureSaved(hubURL, token, certSHA256 string) {
	e.configure(hubURL, token, &certSHA256, true)
}

func (e *Engine) configure(hubURL, token string, pin *string, onlyFirst bool) {
	e.mu.Lock()
	if onlyFirst && e.explicit {
		e.mu.Unlock()
		return
	}
	e.explicit = e.explicit || !onlyFirst
	url := normalizeURL(hubURL)
	switch {
	case pin != nil:
		e.setPin(*pin)
	case url != e.hubURL:
		e.setPin("") // a pin belongs to one hub
	}
	e.hubURL, e.token = url, strings.TrimSpace(token)
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
	configured := e.configured()
	e.update(func(s *Status) {
		s.LastError, s.ErrorKind, s.RetryAt = "", "", time.Time{}
		s.Configured, s.Phase = configured, PhaseUnconfigured
		if configured {
			s.Phase = PhasePushing
		}
	})
	e.ScheduleSync()
}

// setPin keeps the pin and a client whose transport checks it; e.mu held
// (or the engine not yet shared).
func (e *Engine) setPin(pin string) {
	pin = strings.ToLower(strings.TrimSpace(pin))
	if pin == e.pin {
		return
	}
	e.pin, e.pinned = pin, nil
	if pin != "" {
		tr := PinnedTransport(pin)
		tr.MaxIdleConnsPerHost = 4
		e.pinned = &http.Client{Transport: tr}
	}
}

// configured says whether there is a usable hub address and token.
func (e *Engine) configured() bool {
	h, _ := e.hub()
	return h != nil
}

// ScheduleSync asks for a sync as soon as possible (a local edit, "Sync
// now"). It never blocks; nudges while one is pending merge into it.
func (e *Engine) ScheduleSync() {
	select {
	case e.nudge <- struct{}{}:
	default:
	}
}

// hub returns the current endpoint (nil when not configured) and the
// channel Configure closes when it changes.
func (e *Engine) hub() (*hubClient, <-chan struct{}) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.hubURL == "" || e.token == "" || CheckHubURL(e.hubURL) != nil {
		return nil, e.changed
	}
	client := e.client
	if e.pinned != nil {
		client = e.pinned
	}
	return &hubClient{base: e.hubURL, token: e.token, version: e.version, http: client}, e.changed
}

// Report counts what one sync did.
type Report struct {
	Pushed     int `json:"pushed"`     // mutations the hub applied
	Duplicates int `json:"duplicates"` // mutations it had already applied
	Rejected   int `json:"rejected"`   // mutations it refused (see the store's rejections)
	Pulled     int `json:"pulled"`     // records received
	Pages      int `json:"pages"`      // pull pages applied
	Resets     int `json:"resets"`     // 410 resets (full downloads)
	Renumbered int `json:"renumbered"` // 409 mutation_gap answers
}

// SyncOnce pushes the whole outbox and pulls to the hub's head, retrying
// retryable failures a few times. It fails unless, at the end, the outbox
// is empty and the pull is at head. Not while Serve runs.
func (e *Engine) SyncOnce(ctx context.Context) (Report, error) {
	var rep Report
	if !e.running.TryLock() {
		return rep, newErr(KindIncomplete, 0, nil, "a sync is already running in this app")
	}
	defer e.running.Unlock()
	h, _ := e.hub()
	if h == nil {
		return rep, e.notConfigured()
	}
	err := e.retrying(ctx, func() error { return e.cycle(ctx, h, &rep) })
	if err != nil {
		e.failed(err)
		return rep, err
	}
	e.succeeded(ctx)
	n, err := e.replica.PendingCount(ctx)
	if err != nil {
		return rep, localErr(err, "counting pending changes")
	}
	if n > 0 { // edited while syncing
		return rep, newErr(KindIncomplete, 0, nil, "%d changes are still waiting to be sent; run sync again", n)
	}
	return rep, nil
}

// retrying runs fn up to OnceAttempts times, backing off between failures
// that retrying can fix.
func (e *Engine) retrying(ctx context.Context, fn func() error) error {
	var err error
	for attempt := 0; attempt < e.cfg.OnceAttempts; attempt++ {
		if err = fn(); err == nil || fatal(err) || ctx.Err() != nil {
			return err
		}
		if attempt+1 < e.cfg.OnceAttempts {
			if serr := sleepCtx(ctx, e.backoff(attempt, err)); serr != nil {
				return serr
			}
		}
	}
	return err
}

// cycle is one push of the whole outbox and one pull to head.
func (e *Engine) cycle(ctx context.Context, h *hubClient, rep *Report) error {
	if err := e.pushAll(ctx, h, rep); err != nil {
		return err
	}
	return e.pullToHead(ctx, h, rep)
}

func (e *Engine) notConfigured() error {
	err := newErr(KindNotConfigured, 0, nil, "sync is not set up: enter the hub address and your token in Settings")
	e.update(func(s *Status) {
		s.Configured, s.Phase, s.Online = false, PhaseUnconfigured, false
		s.LastError, s.ErrorKind = err.Message, err.Kind
	})
	return err
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is the delay before retry number attempt (0-based): capped
// exponential with full jitter, and at least the hub's Retry-After.
func (e *Engine) backoff(attempt int, err error) time.Duration {
	ceiling := e.cfg.MaxBackoff
	if attempt < 30 {
		ceiling = min(e.cfg.MaxBackoff, e.cfg.MinBackoff<<attempt)
	}
	d := time.Duration(rand.Int64N(int64(ceiling) + 1))
	var se *Error
	if errors.As(err, &se) && se.RetryAfter > d {
		d = se.RetryAfter
	}
	return d
}
