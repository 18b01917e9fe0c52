package hub_test

import (
	"crypto/hmac"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// receiver is a loopback webhook endpoint that records what it gets.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies [][]byte
	sigs   []string
	hits   atomic.Int64
	got    chan struct{}
}

func newReceiver(t *testing.T, handle func(w http.ResponseWriter, r *http.Request) bool) *receiver {
	rc := &receiver{got: make(chan struct{}, 100)}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.hits.Add(1)
		body, _ := io.ReadAll(r.Body)
		if handle != nil && !handle(w, r) {
			return
		}
		rc.mu.Lock()
		rc.bodies = append(rc.bodies, body)
		rc.sigs = append(rc.sigs, r.Header.Get(hub.SignatureHeader))
		rc.mu.Unlock()
		rc.got <- struct{}{}
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-rc.got:
	case <-time.After(d):
		t.Fatalf("webhook not delivered within %v (%d hits)", d, rc.hits.Load())
	}
}

func addWebhook(t *testing.T, admin *synctest.WireClient, url string, hyps ...string) hub.Webhook {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"url": url, "hypothesis_ids": hyps})
	rep := do(t, admin, http.MethodPost, "/v1/webhooks", body)
	if rep.Status != http.StatusCreated {
		t.Fatalf("add webhook: %d %s", rep.Status, rep.Body)
	}
	var hook hub.Webhook
	if err := rep.Decode(&hook); err != nil || hook.Secret == "" {
		t.Fatalf("webhook %+v %v", hook, err)
	}
	return hook
}

func TestWebhookDeliversSignedSlackMessage(t *testing.T) {
	e := newEnv(t)
	setWebhookTiming(e.hub, 10*time.Millisecond, 50*time.Millisecond, 2*time.Second, 5)
	rc := newReceiver(t, nil)
	publish(t, e.pm, `[{"id":"h1","statement":"Teams pay for <SSO>"},{"id":"h2","statement":"other"}]`)
	hook := addWebhook(t, e.admin, rc.URL, "h1")

	push(t, e.repA,
		synctest.Upsert(1, "account", "acc-1", hlc(), map[string]any{"name": "Acme"}),
		evidence(2, id(), "h1", map[string]any{"account_id": "acc-1", "quote": "we'd pay <!channel>", "author_role": "sales"}),
		evidence(3, id(), "h2", map[string]any{"quote": "not for this hook"}),
	)
	rc.wait(t, 5*time.Second)
	rc.mu.Lock()
	body, sig := rc.bodies[0], rc.sigs[0]
	rc.mu.Unlock()
	if !hmac.Equal([]byte(sig), []byte(hub.Sign(hook.Secret, body))) {
		t.Fatalf("signature %q does not match the body", sig)
	}
	if hub.Sign("wrong", body) == sig {
		t.Fatal("signature does not depend on the secret")
	}
	var msg hub.WebhookMessage
	if err := json.Unmarshal(body, &msg); err != nil {
		t.Fatal(err)
	}
	if msg.Text == "" || len(msg.Blocks) < 2 || msg.Fieldnotes.HypothesisID != "h1" || len(msg.Fieldnotes.Evidence) != 1 ||
		msg.Fieldnotes.Evidence[0].Account != "Acme" || msg.Fieldnotes.Signals["supports"] != 1 {
		t.Fatalf("message %s", body)
	}
	quote := msg.Blocks[1]["text"].(map[string]any)["text"].(string)
	if want := "&lt;!channel&gt;"; !contains(quote, want) {
		t.Errorf("mrkdwn not escaped: %s", quote)
	}
	// Nothing for h2 arrives; the list shows the delivery.
	time.Sleep(200 * time.Millisecond)
	if n := rc.hits.Load(); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
	var list struct{ Webhooks []hub.WebhookStatus }
	do(t, e.admin, "GET", "/v1/webhooks", nil).Decode(&list)
	if len(list.Webhooks) != 1 || list.Webhooks[0].Delivered != 1 || list.Webhooks[0].Secret != "" || list.Webhooks[0].Pending != 0 {
		t.Fatalf("list %+v", list.Webhooks)
	}
	if rep := do(t, e.admin, "DELETE", "/v1/webhooks/"+hook.ID, nil); rep.Status != http.StatusNoContent {
		t.Fatalf("delete: %d", rep.Status)
	}
	if rep := do(t, e.admin, "DELETE", "/v1/webhooks/"+hook.ID, nil); rep.Status != http.StatusNotFound {
		t.Fatalf("delete twice: %d", rep.Status)
	}
	if rep := do(t, e.admin, "POST", "/v1/webhooks", []byte(`{"url":"ftp://x"}`)); rep.Status != http.StatusBadRequest {
		t.Fatalf("bad url: %d", rep.Status)
	}
}

