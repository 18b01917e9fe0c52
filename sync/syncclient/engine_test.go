package syncclient

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type rig struct {
	hub   *synctest.Hub
	proxy *synctest.Proxy
	rep   hub.NewUser // a field rep
	pm    hub.NewUser // a product manager
}

func newRig(t *testing.T) *rig {
	t.Helper()
	h := synctest.StartHub(t, synctest.HubOptions{})
	p := synctest.NewProxy(h.URL)
	p.ReorderHold = 50 * time.Millisecond
	t.Cleanup(p.Close)
	return &rig{hub: h, proxy: p, rep: h.AddUser(t, hubdb.RoleField), pm: h.AddUser(t, hubdb.RoleProduct)}
}

func engine(t *testing.T, url, token string, r Replica, tune ...func(*Config)) *Engine {
	t.Helper()
	cfg := Config{Replica: r, HubURL: url, Token: token, Logger: quiet, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	for _, f := range tune {
		f(&cfg)
	}
	e, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// hubRecords reads everything the product user sees, straight from the wire.
func (g *rig) hubRecords(t *testing.T) map[string]syncproto.Envelope {
	t.Helper()
	wc := synctest.WireClient{BaseURL: g.hub.URL, Token: g.pm.Token}
	recs, _, err := wc.PullAll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]syncproto.Envelope{}
	for _, r := range recs {
		out[r.ID] = r
	}
	return out
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func account(name string) map[string]any { return map[string]any{"name": name} }

func TestSyncOnceRoundTrip(t *testing.T) {
	g := newRig(t)
	a, b := newMem("dev-a"), newMem("dev-b")
	id := newID()
	a.upsert("account", id, account("Acme"))
	rep, err := engine(t, g.hub.URL, g.rep.Token, a).SyncOnce(ctxT(t))
	if err != nil || rep.Pushed != 1 || len(a.outbox) != 0 {
		t.Fatalf("push: %+v %v", rep, err)
	}
	rep, err = engine(t, g.hub.URL, g.pm.Token, b).SyncOnce(ctxT(t))
	if err != nil || rep.Pulled != 1 || b.field(id, "name") != "Acme" || b.cursor == "" {
		t.Fatalf("pull: %+v %v", rep, err)
	}
}

func TestRefusalsAreFatalAndInWords(t *testing.T) {
	g := newRig(t)
	other := g.hub.AddUser(t, hubdb.RoleField)
	// bind client "shared" to the rep first
	if _, err := engine(t, g.hub.URL, g.rep.Token, newMem("shared")).SyncOnce(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		eng   *Engine
		kind  Kind
		words string
		code  notebook.Code
	}{
		{"401", engine(t, g.hub.URL, "not-a-token", newMem("c401")), KindUnauthorized, "the hub refused the token", notebook.Forbidden},
		{"403", engine(t, g.hub.URL, other.Token, newMem("shared")), KindWrongUser, "this installation belongs to another user", notebook.Forbidden},
		{"426", func() *Engine { e := engine(t, g.hub.URL, g.rep.Token, newMem("c426")); e.setVersion("9"); return e }(), KindOutdated, "update Fieldnotes: the hub speaks protocol 1", notebook.Conflict},
		{"unconfigured", engine(t, "", "", newMem("c0")), KindNotConfigured, "sync is not set up", notebook.NotSetUp},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := c.eng.SyncOnce(ctxT(t))
			var se *Error
			if !errors.As(err, &se) || se.Kind != c.kind || !strings.Contains(err.Error(), c.words) {
				t.Fatalf("got %v", err)
			}
			if notebook.ErrorCode(err) != c.code {
				t.Fatalf("code %s", notebook.ErrorCode(err))
			}
			if time.Since(start) > 5*time.Second {
				t.Fatal("a refusal was retried")
			}
			st := c.eng.Status()
			if st.LastError == "" || st.Online {
				t.Fatalf("status %+v", st)
			}
		})
	}
}

