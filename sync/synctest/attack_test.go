package synctest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// The attacks of issue 15, each as a hostile or careless user would try
// them against the real hub over HTTP on loopback. Every one failed
// (the attack worked) before its fix.

// hostPort is the hub's loopback address.
func (h *Hub) hostPort() string { return strings.TrimPrefix(h.URL, "http://") }

// TestAttackSlowloris holds connections open the slow way — headers a byte
// at a time, a body that never finishes, with and without a token — and
// checks the hub closes every one within its timeouts, and that
// connections beyond the unauthenticated cap are closed at once.
func TestAttackSlowloris(t *testing.T) {
	limits := hub.Limits{HeaderTimeout: 700 * time.Millisecond, BodyTimeout: 700 * time.Millisecond, MaxUnauthConns: 16}
	h := StartHub(t, HubOptions{Limits: limits})
	u := h.AddUser(t, hubdb.RoleField)
	type slow struct {
		name string
		head string
	}
	var attacks []slow
	for i := 0; i < 10; i++ {
		attacks = append(attacks,
			slow{"slow headers, no token", "POST /v1/sync/push HTTP/1.1\r\nHost: hub\r\nX-Slow: "},
			slow{"slow body, with token", "POST /v1/sync/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " + u.Token +
				"\r\nSync-Protocol: 1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"client_id\":\"c_slow\","})
	}
	start := time.Now()
	var wg sync.WaitGroup
	held := make(chan string, len(attacks))
	for _, a := range attacks {
		wg.Add(1)
		go func(a slow) {
			defer wg.Done()
			conn, err := net.Dial("tcp", h.hostPort())
			if err != nil {
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second)) // the test's own bound
			if _, err := conn.Write([]byte(a.head)); err != nil {
				return
			}
			for i := 0; i < 100; i++ { // dribble one byte every 100 ms, at most 10 s
				time.Sleep(100 * time.Millisecond)
				if _, err := conn.Write([]byte("x")); err != nil {
					return // the hub closed it
				}
			}
			held <- a.name
		}(a)
	}
	wg.Wait()
	close(held)
	for name := range held {
		t.Errorf("%s: the connection was held for 10 s", name)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("closing the slow connections took %s", took)
	}
	// the hub still serves
	c := &WireClient{BaseURL: h.URL, Token: u.Token, ClientID: "c_after"}
	if _, rep, err := c.Push(context.Background(), Upsert(1, "account", "acc-after", HLCAt(time.Now(), 0), map[string]any{"name": "After"})); err != nil || rep.Status != 200 {
		t.Fatalf("push after the attack: %v %d %s", err, rep.Status, rep.Body)
	}
}

