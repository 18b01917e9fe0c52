package hub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/netguard"
)

// Webhooks (POST /v1/webhooks, admin): a registered URL receives a
// Slack-compatible JSON message when evidence arrives for a hypothesis.
//
// Never blocking a push: the push path does not know webhooks exist. The
// product index follower (product.go) notices new evidence after the push
// has committed and hands it here; messages are written to a durable queue
// (one file per delivery under <product dir>/webhook-queue, fsynced before
// the follower's webhook cursor moves past them) and sent by a dispatcher
// goroutine, one delivery in flight per webhook, each attempt with a
// timeout, failures retried with capped exponential backoff and full
// jitter, and given up after maxAttempts (kept under webhook-dead/). A dead
// or hanging receiver therefore delays only its own messages.
//
// Delivery is at least once: a receiver may see a message twice after a
// hub crash and should dedupe on X-Fieldnotes-Delivery.

// Webhook is a registered receiver. Secret is returned only on creation.
type Webhook struct {
	ID            string    `json:"id"`
	URL           string    `json:"url"`
	HypothesisIDs []string  `json:"hypothesis_ids"` // empty: every hypothesis
	Anonymise     bool      `json:"anonymise"`      // pseudonyms instead of account names
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
	Secret        string    `json:"secret,omitempty"`
}