func TestServeStopsOnRefusalUntilConfigured(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-401")
	m.upsert("account", newID(), account("Initech"))
	var mu sync.Mutex
	var seen []Status
	e := engine(t, g.proxy.URL, "wrong", m, func(c *Config) {
		c.OnStatus = func(s Status) { mu.Lock(); seen = append(seen, s); mu.Unlock() }
	})
	ctx, cancel := context.WithCancel(ctxT(t))
	done := make(chan error, 1)
	go func() { done <- e.Serve(ctx) }()
	waitFor(t, func() bool { return e.Status().Phase == PhaseStopped })
	before := sumCounts(g.proxy)
	e.ScheduleSync() // an edit must not retry a refused token
	time.Sleep(200 * time.Millisecond)
	if n := sumCounts(g.proxy); n != before {
		t.Fatalf("%d requests after the refusal", n-before)
	}
	e.Configure(g.proxy.URL, g.rep.Token)
	waitFor(t, func() bool {
		st := e.Status()
		return st.Pending == 0 && st.Phase == PhaseWaiting && st.LastError == ""
	})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(seen[len(seen)-1].LastError+statusErrors(seen), "the hub refused the token") {
		t.Fatalf("no refusal published: %+v", seen)
	}
}

func statusErrors(ss []Status) string {
	var b strings.Builder
	for _, s := range ss {
		b.WriteString(s.LastError)
	}
	return b.String()
}

func sumCounts(p *synctest.Proxy) int {
	n := 0
	for _, v := range p.Counts() {
		n += v
	}
	return n
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMutationGapRenumbers(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-gap")
	m.last = 4 // as if the hub lost track of this client (restored from backup)
	ids := []string{newID(), newID()}
	m.upsert("account", ids[0], account("One"))
	m.upsert("account", ids[1], account("Two"))
	rep, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t))
	if err != nil || rep.Renumbered != 1 || rep.Pushed != 2 || len(m.renumbers) != 1 || m.renumbers[0] != 1 {
		t.Fatalf("%+v %v renumbers %v", rep, err, m.renumbers)
	}
	recs := g.hubRecords(t)
	for _, id := range ids {
		if _, ok := recs[id]; !ok {
			t.Fatalf("%s lost", id)
		}
	}
}

func TestTooLargeHalvesThenRefusesTheOneChange(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-413")
	big := strings.Repeat("x", 5000)
	for i := 0; i < 300; i++ { // ~1.5 MB: over the hub's 1 MiB
		m.upsert("account", newID(), map[string]any{"name": "A", "x_pad": big})
	}
	huge := newID()
	m.upsert("account", huge, map[string]any{"name": "Huge", "x_blob": strings.Repeat("y", 1<<20)})
	after := newID()
	m.upsert("account", after, account("After"))
	e := engine(t, g.hub.URL, g.rep.Token, m)
	e.setMaxBody(8 << 20)
	rep, err := e.SyncOnce(ctxT(t))
	if err != nil || rep.Pushed != 301 || rep.Rejected != 1 || rep.Renumbered != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if len(m.rejected) != 1 || m.rejected[0].Code != syncproto.CodeTooLarge || !strings.Contains(m.rejected[0].Message, "too large") {
		t.Fatalf("rejected %+v", m.rejected)
	}
	recs := g.hubRecords(t)
	if _, ok := recs[after]; !ok {
		t.Fatal("the change after the oversized one was lost")
	}
	if _, ok := recs[huge]; ok {
		t.Fatal("oversized change applied")
	}
}

func TestClientBatchesStayUnderLimits(t *testing.T) {
	body, n := encodeBatch("c", []syncproto.Mutation{
		{MutationID: 1, Op: "upsert", Type: "account", ID: "a", Fields: map[string]json.RawMessage{"name": json.RawMessage(`"` + strings.Repeat("x", 600<<10) + `"`)}},
		{MutationID: 2, Op: "upsert", Type: "account", ID: "b", Fields: map[string]json.RawMessage{"name": json.RawMessage(`"` + strings.Repeat("x", 600<<10) + `"`)}},
	}, syncproto.MaxPushBytes)
	if n != 1 || len(body) > syncproto.MaxPushBytes {
		t.Fatalf("n=%d len=%d", n, len(body))
	}
	if _, err := syncproto.DecodePushRequest(body); err != nil {
		t.Fatal(err)
	}
}

func TestMalformedChangeIsRefusedLocally(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-400")
	m.queue(syncproto.Mutation{Op: syncproto.OpUpsert, Type: "memo", ID: newID(), HLC: nextHLC()})
	ok := newID()
	m.upsert("account", ok, account("Fine"))
	rep, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t))
	if err != nil || rep.Rejected != 1 || rep.Pushed != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if _, found := g.hubRecords(t)[ok]; !found || !strings.Contains(m.rejected[0].Message, "memo") {
		t.Fatalf("rejected %+v", m.rejected)
	}
}

