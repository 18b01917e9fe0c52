package hub

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/webhooks"
	"fieldnotes/sync/netguard"
	"fieldnotes/sync/syncproto"
)

// The product side of the hub (issue 7): insights, exports, webhooks,
// hypothesis publishing and first-seen-by-product. It lives beside the
// sync core and reads the store only through hubdb.Store's public reads
// (Pull), so the push path knows nothing about it:
//
//   - an in-memory index (insights_index.go) follows the change log by
//     cursor, like any product client, and keeps per-hypothesis evidence
//     and cached roll-ups; the follower (Serve, a service supervised by
//     fieldhub) catches it up at start and, while webhooks exist, whenever
//     a push commits on any replica; readers catch it up before answering;
//   - first-seen-by-product is a per-scope step function "product had
//     read this scope up to seq s at time t", appended after a product
//     pull has been answered (never during a push);
//   - webhooks (package webhooks) are fed by the follower: new evidence
//     goes to the webhooks outbox, and the webhooks deliverer, another
//     supervised service, sends it.
//
// Everything that must survive a restart — the pseudonym secret, the
// seen steps, webhooks and their queue — is in the store (hubdb doc.go
// lists the namespaces), so every replica shares it. Hubs that kept it
// in files (<data>/product) have it imported once by ImportProductDir.

// product is the state of the product side of one Server.
type product struct {
	srv    *Server
	log    *slog.Logger
	secret []byte // HMAC key of pseudonyms

	idx       *index
	proj      *projection // insights, kept in the store
	seen      *seenSteps
	hooks     webhooks.Registry
	outbox    webhooks.Outbox
	deliverer *webhooks.Deliverer
	metrics   *productMetrics

	mu       sync.Mutex
	hookList []webhooks.Webhook // cached registrations: which arrivals to keep for the outbox
	cursor   webhooks.Cursor    // cached outbox cursor: arrivals certainly queued already
	pending  []arrivals         // built under the index lock, queued by the follower
	kick     chan struct{}
}

// arrivals is one catch-up's new evidence, for the webhooks outbox.
type arrivals struct {
	items []webhooks.Item
	after map[string]uint64
}

// newProduct loads the product state from the store. It starts nothing:
// Serve (the follower) and the deliverer run as services.
func newProduct(ctx context.Context, s *Server, guard netguard.Guard) (*product, error) {
	p := &product{srv: s, log: s.log, kick: make(chan struct{}, 1)}
	var err error
	if p.secret, err = loadSecret(ctx, s.store); err != nil {
		return nil, err
	}
	if p.seen, err = loadSeenSteps(ctx, s.store, s.log); err != nil {
		return nil, err
	}
	p.idx = newIndex(s.store, p.seen, s.log)
	p.proj = newProjection(s.store, p.seen, s.log)
	p.idx.onArrive = p.arrived
	p.hooks = webhooks.Registry{Store: s.store, Guard: guard}
	p.outbox = webhooks.Outbox{Store: s.store, Compose: p.compose, Now: s.now}
	p.deliverer = webhooks.NewDeliverer(s.store, guard, s.log)
	if s.metrics != nil {
		p.metrics = newProductMetrics(p, s.metrics.reg)
		p.deliverer.OnOutcome = p.metrics.delivery
	}
	return p, nil
}

// productRoutes registers the product API (see sync/README.md, "Product API").
func (s *Server) productRoutes(mux *http.ServeMux) {
	p := s.product
	mux.HandleFunc("GET /v1/insights/hypotheses", s.authed(p.productOnly(p.handleInsights)))
	mux.HandleFunc("GET /v1/insights/accounts", s.authed(p.productOnly(p.handleInsightAccounts)))
	mux.HandleFunc("GET /v1/export/evidence.csv", s.authed(p.productOnly(p.handleExportCSV)))
	mux.HandleFunc("GET /v1/export/evidence.ndjson", s.authed(p.productOnly(p.handleExportNDJSON)))
	mux.HandleFunc("POST /v1/hypotheses", s.authed(p.productOnly(p.handlePublish)))
	mux.HandleFunc("GET /v1/webhooks", s.authed(p.adminOnly(p.handleListWebhooks)))
	mux.HandleFunc("POST /v1/webhooks", s.authed(p.adminOnly(p.handleAddWebhook)))
	mux.HandleFunc("DELETE /v1/webhooks/{id}", s.authed(p.adminOnly(p.handleDeleteWebhook)))
}