func TestWebhookAnonymised(t *testing.T) {
	e := newEnv(t)
	setWebhookTiming(e.hub, 10*time.Millisecond, 50*time.Millisecond, 2*time.Second, 5)
	rc := newReceiver(t, nil)
	rep := do(t, e.admin, http.MethodPost, "/v1/webhooks", []byte(`{"url":"`+rc.URL+`","anonymise":true}`))
	if rep.Status != http.StatusCreated {
		t.Fatalf("%d %s", rep.Status, rep.Body)
	}
	push(t, e.repA,
		synctest.Upsert(1, "account", "acc-1", hlc(), map[string]any{"name": "Globex"}),
		evidence(2, id(), "h1", map[string]any{"account_id": "acc-1", "quote": "Globex needs this"}))
	rc.wait(t, 5*time.Second)
	rc.mu.Lock()
	body := string(rc.bodies[0])
	rc.mu.Unlock()
	if contains(body, "Globex") || !contains(body, "Account-") {
		t.Fatalf("anonymised message leaks the name: %s", body)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestWebhookRetriesWithBackoff(t *testing.T) {
	e := newEnv(t)
	setWebhookTiming(e.hub, 20*time.Millisecond, 80*time.Millisecond, 2*time.Second, 10)
	var fails atomic.Int64
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) bool {
		if fails.Add(1) <= 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return false
		}
		return true
	})
	addWebhook(t, e.admin, rc.URL)
	push(t, e.repA, evidence(1, id(), "h1", map[string]any{"quote": "retry me"}))
	rc.wait(t, 5*time.Second)
	if n := rc.hits.Load(); n != 4 {
		t.Errorf("%d attempts, want 3 failures then a success", n)
	}
}

// TestDeadReceiverNeverSlowsPushes: a receiver that accepts the connection
// and never answers must not change push latency.
func TestDeadReceiverNeverSlowsPushes(t *testing.T) {
	e := newEnv(t)
	setWebhookTiming(e.hub, 10*time.Millisecond, 50*time.Millisecond, 30*time.Second, 100)
	release := make(chan struct{})
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) bool {
		<-release // hang
		return false
	})
	defer close(release)
	measure := func(c *synctest.WireClient, from uint64) []time.Duration {
		var out []time.Duration
		for i := uint64(0); i < 20; i++ {
			start := time.Now()
			pushOne(t, c, evidence(from+i, id(), "h1", map[string]any{"quote": "q"}))
			out = append(out, time.Since(start))
		}
		sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
		return out
	}
	before := measure(e.repA, 1)
	addWebhook(t, e.admin, rc.URL)
	pushOne(t, e.repA, evidence(21, id(), "h1", map[string]any{"quote": "q"}))
	waitFor(t, func() bool { return rc.hits.Load() > 0 }) // a delivery is now hanging
	after := measure(e.repA, 22)
	p50b, p50a, maxA := before[10], after[10], after[len(after)-1]
	t.Logf("push latency p50 %v → %v with a hanging receiver (max %v)", p50b, p50a, maxA)
	if p50a > 3*p50b+50*time.Millisecond || maxA > 2*time.Second { // blocked pushes would take the 30 s attempt timeout
		t.Fatalf("pushes slowed by a dead receiver: p50 %v → %v, max %v", p50b, p50a, maxA)
	}
}

// TestWebhookQueueSurvivesRestart: a delivery queued while the receiver is
// down is delivered by the next hub process on the same data.
func TestWebhookQueueSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	var stopServices func()
	start := func() (*hub.Server, *httptest.Server, hubdb.Store) {
		store, err := hubdb.OpenBadger(hubdb.Options{Dir: dir + "/db", Logger: discard()})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := hub.NewServer(hub.Options{Store: store, Logger: discard(), WebhookAllowPrivate: true})
		if err != nil {
			t.Fatal(err)
		}
		hub.SetWebhookTiming(srv, 20*time.Millisecond, 50*time.Millisecond, time.Second, 1000)
		stopServices = synctest.RunServices(srv, discard())
		return srv, httptest.NewServer(srv.Handler()), store
	}
	srv, hs, store := start()
	admin, _ := hub.AddUser(ctx, store, "admin@example.com", hubdb.RoleAdmin, time.Now())
	rep, _ := hub.AddUser(ctx, store, "rep@example.com", hubdb.RoleField, time.Now())
	ac := &synctest.WireClient{BaseURL: hs.URL, Token: admin.Token}
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close() // connection refused from now on
	addWebhook(t, ac, downURL)
	rc := &synctest.WireClient{BaseURL: hs.URL, Token: rep.Token, ClientID: "c-restart"}
	pushOne(t, rc, evidence(1, id(), "h1", map[string]any{"quote": "while down"}))
	waitFor(t, func() bool { // queued in the store, and failing
		stats, _ := store.QueueStats(ctx, "webhook")
		var list struct{ Webhooks []hub.WebhookStatus }
		do(t, ac, "GET", "/v1/webhooks", nil).Decode(&list)
		return len(stats) == 1 && len(list.Webhooks) == 1 && list.Webhooks[0].Pending == 1 && list.Webhooks[0].LastError != ""
	})
	srv.Close()
	hs.Close()
	stopServices()
	store.Close()

	// Bring a receiver up on the same address, then restart the hub.
	got := make(chan []byte, 10)
	ln, err := listenOn(downURL)
	if err != nil {
		t.Skipf("cannot rebind %s: %v", downURL, err)
	}
	up := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- b
	})}}
	up.Start()
	defer up.Close()
	srv, hs, store = start()
	defer func() { srv.Close(); hs.Close(); stopServices(); store.Close() }()
	select {
	case b := <-got:
		if !contains(string(b), "while down") {
			t.Fatalf("delivered %s", b)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("queued delivery not sent after restart")
	}
	select {
	case b := <-got:
		t.Fatalf("delivered twice: %s", b)
	case <-time.After(300 * time.Millisecond):
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 5s")
}

var _ = syncproto.OrgScope

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func listenOn(rawURL string) (net.Listener, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, err
	}
	return net.Listen("tcp", u.Host)
}