func TestHubRejectionIsReported(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-forbidden")
	m.upsert("hypothesis", newID(), map[string]any{"statement": "reps cannot write this"})
	rep, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t))
	if err != nil || rep.Rejected != 1 || m.rejected[0].Code != syncproto.CodeForbidden {
		t.Fatalf("%+v %v %+v", rep, err, m.rejected)
	}
}

func TestNetworkFaultsAreRetried(t *testing.T) {
	for _, f := range []synctest.Fault{
		{Kind: synctest.DropRequest}, {Kind: synctest.DropResponse}, {Kind: synctest.Duplicate},
		{Kind: synctest.Truncate}, {Kind: synctest.Status, Status: 500}, {Kind: synctest.Status, Status: 502},
		{Kind: synctest.Delay, Delay: 50 * time.Millisecond},
	} {
		t.Run(f.Kind.String(), func(t *testing.T) {
			g := newRig(t)
			m := newMem("dev-" + f.Kind.String())
			id := newID()
			m.upsert("account", id, account("Globex"))
			g.proxy.Inject(f, f) // the push and its first retry (or the pull)
			rep, err := engine(t, g.proxy.URL, g.rep.Token, m, func(c *Config) { c.OnceAttempts = 4 }).SyncOnce(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Pushed+rep.Duplicates != 1 || m.field(id, "name") != "Globex" {
				t.Fatalf("%+v", rep)
			}
			if f.Kind == synctest.DropResponse && rep.Duplicates != 1 {
				t.Fatalf("a lost answer should come back as duplicate: %+v", rep)
			}
		})
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-429")
	m.upsert("account", newID(), account("Hooli"))
	g.proxy.Inject(synctest.Fault{Kind: synctest.Status, Status: 429}) // proxy sends Retry-After: 1
	start := time.Now()
	if _, err := engine(t, g.proxy.URL, g.rep.Token, m).SyncOnce(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Fatalf("retried after %v, Retry-After said 1s", d)
	}
}

func TestOfflineInWords(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	m := newMem("dev-off")
	m.upsert("account", newID(), account("Nobody"))
	e := engine(t, "http://"+addr, "tok", m, func(c *Config) { c.OnceAttempts = 2 })
	_, err := e.SyncOnce(ctxT(t))
	var se *Error
	if !errors.As(err, &se) || se.Kind != KindOffline || !strings.Contains(err.Error(), "cannot reach the hub") {
		t.Fatalf("%v", err)
	}
	if st := e.Status(); st.Online || st.ErrorKind != KindOffline || st.Pending != 0 && false {
		t.Fatalf("%+v", st)
	}
}

func TestResetKeepsAndReplaysOutbox(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-410")
	first := newID()
	m.upsert("account", first, account("Before"))
	if _, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	// The hub was restored / replaced: this cursor's epoch is unknown to it.
	m.cursor = syncproto.EncodeCursor(syncproto.Cursor{Epoch: "gone", Seqs: map[string]uint64{"org": 1}})
	pending := newID()
	m.upsert("account", pending, account("Typed offline"))
	rep, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t))
	if err != nil || rep.Resets != 1 || m.resets != 1 || rep.Pushed != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if m.field(pending, "name") != "Typed offline" || m.field(first, "name") != "Before" {
		t.Fatal("download after reset incomplete")
	}
	if _, ok := g.hubRecords(t)[pending]; !ok {
		t.Fatal("outbox discarded")
	}
}

func TestResetWithPendingBeforePush(t *testing.T) {
	// The reset is met by a long-poll while changes wait; they still go.
	g := newRig(t)
	m := newMem("dev-410b")
	m.cursor = syncproto.EncodeCursor(syncproto.Cursor{Epoch: "gone", Seqs: map[string]uint64{"org": 9}})
	e := engine(t, g.hub.URL, g.rep.Token, m)
	var rep Report
	h, _ := e.hub()
	if err := e.longPoll(ctxT(t), h, nil, &rep); err != nil || rep.Resets != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
}

