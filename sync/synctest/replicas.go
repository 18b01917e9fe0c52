package synctest

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb/pgstore"
	"fieldnotes/sync/hub/hubdb/pgtest"
)

// StoreEnv selects what StartHub starts (for hubs without a Dir):
//
//	"" or "badger"        one hub on an in-memory Badger store (the default)
//	"postgres-replicas"   two hubs on one fresh PostgreSQL database, each
//	                      with its own pool, behind a Router that sends
//	                      each request to one of them at random
//
// so any test written against StartHub also runs against replicas:
// FIELDHUB_TEST_STORE=postgres-replicas go test ./sync/hub/
const StoreEnv = "FIELDHUB_TEST_STORE"

// ReplicasMode is the StoreEnv value for two PostgreSQL replicas.
const ReplicasMode = "postgres-replicas"

// Router is an HTTP load balancer for tests: each request goes to a
// backend picked at random (seeded), as behind any round-robin or
// least-connections balancer where consecutive requests of one client
// land on different replicas. A backend that refuses the connection gets
// 502, as from a balancer without health checks.
type Router struct {
	URL string
	srv *httptest.Server

	mu       sync.Mutex
	rng      *rand.Rand
	backends []*url.URL
	proxies  []*httputil.ReverseProxy
	served   []atomic.Int64
}

// NewRouter starts a router over the backends' base URLs.
func NewRouter(seed uint64, backends ...string) *Router {
	r := &Router{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), served: make([]atomic.Int64, len(backends))}
	for _, b := range backends {
		u, err := url.Parse(b)
		if err != nil {
			panic("synctest: backend URL " + b + ": " + err.Error())
		}
		p := httputil.NewSingleHostReverseProxy(u)
		p.FlushInterval = -1
		p.ErrorLog = nil
		p.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, err error) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = io.WriteString(w, `{"code":"bad_gateway","message":"replica unreachable"}`) // the client may be gone
		}
		r.backends, r.proxies = append(r.backends, u), append(r.proxies, p)
	}
	r.srv = httptest.NewServer(http.HandlerFunc(r.serve))
	r.URL = r.srv.URL
	return r
}

func (r *Router) serve(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	i := r.rng.IntN(len(r.proxies))
	r.mu.Unlock()
	r.served[i].Add(1)
	r.proxies[i].ServeHTTP(w, req)
}

// Served counts the requests sent to each backend.
func (r *Router) Served() []int64 {
	out := make([]int64, len(r.served))
	for i := range r.served {
		out[i] = r.served[i].Load()
	}
	return out
}

// Close stops the router.
func (r *Router) Close() { r.srv.CloseClientConnections(); r.srv.Close() }

var routerSeed atomic.Uint64

// startReplicas starts n hub servers on one fresh PostgreSQL database, each
// on its own pool and following the database's change feed, behind a
// Router. The returned Hub's URL is the router's; Server and Store are the
// first replica's (Replicas has them all).
func startReplicas(t testing.TB, n int, opts HubOptions, log *slog.Logger) *Hub {
	t.Helper()
	dbURL := pgtest.Database(t)
	var urls []string
	var replicas []*Hub
	for i := 0; i < n; i++ {
		store, err := pgstore.Open(context.Background(), pgstore.Options{URL: dbURL, Migrate: true, Logger: log, MaxConns: 8})
		if err != nil {
			t.Fatalf("open replica %d's store: %v", i, err)
		}
		srv, err := hub.NewServer(hub.Options{Store: store, Logger: log, Now: opts.Now, Limits: opts.Limits, WebhookAllowPrivate: opts.WebhookAllowPrivate, OIDC: opts.OIDC})
		if err != nil {
			t.Fatalf("new hub replica %d: %v", i, err)
		}
		stopServices := RunServices(srv, log) // change hints, the product follower, webhook delivery, …
		r := &Hub{Server: srv, Store: store, HTTP: httptest.NewServer(srv.Handler()), Stop: stopServices}
		r.URL = r.HTTP.URL
		t.Cleanup(func() {
			srv.Close()
			r.HTTP.Close()
			stopServices()
			store.Close()
		})
		replicas, urls = append(replicas, r), append(urls, r.URL)
	}
	router := NewRouter(routerSeed.Add(1), urls...)
	t.Cleanup(router.Close)
	h := *replicas[0]
	h.URL, h.Router, h.Replicas = router.URL, router, replicas
	return &h
}

// StartReplicas starts n hub replicas on one PostgreSQL database behind a
// Router, whatever StoreEnv says (skipped without PostgreSQL, see pgtest).
func StartReplicas(t testing.TB, n int, opts HubOptions) *Hub {
	t.Helper()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return startReplicas(t, n, opts, log)
}

func replicasWanted(opts HubOptions) bool {
	return opts.Dir == "" && os.Getenv(StoreEnv) == ReplicasMode
}