// productOnly answers 403 to field users: insights and exports show every
// rep's evidence, which only product and admin may read.
func (p *product) productOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !userFrom(r.Context()).Role.ReadsAll() {
			writeError(w, http.StatusForbidden, syncproto.CodeForbidden, "only product or admin users may use "+r.URL.Path)
			return
		}
		next(w, r)
	}
}

// adminOnly guards webhooks: a webhook sends evidence out of the hub, so
// only an admin may point one somewhere.
func (p *product) adminOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if userFrom(r.Context()).Role != hubdb.RoleAdmin {
			writeError(w, http.StatusForbidden, syncproto.CodeForbidden, "only an admin may manage webhooks")
			return
		}
		next(w, r)
	}
}

// Serve is the follower, a service: it catches the index up at start
// (so insights answer warm) and then whenever a push commits on any
// replica while webhooks are registered (the long-poll notifier, fed by
// the store's change hints, wakes it; a 1-buffered channel, so it never
// blocks a publisher), hands new evidence to the webhooks outbox, and
// re-checks every minute so a lost hint or a failed step only delays.
// Without webhooks a wake-up only re-reads the registrations: readers
// catch the index up themselves, and the push path's CPU stays the pushes'.
func (p *product) Serve(ctx context.Context) error {
	woke, unsubscribe := p.srv.notify.subscribe([]string{allScopes})
	defer unsubscribe()
	retry := time.Minute
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-woke:
			if !p.refreshHooks(ctx) {
				continue
			}
		case <-p.kick:
		case <-timer.C:
			p.refreshHooks(ctx)
		}
		p.seen.refresh(ctx)
		err := p.idx.catchUp(ctx)
		if err == nil {
			err = p.queueArrivals(ctx)
		}
		retry = time.Minute
		if err != nil && ctx.Err() == nil {
			p.log.Error("product follower", "err", err)
			retry = 5 * time.Second
		}
		timer.Reset(retry)
	}
}

func (p *product) nudge() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// refreshHooks re-reads the registrations and the outbox cursor, which
// another replica may have changed, and says whether there are webhooks
// (true also when the store could not say: better a catch-up too many).
func (p *product) refreshHooks(ctx context.Context) bool {
	hooks, err := p.hooks.Hooks(ctx)
	if err != nil {
		if ctx.Err() == nil {
			p.log.Warn("webhooks: read registrations", "err", err)
		}
		return true
	}
	cur := webhooks.Cursor{}
	if len(hooks) > 0 {
		if cur, err = p.outbox.Cursor(ctx); err != nil {
			return true
		}
	}
	p.mu.Lock()
	p.hookList, p.cursor = hooks, cur
	p.mu.Unlock()
	return len(hooks) > 0
}

// arrived is the index's onArrive: called with the index lock held, it
// only snapshots what a message needs and nudges the follower. Items no
// webhook wants, or that the outbox has certainly queued already (a
// restart rebuilding the index), are dropped here, cheaply.
func (p *product) arrived(b arrivalBatch) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.hookList) == 0 {
		return
	}
	var items []webhooks.Item
	for _, a := range b.items {
		it := webhooks.Item{Scope: a.scope, Seq: a.seq, HypothesisID: a.obs.HypothesisID, ReceivedAt: a.obs.ReceivedAt}
		if p.cursor.Covers(it) || !p.anyHookWantsLocked(it) {
			continue
		}
		it.Size = len(a.obs.Quote)
		it.Data = p.noteLocked(a.obs)
		items = append(items, it)
	}
	p.pending = append(p.pending, arrivals{items: items, after: b.after})
	p.nudge()
}