func TestServeLongPollWakesOnEditAndOnRemoteChange(t *testing.T) {
	g := newRig(t)
	a, b := newMem("dev-lp-a"), newMem("dev-lp-b")
	ea := engine(t, g.hub.URL, g.rep.Token, a, func(c *Config) { c.LongPoll = 25 * time.Second })
	eb := engine(t, g.hub.URL, g.rep.Token, b, func(c *Config) { c.LongPoll = 25 * time.Second })
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	go ea.Serve(ctx)
	go eb.Serve(ctx)
	waitFor(t, func() bool { return ea.Status().Phase == PhaseWaiting && eb.Status().Phase == PhaseWaiting })
	for i := 0; i < 5; i++ {
		id := newID()
		start := time.Now()
		a.upsert("account", id, account("Live"))
		ea.ScheduleSync()
		waitFor(t, func() bool { return b.field(id, "name") == "Live" })
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("edit took %v to reach the other device", d)
		}
	}
	// b can hold the last edit before a has read the hub's answer to it
	waitFor(t, func() bool { st := ea.Status(); return st.Pending == 0 && st.Phase == PhaseWaiting })
	st := ea.Status()
	if !st.Online || st.LastSyncedAt.IsZero() || !st.Configured {
		t.Fatalf("%+v", st)
	}
}

func TestServeBacksOffAndRecovers(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-backoff")
	id := newID()
	m.upsert("account", id, account("Soylent"))
	var mu sync.Mutex
	phases := map[Phase]bool{}
	var errs []string
	g.proxy.Inject(synctest.Fault{Kind: synctest.DropRequest}, synctest.Fault{Kind: synctest.DropRequest}, synctest.Fault{Kind: synctest.Truncate})
	e := engine(t, g.proxy.URL, g.rep.Token, m, func(c *Config) {
		c.OnStatus = func(s Status) {
			mu.Lock()
			phases[s.Phase] = true
			if s.LastError != "" {
				errs = append(errs, s.LastError)
			}
			mu.Unlock()
		}
	})
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	go e.Serve(ctx)
	waitFor(t, func() bool {
		st := e.Status()
		return st.Phase == PhaseWaiting && st.LastError == "" && m.field(id, "name") == "Soylent"
	})
	mu.Lock()
	defer mu.Unlock()
	if !phases[PhaseBackoff] || len(errs) == 0 {
		t.Fatalf("phases %v errs %v", phases, errs)
	}
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	e := engine(t, "", "", newMem("x"), func(c *Config) { c.MinBackoff = 100 * time.Millisecond; c.MaxBackoff = time.Second })
	seen := map[time.Duration]bool{}
	for i := 0; i < 200; i++ {
		d := e.backoff(i%40, errors.New("x"))
		if d < 0 || d > time.Second {
			t.Fatalf("attempt %d: %v", i, d)
		}
		seen[d] = true
	}
	if len(seen) < 50 {
		t.Fatal("no jitter")
	}
	if d := e.backoff(0, &Error{Kind: KindHubError, RetryAfter: 3 * time.Second}); d != 3*time.Second {
		t.Fatalf("Retry-After ignored: %v", d)
	}
}