// TestAttackIdleConnectionsOverTheUnauthenticatedCap opens more silent
// connections than the cap: those over it are closed at once.
func TestAttackIdleConnectionsOverTheUnauthenticatedCap(t *testing.T) {
	h := StartHub(t, HubOptions{Limits: hub.Limits{MaxUnauthConns: 8, HeaderTimeout: 5 * time.Second}})
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 20; i++ {
		c, err := net.Dial("tcp", h.hostPort())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	closed := 0
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
			closed++
		}
	}
	if closed < 12 {
		t.Fatalf("%d of 20 silent connections over a cap of 8 were closed, want at least 12", closed)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestAttackPushFlood: one user pushing faster than the quota gets 429
// with Retry-After; waiting and resending applies the push (nothing lost).
func TestAttackPushFlood(t *testing.T) {
	h := StartHub(t, HubOptions{Limits: hub.Limits{PushesPerSecond: 2, PushBurst: 5}})
	u := h.AddUser(t, hubdb.RoleField)
	c := &WireClient{BaseURL: h.URL, Token: u.Token, ClientID: "c_flood"}
	ctx := context.Background()
	next, limited := uint64(1), 0
	var retryAfter string
	for i := 0; i < 20; i++ {
		_, rep, err := c.Push(ctx, Upsert(next, "account", fmt.Sprintf("acc-%d", next), HLCAt(time.Now(), 0), map[string]any{"name": "Flood"}))
		if err != nil {
			t.Fatal(err)
		}
		switch rep.Status {
		case http.StatusOK:
			next++
		case http.StatusTooManyRequests:
			limited++
			retryAfter = rep.Header.Get("Retry-After")
			if rep.Error().Code != "rate_limited" {
				t.Fatalf("429 body: %s", rep.Body)
			}
		default:
			t.Fatalf("push: %d %s", rep.Status, rep.Body)
		}
	}
	secs, err := strconv.Atoi(retryAfter)
	if limited == 0 || err != nil || secs < 1 {
		t.Fatalf("20 pushes at once over a burst of 5: %d limited, Retry-After %q", limited, retryAfter)
	}
	time.Sleep(time.Duration(secs) * time.Second)
	if _, rep, _ := c.Push(ctx, Upsert(next, "account", "acc-late", HLCAt(time.Now(), 0), map[string]any{"name": "Late"})); rep.Status != 200 {
		t.Fatalf("push after Retry-After: %d %s", rep.Status, rep.Body)
	}
	metrics, err := http.Get(h.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer metrics.Body.Close()
	found := map[string]bool{}
	sc := bufio.NewScanner(metrics.Body)
	for sc.Scan() {
		for _, want := range []string{`fieldhub_throttled_total{limit="push_rate"}`, `fieldhub_limit{name="pushes_per_second_per_user"} 2`, `fieldhub_limit{name="record_bytes"}`} {
			if strings.HasPrefix(sc.Text(), want) {
				found[want] = true
			}
		}
	}
	for _, want := range []string{`fieldhub_throttled_total{limit="push_rate"}`, `fieldhub_limit{name="pushes_per_second_per_user"} 2`} {
		if !found[want] {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// clock is a hub clock tests move forward.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

type attackRig struct {
	h        *Hub
	clock    *clock
	rep, pm  *WireClient
	rep2     *WireClient
	repID    string
	pmID     string
	mutation map[*WireClient]uint64
	ticks    int
}

func newAttackRig(t *testing.T) *attackRig {
	c := &clock{}
	h := StartHub(t, HubOptions{Now: c.now})
	rep, rep2, pm := h.AddUser(t, hubdb.RoleField), h.AddUser(t, hubdb.RoleField), h.AddUser(t, hubdb.RoleProduct)
	return &attackRig{h: h, clock: c, repID: rep.ID, pmID: pm.ID, mutation: map[*WireClient]uint64{},
		rep:  &WireClient{BaseURL: h.URL, Token: rep.Token, ClientID: "c_rep_" + rep.ID},
		rep2: &WireClient{BaseURL: h.URL, Token: rep2.Token, ClientID: "c_rep2_" + rep2.ID},
		pm:   &WireClient{BaseURL: h.URL, Token: pm.Token, ClientID: "c_pm_" + pm.ID}}
}

func (g *attackRig) hlc() string { g.ticks++; return HLCAt(g.clock.now(), uint16(g.ticks)) }

// push sends one mutation (numbered per client) and returns its result.
func (g *attackRig) push(t *testing.T, c *WireClient, op, typ, id string, fields map[string]any, hlc string) syncproto.Result {
	t.Helper()
	g.mutation[c]++
	m := Upsert(g.mutation[c], typ, id, hlc, fields)
	if op == syncproto.OpDelete {
		m = Delete(g.mutation[c], typ, id, hlc)
	}
	resp, rep, err := c.Push(context.Background(), m)
	if err != nil || rep.Status != http.StatusOK || len(resp.Results) != 1 {
		t.Fatalf("push %s %s: %v %d %.300s", typ, id, err, rep.Status, rep.Body)
	}
	return resp.Results[0]
}

// pushRaw sends one mutation whose fields are given as raw JSON text.
func (g *attackRig) pushRaw(t *testing.T, c *WireClient, typ, id, rawFields string) syncproto.Result {
	t.Helper()
	g.mutation[c]++
	body := fmt.Sprintf(`{"client_id":%q,"mutations":[{"mutation_id":%d,"op":"upsert","type":%q,"id":%q,"hlc":%q,"fields":%s}]}`,
		c.ClientID, g.mutation[c], typ, id, g.hlc(), rawFields)
	rep, err := c.Do(context.Background(), http.MethodPost, "/v1/sync/push", []byte(body))
	var resp syncproto.PushResponse
	if err != nil || rep.Status != http.StatusOK || rep.Decode(&resp) != nil || len(resp.Results) != 1 {
		t.Fatalf("push: %v %d %.300s", err, rep.Status, rep.Body)
	}
	return resp.Results[0]
}

func wantResult(t *testing.T, what string, r syncproto.Result, status, code string) {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("%s: got %s %s (%s), want %s %s", what, r.Status, r.Code, r.Message, status, code)
	}
}

// TestAttackRecordGrowth: pushes of large unknown fields into one org
// account are refused too_large; the record stays small.
func TestAttackRecordGrowth(t *testing.T) {
	g := newAttackRig(t)
	acc := notebook.NewID()
	wantResult(t, "create", g.push(t, g.rep, "upsert", "account", acc, map[string]any{"name": "Acme"}, g.hlc()), "applied", "")
	big := strings.Repeat("x", 900<<10)
	for i := 0; i < 5; i++ {
		r := g.push(t, g.rep, "upsert", "account", acc, map[string]any{fmt.Sprintf("junk_%d", i): big}, g.hlc())
		wantResult(t, "900 KB unknown field", r, "rejected", "too_large")
	}
	medium := strings.Repeat("y", 6<<10)
	tooLarge := 0
	for i := 0; i < 10; i++ {
		r := g.push(t, g.rep, "upsert", "account", acc, map[string]any{fmt.Sprintf("extra_%d", i): medium}, g.hlc())
		if r.Code == "too_large" {
			tooLarge++
		}
	}
	if tooLarge == 0 {
		t.Fatal("60 KB of unknown fields in 6 KB pieces were all kept")
	}
	recs, _, err := g.pm.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if raw, _ := json.Marshal(r); r.ID == acc && len(raw) > hub.MaxRecordBytes {
			t.Fatalf("the account grew to %d bytes", len(raw))
		}
	}
}

// TestAttackBlockPublishing: a field user binding the hub's publishing
// client id, or deleting an id it never saw, cannot stop a PM publishing.
func TestAttackBlockPublishing(t *testing.T) {
	g := newAttackRig(t)
	for _, stolen := range []string{"hub-publish." + g.pmID, "hub-publish.fieldhub", "hub-anything"} {
		thief := &WireClient{BaseURL: g.h.URL, Token: g.rep.Token, ClientID: stolen}
		if _, rep, _ := thief.Pull(context.Background(), "", 0, 0); rep.Status != http.StatusForbidden {
			t.Fatalf("pull with client_id %s: %d %s", stolen, rep.Status, rep.Body)
		}
		if _, rep, _ := thief.Push(context.Background(), Upsert(1, "account", notebook.NewID(), g.hlc(), map[string]any{"name": "x"})); rep.Status != http.StatusForbidden {
			t.Fatalf("push with client_id %s: %d %s", stolen, rep.Status, rep.Body)
		}
	}
	wantResult(t, "delete of an unseen id", g.push(t, g.rep, "delete", "account", "sso-pricing", nil, g.hlc()), "applied", "")
	rep, err := g.pm.Do(context.Background(), http.MethodPost, "/v1/hypotheses", []byte(`[{"id":"sso-pricing","statement":"SSO sells the upgrade","status":"active","questions":[{"id":"q1","text":"Would you pay for SSO?","kind":"signal"}]}]`))
	if err != nil || rep.Status != http.StatusOK || !strings.Contains(string(rep.Body), `"status":"applied"`) {
		t.Fatalf("publish after the attacks: %v %d %s", err, rep.Status, rep.Body)
	}
}

// TestAttackRewriteEvidence: an edit after the author window is refused
// even when its HLC is backdated into the window.
func TestAttackRewriteEvidence(t *testing.T) {
	g := newAttackRig(t)
	ev := notebook.NewID()
	created := g.clock.now()
	wantResult(t, "create", g.push(t, g.rep, "upsert", "evidence", ev, map[string]any{"hypothesis_id": "h1", "signal": "supports", "quote": "We'd pay 40"}, g.hlc()), "applied", "")
	g.clock.advance(11 * time.Minute)
	backdated := HLCAt(created.Add(time.Second), 1)
	wantResult(t, "backdated edit", g.push(t, g.rep, "upsert", "evidence", ev, map[string]any{"quote": "We'd pay 4000"}, backdated), "rejected", "conflict")
}

// TestAttackInvalidUTF8AndDeepNesting: raw invalid UTF-8 and a 9,996-deep
// value are rejected invalid, naming the field, and never stored.
func TestAttackInvalidUTF8AndDeepNesting(t *testing.T) {
	g := newAttackRig(t)
	acc := notebook.NewID()
	r := g.pushRaw(t, g.rep, "account", acc, "{\"name\":\"Acme \xff GmbH\"}")
	if r.Status != "rejected" || r.Code != "invalid" || !strings.Contains(r.Message, "name") || !strings.Contains(r.Message, "UTF-8") {
		t.Fatalf("invalid UTF-8: %+v", r)
	}
	deep := strings.Repeat("[", 9996) + strings.Repeat("]", 9996)
	r = g.pushRaw(t, g.rep, "account", acc, `{"name":"Acme","nested_junk":`+deep+`}`)
	if r.Status != "rejected" || r.Code != "invalid" || !strings.Contains(r.Message, "nested_junk") {
		t.Fatalf("deep nesting: %+v", r)
	}
	r = g.pushRaw(t, g.rep, "account", acc, `{"name":"Acme","ok":`+strings.Repeat("[", 32)+strings.Repeat("]", 32)+`}`)
	wantResult(t, "32 levels", r, "applied", "")
}

// TestAttackProbeOtherUsersIDs: a field user guessing ids learns nothing
// from the messages about another user's records.
func TestAttackProbeOtherUsersIDs(t *testing.T) {
	g := newAttackRig(t)
	ev := notebook.NewID()
	wantResult(t, "create", g.push(t, g.rep, "upsert", "evidence", ev, map[string]any{"hypothesis_id": "h1", "signal": "supports"}, g.hlc()), "applied", "")
	for _, typ := range []string{"evidence", "call"} {
		r := g.push(t, g.rep2, "upsert", typ, ev, map[string]any{"hypothesis_id": "h1", "signal": "refutes", "account_id": "a"}, g.hlc())
		if r.Status != "rejected" || strings.Contains(r.Message, "another user") || strings.Contains(r.Message, "evidence") || strings.Contains(r.Message, g.repID) {
			t.Fatalf("%s over another user's evidence: %+v", typ, r)
		}
	}
}

// pulled returns the record as product sees it.
func (g *attackRig) pulled(t *testing.T, id string) syncproto.Envelope {
	t.Helper()
	recs, _, err := g.pm.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("%s is not on the hub", id)
	return syncproto.Envelope{}
}

func flagged(env syncproto.Envelope) bool { return string(env.Data["do_not_contact"]) == "true" }

// TestAttackBypassDoNotContact: the opt-out belongs to the address; delete
// and recreate, moving the address to another contact, or changing the
// flagged contact's address do not lift it; only product can.
func TestAttackBypassDoNotContact(t *testing.T) {
	g := newAttackRig(t)
	flaggedID := notebook.NewID()
	wantResult(t, "flag", g.push(t, g.rep, "upsert", "contact", flaggedID, map[string]any{"email": "ana@acme.com", "do_not_contact": true}, g.hlc()), "applied", "")
	wantResult(t, "delete the flagged contact", g.push(t, g.rep, "delete", "contact", flaggedID, nil, g.hlc()), "applied", "")

	again := notebook.NewID()
	wantResult(t, "recreate with do_not_contact false", g.push(t, g.rep, "upsert", "contact", again, map[string]any{"email": "ana@acme.com", "do_not_contact": false}, g.hlc()), "rejected", "forbidden")
	wantResult(t, "recreate without the flag", g.push(t, g.rep, "upsert", "contact", again, map[string]any{"email": "ana@acme.com"}, g.hlc()), "applied", "")
	if !flagged(g.pulled(t, again)) {
		t.Fatal("a recreated contact with the opted-out address is contactable")
	}

	other := notebook.NewID()
	wantResult(t, "another contact", g.push(t, g.rep, "upsert", "contact", other, map[string]any{"email": "bo@acme.com"}, g.hlc()), "applied", "")
	wantResult(t, "move the address to it", g.push(t, g.rep, "upsert", "contact", other, map[string]any{"email": "ana@acme.com"}, g.hlc()), "applied", "")
	if !flagged(g.pulled(t, other)) {
		t.Fatalf("moving the opted-out address to another contact lifted the opt-out: %s", g.pulled(t, other).Data)
	}

	// the flagged contact moves to a new address; the old one stays opted out
	wantResult(t, "change the flagged contact's email", g.push(t, g.rep, "upsert", "contact", again, map[string]any{"email": "ana.new@acme.com"}, g.hlc()), "applied", "")
	third := notebook.NewID()
	wantResult(t, "take the old address", g.push(t, g.rep, "upsert", "contact", third, map[string]any{"email": "ana@acme.com"}, g.hlc()), "applied", "")
	if !flagged(g.pulled(t, third)) {
		t.Fatal("the old address of a flagged contact became contactable")
	}

	// product clears it, explicitly
	wantResult(t, "product clears", g.push(t, g.pm, "upsert", "contact", third, map[string]any{"do_not_contact": false}, g.hlc()), "applied", "")
	fourth := notebook.NewID()
	wantResult(t, "after the clear", g.push(t, g.rep, "upsert", "contact", fourth, map[string]any{"email": "ana@acme.com"}, g.hlc()), "applied", "")
	if flagged(g.pulled(t, fourth)) {
		t.Fatal("product's clear did not hold")
	}
}

// TestSoftDeleteProductCanUndo: a field user's delete of an account is a
// tombstone for everyone, but product can bring the account back whole.
func TestSoftDeleteProductCanUndo(t *testing.T) {
	g := newAttackRig(t)
	acc := notebook.NewID()
	wantResult(t, "create", g.push(t, g.rep, "upsert", "account", acc, map[string]any{"name": "Globex", "segment": "mid-market"}, g.hlc()), "applied", "")
	wantResult(t, "careless delete", g.push(t, g.rep, "delete", "account", acc, nil, g.hlc()), "applied", "")
	if env := g.pulled(t, acc); !env.Deleted {
		t.Fatal("the delete did not go out")
	}
	wantResult(t, "owner's edit after the delete", g.push(t, g.rep, "upsert", "account", acc, map[string]any{"name": "Globex Inc"}, g.hlc()), "rejected", "not_found")
	wantResult(t, "product's ordinary edit (a delete wins)", g.push(t, g.pm, "upsert", "account", acc, map[string]any{"stage": "customer"}, g.hlc()), "rejected", "not_found")
	if rep, _ := g.rep.Do(context.Background(), http.MethodPost, "/v1/records/"+acc+"/restore", nil); rep.Status != http.StatusForbidden {
		t.Fatalf("a field user restoring: %d %s", rep.Status, rep.Body)
	}
	if rep, _ := g.pm.Do(context.Background(), http.MethodPost, "/v1/records/"+acc+"/restore", nil); rep.Status != http.StatusOK {
		t.Fatalf("product restores: %d %s", rep.Status, rep.Body)
	}
	env := g.pulled(t, acc)
	if env.Deleted || string(env.Data["name"]) != `"Globex"` || string(env.Data["segment"]) != `"mid-market"` {
		t.Fatalf("restored: %+v %s", env.Deleted, env.Data)
	}
	if rep, _ := g.pm.Do(context.Background(), http.MethodPost, "/v1/records/"+acc+"/restore", nil); rep.Status != http.StatusNotFound {
		t.Fatalf("restoring a live record: %d %s", rep.Status, rep.Body)
	}
	wantResult(t, "owner's edit after the restore", g.push(t, g.rep, "upsert", "account", acc, map[string]any{"name": "Globex Inc"}, g.hlc()), "applied", "")
}

// TestAttackWebhookIntoTheHubsNetwork: an admin pointing webhooks at the
// hub's own network is refused, and a failing delivery says only
// "delivery failed (…)" — no address, port or banner.
func TestAttackWebhookIntoTheHubsNetwork(t *testing.T) {
	h := StartHub(t, HubOptions{})
	admin := &WireClient{BaseURL: h.URL, Token: h.AddUser(t, hubdb.RoleAdmin).Token}
	for _, target := range []string{"http://127.0.0.1:1/", "http://[::1]:8787/", "http://0.0.0.0/", "http://169.254.169.254/latest/meta-data/",
		"http://127.1/", "http://2130706433/", h.URL + "/v1/admin/users", "http://10.0.0.1/", "http://[::ffff:127.0.0.1]/"} {
		rep, err := admin.Do(context.Background(), http.MethodPost, "/v1/webhooks", []byte(`{"url":"`+target+`"}`))
		if err != nil || rep.Status != http.StatusBadRequest {
			t.Errorf("webhook to %s: %v %d %s", target, err, rep.Status, rep.Body)
		}
	}
}
