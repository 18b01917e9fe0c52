package hub

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/webhooks"
	"fieldnotes/sync/netguard"
	"fieldnotes/sync/syncproto"
)

// Options configure a Server. Store is required.
type Options struct {
	Store  hubdb.Store
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // nil: time.Now (tests move time)
	// MaxClockSkew is how far ahead of the hub's clock an HLC may be before
	// the hub re-stamps it (default 5 minutes, sync-protocol.md).
	MaxClockSkew time.Duration
	// EvidenceEditWindow is how long after the hub first received an
	// evidence item its author may still change its content (default 10
	// minutes; see sync/README.md, "Evidence is immutable").
	EvidenceEditWindow time.Duration
	// TombstoneTTL is how long tombstones are kept (default and minimum 90 days).
	TombstoneTTL time.Duration
	// WebhookAllowPrivate lets webhooks deliver to loopback, private,
	// link-local and metadata addresses (fieldhub serve
	// --webhook-allow-private); by default they are refused (netguard).
	WebhookAllowPrivate bool
	// WebhookTimeout bounds one delivery attempt, and WebhookLease how long
	// a replica holds a delivery it claimed before another may send it
	// (at least twice the timeout); zero takes webhooks.DefaultTiming.
	WebhookTimeout, WebhookLease time.Duration
	// Limits bound connections, requests in flight and push rate and
	// volume per user (guard.go); zero fields take DefaultLimits.
	Limits Limits
	// Invites say what invite links carry (invites.go): the hub's public
	// URL ("" = the address a request came to) and a certificate pin.
	Invites InviteOptions
	// OIDC turns on single sign-on with the company's OpenID Provider
	// (oidc.go); an empty Issuer leaves it off.
	OIDC OIDCOptions
}

// Server is the hub's HTTP API.
type Server struct {
	store   hubdb.Store
	log     *slog.Logger
	now     func() time.Time
	clock   *notebook.Clock
	skew    time.Duration
	window  time.Duration
	ttl     time.Duration
	notify  notifier
	metrics *metrics
	guard   *guard
	product *product
	mux     *http.ServeMux
	invites InviteOptions
	oidc    *oidcLogin // nil: no single sign-on

	closeOnce sync.Once
	closing   chan struct{}
}

// NewServer builds a server on an open store. It starts nothing in the
// background: the caller runs Services (fieldhub serve supervises them)
// and owns the store, closing it after the server and its services.
func NewServer(opts Options) (*Server, error) {
	if opts.Store == nil {
		return nil, notebook.Errorf(notebook.Invalid, "hub: Options.Store is required")
	}
	s := &Server{store: opts.Store, log: opts.Logger, now: opts.Now, skew: opts.MaxClockSkew,
		window: opts.EvidenceEditWindow, ttl: opts.TombstoneTTL, closing: make(chan struct{}), invites: opts.Invites}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.skew <= 0 {
		s.skew = 5 * time.Minute
	}
	if s.window <= 0 {
		s.window = 10 * time.Minute
	}
	if s.ttl < 90*24*time.Hour {
		s.ttl = 90 * 24 * time.Hour
	}
	s.clock = notebook.NewClock(notebook.HLC{}, s.now)
	var err error
	if s.oidc, err = newOIDCLogin(opts.OIDC, s.now); err != nil {
		return nil, err
	}
	s.metrics = newMetrics()
	s.guard = newGuard(opts.Limits, s.metrics)
	s.metrics.publishLimits(s.guard.limits)
	if c, ok := opts.Store.(prometheus.Collector); ok { // PostgreSQL: pool and replication-wake figures
		s.metrics.reg.MustRegister(c)
	}
	if s.product, err = newProduct(context.Background(), s, netguard.Guard{AllowPrivate: opts.WebhookAllowPrivate}); err != nil {
		return nil, err
	}
	timing := webhooks.DefaultTiming
	if opts.WebhookTimeout > 0 {
		timing.Timeout = opts.WebhookTimeout
	}
	if opts.WebhookLease > 0 {
		timing.Lease = opts.WebhookLease
	}
	s.product.deliverer.SetTiming(timing)
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /readyz", s.handleReady)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.HandleFunc("POST /v1/sync/push", s.authed(s.syncProtocol(s.handlePush)))
	mux.HandleFunc("GET /v1/sync/pull", s.authed(s.syncProtocol(s.product.observePull(s.handlePull))))
	mux.HandleFunc("GET /v1/admin/users", s.authed(s.adminOnly(s.handleListUsers)))
	mux.HandleFunc("POST /v1/admin/users", s.authed(s.adminOnly(s.handleAddUser)))
	mux.HandleFunc("DELETE /v1/admin/users/{id}", s.authed(s.adminOnly(s.handleRevokeUser)))
	mux.HandleFunc("POST /v1/admin/users/{id}/token", s.authed(s.adminOnly(s.handleRotateToken)))
	mux.HandleFunc("PUT /v1/admin/users/{id}/audience", s.authed(s.adminOnly(s.handleSetAudience)))
	mux.HandleFunc("GET /v1/me", s.authed(s.handleMe))
	mux.HandleFunc("POST /v1/records/{id}/restore", s.authed(s.handleRestore))
	s.productRoutes(mux)
	s.inviteRoutes(mux)
	s.releaseRoutes(mux)
	s.oidcRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such endpoint: "+r.Method+" "+r.URL.Path)
	})
	s.mux = mux
}

// Handler returns the HTTP handler of the API (with metrics).
func (s *Server) Handler() http.Handler { return s.metrics.instrument(s.mux) }