func TestCheckHubURL(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8787", "https://hub.example.com/", " https://hub.example.com "} {
		if err := CheckHubURL(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "hub.example.com", "ftp://x", "http://", "https://h/?a=1"} {
		if err := CheckHubURL(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestServeUnconfiguredThenConfigured(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-later")
	id := newID()
	m.upsert("account", id, account("Queued before setup"))
	e := engine(t, "", "", m)
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	go e.Serve(ctx)
	waitFor(t, func() bool {
		st := e.Status()
		return st.Phase == PhaseUnconfigured && !st.Configured && st.Pending == 1
	})
	before := e.Status()
	if before.ErrorKind != KindNotConfigured {
		t.Fatalf("before Configure: %+v", before)
	}
	e.Configure(g.hub.URL+"/", g.rep.Token)
	// at once, not when the loop next runs: the "not set up" error is gone
	// and the status says a sync is starting (Settings reads it right away)
	if st := e.Status(); st.LastError != "" || st.ErrorKind != "" || !st.Configured || st.Phase != PhasePushing || st.Rev <= before.Rev {
		t.Fatalf("right after Configure: %+v (before %+v)", st, before)
	}
	waitFor(t, func() bool { st := e.Status(); return st.Phase == PhaseWaiting && st.Pending == 0 && st.Configured })
	if _, ok := g.hubRecords(t)[id]; !ok || e.Status().HubURL != g.hub.URL {
		t.Fatalf("not pushed after Configure: %+v", e.Status())
	}
	if err := e.Serve(ctx); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Fatalf("second Serve: %v", err)
	}
}

// TestLostRejectionVerdict: when the answer to a push that the hub
// rejected is lost, the retry is answered "duplicate" with the rejection's
// code and message (the hub keeps verdicts), and the engine records the
// rejection, so the user sees that the change was refused.
func TestLostRejectionVerdict(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-lost-verdict")
	m.upsert("hypothesis", newID(), map[string]any{"statement": "reps may not write this"})
	g.proxy.Inject(synctest.Fault{Kind: synctest.DropResponse})
	rep, err := engine(t, g.proxy.URL, g.rep.Token, m).SyncOnce(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected == 0 {
		t.Fatalf("a rejected change whose answer was lost came back as a plain duplicate (%+v)", rep)
	}
	if len(m.rejected) != 1 || m.rejected[0].Code != syncproto.CodeForbidden {
		t.Fatalf("%+v", m.rejected)
	}
}

// TestNewTokenForTheSamePersonCarriesOn: after a token rotation, and after
// the person is revoked and added again, the notebook signed in with the
// new token syncs on as the same user (the hub keeps the user's id).
func TestNewTokenForTheSamePersonCarriesOn(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-rotate")
	m.upsert("account", newID(), account("Before"))
	if _, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	rotated, err := hub.RotateToken(context.Background(), g.hub.Store, g.rep.ID)
	if err != nil || rotated.ID != g.rep.ID {
		t.Fatalf("rotate: %+v %v", rotated, err)
	}
	var se *Error
	if _, err := engine(t, g.hub.URL, g.rep.Token, m).SyncOnce(ctxT(t)); !errors.As(err, &se) || se.Kind != KindUnauthorized {
		t.Fatalf("the old token after rotation: %v", err)
	}
	m.upsert("account", newID(), account("After rotation"))
	if rep, err := engine(t, g.hub.URL, rotated.Token, m).SyncOnce(ctxT(t)); err != nil || rep.Pushed != 1 {
		t.Fatalf("the notebook with the new token: %+v %v", rep, err)
	}
	if err := g.hub.Store.RevokeUser(context.Background(), g.rep.ID); err != nil {
		t.Fatal(err)
	}
	again, err := hub.AddUser(context.Background(), g.hub.Store, g.rep.Email, hubdb.RoleField, time.Now())
	if err != nil || again.ID != g.rep.ID {
		t.Fatalf("re-adding a revoked email: %+v %v (want id %s)", again, err, g.rep.ID)
	}
	m.upsert("account", newID(), account("After re-adding"))
	if rep, err := engine(t, g.hub.URL, again.Token, m).SyncOnce(ctxT(t)); err != nil || rep.Pushed != 1 {
		t.Fatalf("the notebook after re-adding: %+v %v", rep, err)
	}
}

// TestHubBackEndsTheBackoffAtOnce: while offline the engine waits out a
// long backoff, but the moment the hub answers its health check again it
// syncs — the queue empties in well under the backoff (issue 16.12).
func TestHubBackEndsTheBackoffAtOnce(t *testing.T) {
	g := newRig(t)
	m := newMem("dev-reconnect")
	var down sync.Mutex
	hubDown := true
	g.proxy.SetPolicy(func(int, *http.Request) synctest.Fault {
		down.Lock()
		defer down.Unlock()
		if hubDown {
			return synctest.Fault{Kind: synctest.DropRequest}
		}
		return synctest.Fault{Kind: synctest.Pass}
	})
	e := engine(t, g.proxy.URL, g.rep.Token, m, func(c *Config) {
		c.MinBackoff, c.MaxBackoff, c.ProbeEvery = 30*time.Second, 30*time.Second, 20*time.Millisecond
	})
	ctx, cancel := context.WithCancel(ctxT(t))
	defer cancel()
	go e.Serve(ctx)
	id := newID()
	m.upsert("account", id, account("Initech"))
	e.ScheduleSync()
	// A wait of at least 5 s more (the jitter may draw a short one first;
	// then the engine simply retries into a longer one).
	waitFor(t, func() bool {
		st := e.Status()
		return st.Phase == PhaseBackoff && st.ErrorKind == KindOffline && time.Until(st.RetryAt) > 5*time.Second
	})

	down.Lock()
	hubDown = false
	down.Unlock()
	back := time.Now()
	waitFor(t, func() bool { return e.Status().Pending == 0 && e.Status().LastError == "" })
	if took := time.Since(back); took > 2*time.Second {
		t.Fatalf("the queue took %v to empty after the hub came back", took)
	}
	if _, ok := g.hubRecords(t)[id]; !ok {
		t.Fatal("the change never reached the hub")
	}
}
