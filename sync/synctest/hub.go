package synctest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
)

// Hub is a hub server on a loopback port with its own store — or, with
// replicas (StartReplicas, StoreEnv), a Router over several servers on
// one database: URL is then the router's, Server and Store the first
// replica's.
type Hub struct {
	URL    string
	Server *hub.Server
	Store  hubdb.Store
	HTTP   *httptest.Server
	// Stop stops the hub's services (webhook delivery, the follower, …)
	// and waits for them; cleanup calls it too.
	Stop func()

	Router   *Router // nil for a single hub
	Replicas []*Hub  // the replicas behind Router
}

// HubOptions tune StartHub; the zero value is an in-memory store.
type HubOptions struct {
	Dir    string           // data dir (persistent Badger); "" for in memory
	Now    func() time.Time // hub clock; nil for time.Now
	Logger *slog.Logger     // nil: discard
	Limits hub.Limits       // zero: the hub's defaults
	// WebhookAllowPrivate lets webhooks deliver to loopback receivers
	// (tests' httptest servers); off, as in production, they are refused.
	WebhookAllowPrivate bool
	// OIDC turns on single sign-on (a provider from package testop).
	OIDC hub.OIDCOptions
}

var userCounter atomic.Int64

// StartHub starts a hub for a test; it is closed when the test ends.
func StartHub(t testing.TB, opts HubOptions) *Hub {
	t.Helper()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if replicasWanted(opts) {
		return startReplicas(t, 2, opts, log)
	}
	store, err := hubdb.OpenBadger(hubdb.Options{Dir: opts.Dir, InMemory: opts.Dir == "", Logger: log})
	if err != nil {
		t.Fatalf("open hub store: %v", err)
	}
	srv, err := hub.NewServer(hub.Options{Store: store, Logger: log, Now: opts.Now, Limits: opts.Limits, WebhookAllowPrivate: opts.WebhookAllowPrivate, OIDC: opts.OIDC})
	if err != nil {
		t.Fatalf("new hub: %v", err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = srv.HTTPServer(log) // the timeouts and connection caps fieldhub serves with
	ts.Start()
	stopServices := RunServices(srv, log)
	h := &Hub{Server: srv, Store: store, HTTP: ts, Stop: stopServices}
	h.URL = h.HTTP.URL
	t.Cleanup(func() {
		srv.Close()
		h.HTTP.Close()
		stopServices()
		store.Close()
	})
	return h
}

// RunServices runs the server's background services (hub.Server.Services,
// what fieldhub serve supervises) until the returned stop is called; stop
// waits for them and may be called more than once. A service that fails
// is logged and not restarted: in a test that is a bug to see, not to hide.
func RunServices(srv *hub.Server, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, svc := range srv.Services() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := svc.Serve(ctx); ctx.Err() == nil {
				log.Error("synctest: hub service stopped", "service", svc.Name, "err", err)
			}
		}()
	}
	var once sync.Once
	return func() { once.Do(func() { cancel(); wg.Wait() }) }
}

// AddUser creates a user with a unique email and returns it with its token.
func (h *Hub) AddUser(t testing.TB, role hubdb.Role) hub.NewUser {
	t.Helper()
	email := fmt.Sprintf("%s%d@example.com", role, userCounter.Add(1))
	u, err := hub.AddUser(context.Background(), h.Store, email, role, time.Now())
	if err != nil {
		t.Fatalf("add user: %v", err)
	}
	return u
}