// Close releases every waiting long-poll at once (call it before
// http.Server.Shutdown so shutdown does not wait for them).
func (s *Server) Close() { s.closeOnce.Do(func() { close(s.closing) }) }

// Service is one of the hub's background loops: Serve runs until ctx
// ends (then returns ctx.Err()), or fails with an error and is restarted
// by its supervisor. No constructor starts one.
type Service struct {
	Name  string
	Serve func(ctx context.Context) error
}

// TombstonePurgeInterval is how often the purge service runs.
const TombstonePurgeInterval = 24 * time.Hour

// Services lists every background loop of this server, for fieldhub
// serve's supervisor (and synctest) to run. A new background loop of the
// hub — the insights projection, say — is one more entry here.
func (s *Server) Services() []Service {
	return []Service{
		{Name: "change-hints", Serve: s.FollowChanges},   // other replicas' commits wake this one's long-polls
		{Name: "tombstone-purge", Serve: s.purgeService}, // expired tombstones, daily
		{Name: "product-follower", Serve: s.product.Serve},
		{Name: "webhook-delivery", Serve: s.product.deliverer.Serve},
		{Name: "insights-projector", Serve: s.InsightsProjector().Serve}, // the stored insights follow the change feed
	}
}

func (s *Server) purgeService(ctx context.Context) error {
	s.Maintain(ctx, TombstonePurgeInterval)
	return ctx.Err()
}

// Maintain purges expired tombstones now and every interval until ctx ends.
func (s *Server) Maintain(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := s.store.PurgeTombstones(ctx, s.now().Add(-s.ttl))
		if err != nil && ctx.Err() == nil {
			s.log.Error("purge tombstones", "err", err)
		} else if n > 0 {
			s.log.Info("purged tombstones", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	// replica names this process (as in its webhook deliveries' User-Agent),
	// so an operator behind a load balancer can tell which one answered.
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "protocol": syncproto.Version, "epoch": s.store.Epoch(), "replica": s.WebhookWorker()})
}

// handleReady is the load balancer's readiness check: 503 while the store
// cannot be reached (a store without Ping, Badger, is always ready).
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if p, ok := s.store.(interface{ Ping(context.Context) error }); ok {
		if err := p.Ping(r.Context()); err != nil {
			w.Header().Set("Retry-After", "1")
			writeError(w, http.StatusServiceUnavailable, string(notebook.Unavailable), "not ready: the hub's database cannot be reached")
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

type userKey struct{}

func userFrom(ctx context.Context) hubdb.User { u, _ := ctx.Value(userKey{}).(hubdb.User); return u }

// authed resolves the bearer token to a live user or answers 401.
func (s *Server) authed(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r.Header.Get("Authorization"))
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fieldhub"`)
			writeError(w, http.StatusUnauthorized, syncproto.CodeUnauthorized, "missing bearer token (Authorization: Bearer <token>)")
			return
		}
		user, err := s.store.UserByToken(r.Context(), HashToken(token))
		if notebook.IsCode(err, notebook.NotFound) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="fieldhub", error="invalid_token"`)
			writeError(w, http.StatusUnauthorized, syncproto.CodeUnauthorized, "unknown or revoked token")
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.guard.perUser(next)(w, r.WithContext(context.WithValue(r.Context(), userKey{}, user)))
	}
}

// bearerToken reads "Bearer <token>" (the scheme is case-insensitive, RFC 9110).
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	token = strings.TrimSpace(token)
	return token, ok && strings.EqualFold(scheme, "Bearer") && token != ""
}

// syncProtocol answers 426 to any Sync-Protocol other than the one we speak.
func (s *Server) syncProtocol(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Get(syncproto.HeaderVersion); v != syncproto.Version {
			w.Header().Set(syncproto.HeaderVersion, syncproto.Version)
			writeError(w, http.StatusUpgradeRequired, syncproto.CodeUnsupportedProtocol,
				"this hub speaks "+syncproto.HeaderVersion+": "+syncproto.Version+"; the request sent "+quoteOrNone(v))
			return
		}
		next(w, r)
	}
}

func (s *Server) adminOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if userFrom(r.Context()).Role != hubdb.RoleAdmin {
			writeError(w, http.StatusForbidden, syncproto.CodeForbidden, "only an admin may manage users")
			return
		}
		next(w, r)
	}
}

func quoteOrNone(v string) string {
	if v == "" {
		return "no version"
	}
	return "\"" + v + "\""
}

// HashToken is how tokens are stored: sha256 of the token text. Tokens are
// 32 random bytes, so a fast hash is enough (no dictionary to attack).
func HashToken(token string) [32]byte { return sha256.Sum256([]byte(token)) }

// statusOf maps an error code to an HTTP status.
func statusOf(code notebook.Code) int {
	switch code {
	case notebook.Invalid:
		return http.StatusBadRequest
	case notebook.NotFound:
		return http.StatusNotFound
	case notebook.Conflict:
		return http.StatusConflict
	case notebook.Forbidden:
		return http.StatusForbidden
	case notebook.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// fail answers with err's code; internal errors are logged once and shown
// without their details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := notebook.ErrorCode(err)
	if code == notebook.Internal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, string(notebook.Internal), "the hub failed; details are in its log")
		return
	}
	if code == notebook.Unavailable {
		s.log.Warn("store unavailable", "method", r.Method, "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "1")
	}
	var ne *notebook.Error
	msg := err.Error()
	if errors.As(err, &ne) {
		msg = ne.Message
	}
	writeError(w, statusOf(code), string(code), msg)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, syncproto.ErrorBody{Code: code, Message: message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
