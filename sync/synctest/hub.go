package synctest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
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
	srv, err := hub.NewServer(hub.Options{Store: store, Logger: log, Now: opts.Now, Limits: opts.Limits, WebhookAllowPrivate: opts.WebhookAllowPrivate})
	if err != nil {
		t.Fatalf("new hub: %v", err)
	}
	ts := httptest.NewUnstartedServer(nil)
	ts.Config = srv.HTTPServer(log) // the timeouts and connection caps fieldhub serves with
	ts.Start()
	h := &Hub{Server: srv, Store: store, HTTP: ts}
	h.URL = h.HTTP.URL
	stopProjector := runProjector(srv)
	t.Cleanup(func() {
		srv.Close()
		h.HTTP.Close()
		stopProjector()
		store.Close()
	})
	return h
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

// runProjector serves the hub's insights projector, as fieldhub serve
// does; the returned func stops it and waits.
func runProjector(srv *hub.Server) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.InsightsProjector().Serve(ctx) }()
	return func() { cancel(); <-done }
}