// WebhookStatus is a webhook as listed, with its delivery state.
type WebhookStatus struct {
	Webhook
	Pending       int        `json:"pending"`
	Delivered     int        `json:"delivered"`
	Dead          int        `json:"dead"`
	LastError     string     `json:"last_error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
}

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body with the webhook's secret>".
const SignatureHeader = "X-Fieldnotes-Signature"

// Sign returns the SignatureHeader value for body; receivers recompute it
// and compare with hmac.Equal.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

type delivery struct {
	ID        string          `json:"id"`
	HookID    string          `json:"hook_id"`
	Body      json.RawMessage `json:"body"`
	Attempts  int             `json:"attempts"`
	NextAt    time.Time       `json:"next_at"`
	CreatedAt time.Time       `json:"created_at"`
}

type hookState struct {
	Webhook
	queue       []*delivery
	inFlight    bool
	delivered   int
	dead        int
	lastErr     string
	lastAttempt time.Time
	lastSuccess time.Time
}

// webhookCursor is how far the follower's arrivals have been queued: per
// scope seq, and when. After a restart the index is rebuilt from scratch;
// items at or below the cursor, or received well before it was saved (old
// items edited since), are not announced again.
type webhookCursor struct {
	Seqs    map[string]uint64 `json:"seqs"`
	SavedAt time.Time         `json:"saved_at"`
}

type webhookFile struct {
	Hooks  []Webhook     `json:"hooks"`
	Cursor webhookCursor `json:"cursor"`
}

type webhooks struct {
	p   *product
	dir string

	mu      sync.Mutex
	hooks   map[string]*hookState
	cursor  webhookCursor
	pending []pendingBatch // built under the index lock, persisted by the dispatcher
	kick    chan struct{}
	started bool

	guard       netguard.Guard // refuses the hub's own network (loopback, private, metadata)
	client      *http.Client
	backoffBase time.Duration
	backoffCap  time.Duration
	maxAttempts int
}

type pendingBatch struct {
	deliveries []*delivery
	cursor     webhookCursor
}

// redeliveryMargin: on restart, an item above the cursor but received this
// long before the cursor was saved is an old item edited since, not news.
const redeliveryMargin = 10 * time.Minute

func openWebhooks(p *product, dir string, guard netguard.Guard) (*webhooks, error) {
	w := &webhooks{p: p, dir: dir, hooks: map[string]*hookState{}, kick: make(chan struct{}, 1), guard: guard,
		client: guard.Client(10 * time.Second), backoffBase: 2 * time.Second, backoffCap: 10 * time.Minute, maxAttempts: 15}
	if dir == "" {
		return w, nil
	}
	var f webhookFile
	data, err := os.ReadFile(filepath.Join(dir, "webhooks.json"))
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, notebook.Wrap(notebook.Internal, err, "read webhooks.json: %v", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, notebook.Wrap(notebook.Internal, err, "read webhooks.json: %v", err)
	}
	for _, h := range f.Hooks {
		w.hooks[h.ID] = &hookState{Webhook: h}
	}
	w.cursor = f.Cursor
	if err := w.loadQueue(); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *webhooks) queueDir() string { return filepath.Join(w.dir, "webhook-queue") }
func (w *webhooks) deadDir() string  { return filepath.Join(w.dir, "webhook-dead") }

func (w *webhooks) loadQueue() error {
	entries, err := os.ReadDir(w.queueDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "read webhook queue: %v", err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(w.queueDir(), e.Name()))
		var d delivery
		if err != nil || !strings.HasSuffix(e.Name(), ".json") || json.Unmarshal(data, &d) != nil {
			continue // a torn .tmp from a crash: its batch is re-queued from the cursor
		}
		if h := w.hooks[d.HookID]; h != nil {
			h.queue = append(h.queue, &d)
		}
	}
	for _, h := range w.hooks {
		sort.Slice(h.queue, func(i, j int) bool { return h.queue[i].CreatedAt.Before(h.queue[j].CreatedAt) })
	}
	return nil
}

func (w *webhooks) count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.hooks)
}

// saveLocked writes the registrations and the cursor durably.
func (w *webhooks) saveLocked() error {
	if w.dir == "" {
		return nil
	}
	f := webhookFile{Hooks: []Webhook{}, Cursor: w.cursor}
	for _, h := range w.hooks {
		f.Hooks = append(f.Hooks, h.Webhook)
	}
	sort.Slice(f.Hooks, func(i, j int) bool { return f.Hooks[i].ID < f.Hooks[j].ID })
	data, _ := json.MarshalIndent(f, "", "  ")
	return writeFileAtomic(filepath.Join(w.dir, "webhooks.json"), data)
}

// start runs the follower and the dispatcher (once); w.mu held or not yet shared.
func (w *webhooks) start() {
	if w.started {
		return
	}
	w.started = true
	w.p.startFollowing()
	go w.dispatch()
}

func (w *webhooks) nudge() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// ---- arrivals → messages ----

// arrived is the index's onArrive: called with the index lock held, it
// only builds messages in memory and nudges the dispatcher.
func (w *webhooks) arrived(b arrivalBatch) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.hooks) == 0 {
		return
	}
	now := w.p.srv.now()
	var deliveries []*delivery
	for _, h := range w.sortedHooksLocked() {
		byHyp := map[string][]notebook.Observation{}
		for _, a := range b.items {
			if w.announce(h, a) {
				byHyp[a.obs.HypothesisID] = append(byHyp[a.obs.HypothesisID], a.obs)
			}
		}
		for _, hypID := range sortedKeys(byHyp) {
			body := w.p.message(hypID, byHyp[hypID], h.Anonymise)
			deliveries = append(deliveries, &delivery{ID: "whd_" + randomHex(10), HookID: h.ID, Body: body, NextAt: now, CreatedAt: now})
		}
	}
	w.pending = append(w.pending, pendingBatch{deliveries: deliveries, cursor: webhookCursor{Seqs: b.after, SavedAt: now}})
	w.nudge()
}

func (w *webhooks) announce(h *hookState, a arrival) bool {
	if a.obs.ReceivedAt.Before(h.CreatedAt) {
		return false
	}
	if seq, ok := w.cursor.Seqs[a.scope]; ok && a.seq <= seq {
		return false
	}
	if !w.cursor.SavedAt.IsZero() && a.obs.ReceivedAt.Before(w.cursor.SavedAt.Add(-redeliveryMargin)) {
		return false
	}
	return len(h.HypothesisIDs) == 0 || contains(h.HypothesisIDs, a.obs.HypothesisID)
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func (w *webhooks) sortedHooksLocked() []*hookState {
	out := make([]*hookState, 0, len(w.hooks))
	for _, h := range w.hooks {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ---- dispatcher ----

func (w *webhooks) dispatch() {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		w.persistPending()
		next := w.startDue()
		timer.Reset(max(time.Until(next), time.Millisecond))
		select {
		case <-w.p.srv.closing:
			return
		case <-w.kick:
		case <-timer.C:
		}
	}
}

// persistPending writes new deliveries to the queue dir, then advances the
// cursor: a crash in between re-queues (at least once), never loses.
func (w *webhooks) persistPending() {
	w.mu.Lock()
	batches := w.pending
	w.pending = nil
	w.mu.Unlock()
	for _, b := range batches {
		for _, d := range b.deliveries {
			if err := w.writeDelivery(d); err != nil {
				w.p.log.Error("webhook: queue delivery", "err", err)
			}
		}
		w.mu.Lock()
		for _, d := range b.deliveries {
			if h := w.hooks[d.HookID]; h != nil {
				h.queue = append(h.queue, d)
			}
		}
		w.cursor = b.cursor
		if err := w.saveLocked(); err != nil {
			w.p.log.Error("webhook: save cursor", "err", err)
		}
		w.mu.Unlock()
	}
}

func (w *webhooks) writeDelivery(d *delivery) error {
	if w.dir == "" {
		return nil
	}
	if err := os.MkdirAll(w.queueDir(), 0o700); err != nil {
		return err
	}
	data, _ := json.Marshal(d)
	return writeFileAtomic(filepath.Join(w.queueDir(), d.ID+".json"), data)
}

// startDue starts the head delivery of every idle webhook that is due and
// returns when the next one will be.
func (w *webhooks) startDue() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	next := now.Add(time.Hour)
	for _, h := range w.hooks {
		if h.inFlight || len(h.queue) == 0 {
			continue
		}
		d := h.queue[0]
		if d.NextAt.After(now) {
			next = minTime(next, d.NextAt)
			continue
		}
		h.inFlight = true
		go w.attempt(h.Webhook, d, w.client)
	}
	return next
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// attempt sends one delivery and records the outcome.
func (w *webhooks) attempt(hook Webhook, d *delivery, client *http.Client) {
	err := w.post(client, hook, d)
	w.mu.Lock()
	defer w.mu.Unlock()
	defer w.nudge()
	h := w.hooks[hook.ID]
	if h == nil { // deleted meanwhile
		return
	}
	h.inFlight = false
	h.lastAttempt = time.Now()
	if err == nil {
		h.queue = h.queue[1:]
		h.delivered++
		h.lastSuccess, h.lastErr = h.lastAttempt, ""
		w.removeFile(d.ID)
		w.p.metrics.delivery("delivered")
		return
	}
	d.Attempts++
	h.lastErr = err.Error()
	w.p.metrics.delivery("failed")
	if d.Attempts >= w.maxAttempts {
		h.queue = h.queue[1:]
		h.dead++
		w.bury(d)
		w.p.metrics.delivery("dead")
		w.p.log.Warn("webhook: gave up on a delivery", "webhook", hook.ID, "delivery", d.ID, "attempts", d.Attempts, "err", err)
		return
	}
	d.NextAt = time.Now().Add(w.backoff(d.Attempts))
	_ = w.writeDelivery(d)
}

// backoff is capped exponential with full jitter: a receiver that comes
// back is not hit by every hub's retries at the same instant.
func (w *webhooks) backoff(attempts int) time.Duration {
	d := w.backoffBase << min(attempts-1, 30)
	if d <= 0 || d > w.backoffCap {
		d = w.backoffCap
	}
	return d/2 + rand.N(d/2+1)
}

func (w *webhooks) post(client *http.Client, hook Webhook, d *delivery) error {
	ctx, cancel := context.WithTimeout(context.Background(), client.Timeout)
	defer cancel()
	go func() { // the hub closing abandons the attempt; it stays queued
		select {
		case <-w.p.srv.closing:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(d.Body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "fieldhub-webhook/1")
	req.Header.Set(SignatureHeader, Sign(hook.Secret, d.Body))
	req.Header.Set("X-Fieldnotes-Webhook", hook.ID)
	req.Header.Set("X-Fieldnotes-Delivery", d.ID)
	resp, err := client.Do(req)
	if err != nil {
		// The detail (addresses, ports, banners) goes to the operator's log
		// only: last_error would otherwise work as a port scanner.
		w.p.log.Warn("webhook: delivery failed", "webhook", hook.ID, "err", err)
		return errors.New(netguard.Describe(err))
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New(netguard.DescribeStatus(resp.StatusCode))
	}
	return nil
}

func (w *webhooks) removeFile(id string) {
	if w.dir != "" {
		_ = os.Remove(filepath.Join(w.queueDir(), id+".json"))
	}
}

func (w *webhooks) bury(d *delivery) {
	if w.dir == "" {
		return
	}
	if err := os.MkdirAll(w.deadDir(), 0o700); err == nil {
		_ = os.Rename(filepath.Join(w.queueDir(), d.ID+".json"), filepath.Join(w.deadDir(), d.ID+".json"))
	}
}

// ---- API ----

func validWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2048 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return notebook.Errorf(notebook.Invalid, "url: want an http(s) URL without credentials, such as https://hooks.slack.com/services/…")
	}
	return nil
}

// AddWebhook registers a receiver and returns it with its secret (shown once).
func (w *webhooks) add(ctx context.Context, req Webhook, by string, now time.Time) (Webhook, error) {
	if err := validWebhookURL(req.URL); err != nil {
		return Webhook{}, err
	}
	if err := w.guard.CheckURL(ctx, req.URL); err != nil {
		return Webhook{}, notebook.Errorf(notebook.Invalid, "url: %v; webhooks are delivered to public internet addresses only (loopback, private, link-local and metadata addresses are refused unless the hub runs with --webhook-allow-private)", err)
	}
	for _, id := range req.HypothesisIDs {
		if !notebook.ValidID(id) {
			return Webhook{}, notebook.Errorf(notebook.Invalid, "hypothesis_ids: %q is not a valid id", id)
		}
	}
	hook := Webhook{ID: "wh_" + randomHex(8), URL: req.URL, HypothesisIDs: req.HypothesisIDs, Anonymise: req.Anonymise,
		CreatedAt: now.UTC().Truncate(time.Millisecond), // received_at has ms precision
		CreatedBy: by, Secret: "whsec_" + base64.RawURLEncoding.EncodeToString(randomBytes(32))}
	if hook.HypothesisIDs == nil {
		hook.HypothesisIDs = []string{}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hooks[hook.ID] = &hookState{Webhook: hook}
	if err := w.saveLocked(); err != nil {
		delete(w.hooks, hook.ID)
		return Webhook{}, err
	}
	w.start()
	return hook, nil
}

func (w *webhooks) remove(id string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.hooks[id]
	if h == nil {
		return notebook.Errorf(notebook.NotFound, "no webhook %q", id)
	}
	delete(w.hooks, id)
	for _, d := range h.queue {
		w.removeFile(d.ID)
	}
	return w.saveLocked()
}

func (w *webhooks) list() []WebhookStatus {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := []WebhookStatus{}
	for _, h := range w.sortedHooksLocked() {
		st := WebhookStatus{Webhook: h.Webhook, Pending: len(h.queue), Delivered: h.delivered, Dead: h.dead, LastError: h.lastErr}
		st.Secret = ""
		if !h.lastAttempt.IsZero() {
			t := h.lastAttempt.UTC()
			st.LastAttemptAt = &t
		}
		if !h.lastSuccess.IsZero() {
			t := h.lastSuccess.UTC()
			st.LastSuccessAt = &t
		}
		out = append(out, st)
	}
	return out
}

func (p *product) handleAddWebhook(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL           string   `json:"url"`
		HypothesisIDs []string `json:"hypothesis_ids"`
		Anonymise     bool     `json:"anonymise"`
	}
	if err := readJSONBody(w, r, 64<<10, &req); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	// Catch up first so evidence already on the hub is not announced as new.
	if err := p.idx.catchUp(r.Context()); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	hook, err := p.hooks.add(r.Context(), Webhook{URL: req.URL, HypothesisIDs: req.HypothesisIDs, Anonymise: req.Anonymise}, userFrom(r.Context()).ID, p.srv.now())
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	p.log.Info("webhook added", "id", hook.ID, "by", hook.CreatedBy)
	writeJSON(w, http.StatusCreated, hook)
}

func (p *product) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": p.hooks.list()})
}

func (p *product) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := p.hooks.remove(r.PathValue("id")); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	p.log.Info("webhook deleted", "id", r.PathValue("id"), "by", userFrom(r.Context()).ID)
	w.WriteHeader(http.StatusNoContent)
}