func (p *product) anyHookWantsLocked(it webhooks.Item) bool {
	for _, h := range p.hookList {
		if !it.ReceivedAt.Before(h.CreatedAt) && h.Wants(it.HypothesisID) {
			return true
		}
	}
	return false
}

// queueArrivals hands what arrived to the outbox, in order; what fails
// stays pending for the next round.
func (p *product) queueArrivals(ctx context.Context) error {
	p.mu.Lock()
	batches := p.pending
	p.pending = nil
	p.mu.Unlock()
	for i, b := range batches {
		n, err := p.outbox.Enqueue(ctx, b.items, b.after)
		if err != nil {
			p.mu.Lock()
			p.pending = append(batches[i:len(batches):len(batches)], p.pending...)
			p.mu.Unlock()
			return err
		}
		if n > 0 {
			p.deliverer.Nudge()
		}
	}
	return nil
}

// observePull wraps the pull handler: after a product or admin pull has
// been answered, it reads the cursor the page ended at and records a seen
// step. Only the tail of the body is kept (the cursor is at the end).
func (p *product) observePull(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !userFrom(r.Context()).Role.ReadsAll() {
			next(w, r)
			return
		}
		tw := &tailWriter{ResponseWriter: w}
		next(tw, r)
		if tw.status != 0 && tw.status != http.StatusOK {
			return
		}
		if c, ok := cursorFromTail(tw.tail); ok && c.Epoch == p.srv.store.Epoch() {
			p.seen.record(c.Seqs, p.srv.now())
		}
	}
}

// tailWriter keeps the last bytes written (enough for any cursor).
type tailWriter struct {
	http.ResponseWriter
	status int
	tail   []byte
}

const tailKeep = syncproto.MaxCursorLen + 256

func (t *tailWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *tailWriter) Write(b []byte) (int, error) {
	t.tail = append(t.tail, b...)
	if len(t.tail) > tailKeep {
		t.tail = append(t.tail[:0], t.tail[len(t.tail)-tailKeep:]...)
	}
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (t *tailWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

func cursorFromTail(tail []byte) (syncproto.Cursor, bool) {
	const key = `],"cursor":`
	i := bytes.LastIndex(tail, []byte(key))
	if i < 0 {
		return syncproto.Cursor{}, false
	}
	rest := tail[i+len(key):]
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return syncproto.Cursor{}, false
	}
	var enc string
	if json.Unmarshal(rest[:end], &enc) != nil {
		return syncproto.Cursor{}, false
	}
	c, err := syncproto.DecodeCursor(enc)
	return c, err == nil && c.Epoch != ""
}

// ---- the hub secret ----

// The pseudonym secret's document (hubdb doc.go, namespace "hub").
const (
	hubNamespace = "hub"
	secretKey    = "pseudonym-secret"
)

// loadSecret reads (or creates, once for every replica) the 32-byte key
// of pseudonyms. It is per hub so pseudonyms are stable across exports,
// restarts and replicas but cannot be recomputed by anyone holding only
// an export.
func loadSecret(ctx context.Context, store hubdb.Store) ([]byte, error) {
	var secret []byte
	err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		val, ok, err := tx.GetDoc(hubNamespace, secretKey)
		if err != nil {
			return err
		}
		if ok && len(val) >= 32 {
			secret = val
			return nil
		}
		secret = randomBytes(32)
		return tx.PutDoc(hubNamespace, secretKey, secret)
	})
	if err != nil {
		return nil, notebook.Wrap(notebook.ErrorCode(err), err, "load the pseudonym secret: %v", err)
	}
	return secret, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("hub: no randomness: " + err.Error())
	}
	return b
}

// readJSONBody reads a small JSON request body into v.
func readJSONBody(w http.ResponseWriter, r *http.Request, limit int64, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return notebook.Errorf(notebook.Invalid, "body: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// SystemUser is who `fieldhub hypothesis import` writes as: the hub
// itself, with admin rights (the CLI runs on the hub's machine, by its
// operator; there is no token to check).
var SystemUser = hubdb.User{ID: "fieldhub", Email: "fieldhub@localhost", Role: hubdb.RoleAdmin}