func TestWebhookMetrics(t *testing.T) {
	e := newEnv(t)
	setWebhookTiming(e.hub, 10*time.Millisecond, 20*time.Millisecond, time.Second, 2)
	rc := newReceiver(t, func(w http.ResponseWriter, r *http.Request) bool { w.WriteHeader(500); return false })
	addWebhook(t, e.admin, rc.URL)
	push(t, e.repA, evidence(1, id(), "h1", nil))
	waitFor(t, func() bool {
		rep := do(t, e.admin, "GET", "/metrics", nil)
		return contains(string(rep.Body), `fieldhub_webhook_deliveries_total{result="dead"} 1`) &&
			contains(string(rep.Body), `fieldhub_webhook_deliveries_total{result="failed"} 2`) &&
			contains(string(rep.Body), "fieldhub_webhook_queue_depth 0") && contains(string(rep.Body), "fieldhub_insights_index_evidence 1")
	})
	var list struct{ Webhooks []hub.WebhookStatus }
	do(t, e.admin, "GET", "/v1/webhooks", nil).Decode(&list)
	if list.Webhooks[0].Dead != 1 || !contains(list.Webhooks[0].LastError, "500") {
		t.Fatalf("%+v", list.Webhooks[0])
	}
}

// TestWebhookStoppedReplicaHandsItsDeliveryOver: two replicas on one
// PostgreSQL; the one sending a delivery is stopped (its services shut
// down, as on SIGTERM) while the receiver holds the request. It releases
// the lease on the way out, so the other replica sends the same delivery
// at once — long before the lease would have run out. (A replica killed
// outright is sync/cmd/fieldhub's TestWebhookDeliveryTakenOverWhenItsReplicaDies.)
func TestWebhookStoppedReplicaHandsItsDeliveryOver(t *testing.T) {
	h := synctest.StartReplicas(t, 2, synctest.HubOptions{WebhookAllowPrivate: true})
	for _, r := range h.Replicas {
		hub.SetWebhookTiming(r.Server, 10*time.Millisecond, 50*time.Millisecond, 30*time.Second, 5) // lease 1 min
	}
	type req struct{ delivery, worker string }
	got := make(chan req, 10)
	release := make(chan struct{})
	defer close(release)
	var n atomic.Int64
	rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		ua := r.Header.Get("User-Agent")
		got <- req{r.Header.Get("X-Fieldnotes-Delivery"), strings.TrimSuffix(ua[strings.LastIndex(ua, "(")+1:], ")")}
		if n.Add(1) == 1 {
			select { // hold the first attempt until its sender gives up
			case <-r.Context().Done():
			case <-release:
			}
		}
	}))
	defer rc.Close()
	admin, rep := h.AddUser(t, hubdb.RoleAdmin), h.AddUser(t, hubdb.RoleField)
	addWebhook(t, &synctest.WireClient{BaseURL: h.URL, Token: admin.Token}, rc.URL)
	push(t, &synctest.WireClient{BaseURL: h.URL, Token: rep.Token, ClientID: "c_rep"}, evidence(1, id(), "h1", map[string]any{"quote": "hand me over"}))

	var first req
	select {
	case first = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	stopped := time.Now()
	for _, r := range h.Replicas {
		if r.Server.WebhookWorker() == first.worker {
			r.Stop()
		}
	}
	select {
	case again := <-got:
		if again.delivery != first.delivery || again.worker == first.worker {
			t.Fatalf("re-sent %+v after %+v", again, first)
		}
		t.Logf("handed over in %v", time.Since(stopped).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("the other replica did not take the delivery over (lease not released?)")
	}
}

// setWebhookTiming shortens the timing of every replica of h (each sends
// deliveries).
func setWebhookTiming(h *synctest.Hub, base, maxBackoff, timeout time.Duration, maxAttempts int) {
	hub.SetWebhookTiming(h.Server, base, maxBackoff, timeout, maxAttempts)
	for _, r := range h.Replicas {
		hub.SetWebhookTiming(r.Server, base, maxBackoff, timeout, maxAttempts)
	}
}
