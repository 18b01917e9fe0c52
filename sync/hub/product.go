package hub

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
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
//     and cached roll-ups; it is filled on first use (or at start when the
//     hub has a product dir) and caught up before every read;
//   - first-seen-by-product is a per-scope step function "product had
//     read this scope up to seq s at time t", appended after a product
//     pull has been answered (never during a push);
//   - webhooks are fed by the same follower and delivered by their own
//     goroutines from files in the product dir.
//
// State that must survive a restart (the pseudonym secret, webhooks and
// their queue, the seen steps) lives in Options.ProductDir; without one
// (tests) it is kept in memory.

// product is the state of the product side of one Server.
type product struct {
	srv    *Server
	dir    string // "" keeps everything in memory
	log    *slog.Logger
	secret []byte // HMAC key of pseudonyms

	idx     *index
	proj    *projection // insights, kept in the store
	seen    *seenSteps
	hooks   *webhooks
	metrics *productMetrics

	followOnce sync.Once
	running    sync.WaitGroup // the follower: Close waits for it, as it reads the store
}

// newProduct loads the product state from dir (creating it).
func newProduct(s *Server, dir string, guard netguard.Guard) (*product, error) {
	p := &product{srv: s, dir: dir, log: s.log}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, notebook.Wrap(notebook.Internal, err, "create product dir %s: %v", dir, err)
		}
	}
	var err error
	if p.secret, err = loadSecret(dir); err != nil {
		return nil, err
	}
	if p.seen, err = openSeenSteps(dir); err != nil {
		return nil, err
	}
	p.idx = newIndex(s.store, p.seen, s.log)
	p.proj = newProjection(s.store, p.seen, s.log)
	if p.hooks, err = openWebhooks(p, dir, guard); err != nil {
		return nil, err
	}
	p.idx.onArrive = p.hooks.arrived
	if s.metrics != nil {
		p.metrics = newProductMetrics(p, s.metrics.reg)
	}
	if p.hooks.count() > 0 {
		p.hooks.mu.Lock()
		p.hooks.start()
		p.hooks.mu.Unlock()
	}
	if dir != "" {
		p.startFollowing()
	}
	return p, nil
}

// productRoutes registers the product API (see sync/README.md, "Product API").
func (s *Server) productRoutes(mux *http.ServeMux) {
	p := s.product
	mux.HandleFunc("GET /v1/insights/hypotheses", s.authed(p.productOnly(p.handleInsights)))
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

// startFollowing runs the index follower until the server closes: it
// catches up whenever a push commits (the long-poll notifier wakes it), so
// webhooks fire within moments and insights stay warm. The notifier never
// blocks a publisher (1-buffered channel, dropped when already woken).
func (p *product) startFollowing() {
	p.followOnce.Do(func() {
		p.running.Add(1)
		go p.follow()
	})
}

// wait returns when the follower has stopped (after the server closed),
// so the caller may close the store.
func (p *product) wait() { p.running.Wait() }

func (p *product) follow() {
	defer p.running.Done()
	woke, unsubscribe := p.srv.notify.subscribe([]string{allScopes})
	defer unsubscribe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-p.srv.closing
		cancel()
	}()
	for {
		if err := p.idx.catchUp(ctx); err != nil && ctx.Err() == nil {
			p.log.Error("product index: catch up", "err", err)
		}
		select {
		case <-p.srv.closing:
			p.seen.close()
			return
		case <-woke:
		case <-time.After(time.Minute): // also retries after an error
		}
	}
}

// ---- first seen by product ----

// seenStep says product had read a scope up to seq at a time.
type seenStep struct {
	Scope string    `json:"scope"`
	Seq   uint64    `json:"seq"`
	At    time.Time `json:"at"`
}

// seenSteps is the durable first-seen record: per scope, an increasing
// list of (seq, time) steps. An evidence item first written at seq n in
// its scope was first seen at the time of the first step with seq ≥ n.
// One step per product read that advanced a scope keeps this tiny (no
// per-item writes), and recording it costs a product pull a map lookup
// and one append to a file — nothing on the push path.
type seenSteps struct {
	mu      sync.Mutex
	file    *os.File // nil: in memory
	steps   map[string][]seenStep
	pending []seenStep // not yet applied to the index
}

func openSeenSteps(dir string) (*seenSteps, error) {
	s := &seenSteps{steps: map[string][]seenStep{}}
	if dir == "" {
		return s, nil
	}
	path := filepath.Join(dir, "seen.ndjson")
	if data, err := os.ReadFile(path); err == nil {
		for _, line := range bytes.Split(data, []byte("\n")) {
			var st seenStep
			if json.Unmarshal(line, &st) == nil && st.Scope != "" {
				s.addLocked(st)
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, notebook.Wrap(notebook.Internal, err, "read %s: %v", path, err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, notebook.Wrap(notebook.Internal, err, "open %s: %v", path, err)
	}
	s.file = f
	s.pending = nil
	return s, nil
}

// addLocked appends a step when it advances its scope.
func (s *seenSteps) addLocked(st seenStep) bool {
	list := s.steps[st.Scope]
	if len(list) > 0 && list[len(list)-1].Seq >= st.Seq {
		return false
	}
	s.steps[st.Scope] = append(list, st)
	s.pending = append(s.pending, st)
	return true
}

// record notes that product has read every scope up to seqs at time at.
// The file append is not fsynced: losing the last steps in a power cut
// only makes first-seen a little later, never wrong in the other way.
func (s *seenSteps) record(seqs map[string]uint64, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var buf bytes.Buffer
	for scope, seq := range seqs {
		st := seenStep{Scope: scope, Seq: seq, At: at.UTC()}
		if seq > 0 && s.addLocked(st) && s.file != nil {
			line, _ := json.Marshal(st)
			buf.Write(append(line, '\n'))
		}
	}
	if buf.Len() > 0 && s.file != nil {
		_, _ = s.file.Write(buf.Bytes())
	}
}

// firstSeen is when product first read seq of scope (zero: not yet).
func (s *seenSteps) firstSeenLocked(scope string, seq uint64) time.Time {
	list := s.steps[scope]
	lo, hi := 0, len(list)
	for lo < hi {
		m := (lo + hi) / 2
		if list[m].Seq >= seq {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == len(list) {
		return time.Time{}
	}
	return list[lo].At
}

// drain returns the steps added since the last drain.
func (s *seenSteps) drain() []seenStep {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.pending
	s.pending = nil
	return out
}

func (s *seenSteps) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
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

// loadSecret reads (or creates) the 32-byte key of pseudonyms. It is
// per hub so pseudonyms are stable across exports and restarts but cannot
// be recomputed by anyone holding only an export.
func loadSecret(dir string) ([]byte, error) {
	if dir == "" {
		return randomBytes(32), nil
	}
	path := filepath.Join(dir, "secret")
	b, err := os.ReadFile(path)
	if err == nil && len(b) >= 32 {
		return b, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, notebook.Wrap(notebook.Internal, err, "read %s: %v", path, err)
	}
	b = randomBytes(32)
	if err := writeFileAtomic(path, b); err != nil {
		return nil, err
	}
	return b, nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("hub: no randomness: " + err.Error())
	}
	return b
}

// writeFileAtomic writes a file durably: temp file, fsync, rename, fsync
// of the directory, so a crash leaves the old or the new content.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err == nil {
		_, err = f.Write(data)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err == nil {
		if d, derr := os.Open(filepath.Dir(path)); derr == nil {
			_ = d.Sync()
			d.Close()
		}
	}
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "write %s: %v", path, err)
	}
	return nil
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
