package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

var ctx = context.Background()

type env struct {
	hub                   *synctest.Hub
	repA, repB, pm, admin *synctest.WireClient
	users                 map[*synctest.WireClient]string // client → user id
	clock                 *fakeClock
}

type fakeClock struct{ offset atomic.Int64 }

func (c *fakeClock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *fakeClock) advance(d time.Duration) { c.offset.Add(int64(d)) }

var clientSeq atomic.Int64

func newEnv(t testing.TB) *env {
	clock := &fakeClock{}
	h := synctest.StartHub(t, synctest.HubOptions{Now: clock.now, WebhookAllowPrivate: true}) // receivers are on 127.0.0.1
	e := &env{hub: h, users: map[*synctest.WireClient]string{}, clock: clock}
	e.repA = e.client(t, hubdb.RoleField)
	e.repB = e.client(t, hubdb.RoleField)
	e.pm = e.client(t, hubdb.RoleProduct)
	e.admin = e.client(t, hubdb.RoleAdmin)
	return e
}

func (e *env) client(t testing.TB, role hubdb.Role) *synctest.WireClient {
	u := e.hub.AddUser(t, role)
	c := &synctest.WireClient{BaseURL: e.hub.URL, Token: u.Token, ClientID: fmt.Sprintf("c_%d", clientSeq.Add(1))}
	e.users[c] = u.ID
	return c
}

// device is a second installation of the same user.
func (e *env) device(c *synctest.WireClient) *synctest.WireClient {
	d := *c
	d.ClientID = fmt.Sprintf("c_%d", clientSeq.Add(1))
	e.users[&d] = e.users[c]
	return &d
}

var hlcCounter atomic.Int64

// hlc returns a fresh HLC at the real current time (monotonic in a test).
func hlc() string { return synctest.HLCAt(time.Now(), uint16(hlcCounter.Add(1))) }

func push(t testing.TB, c *synctest.WireClient, muts ...syncproto.Mutation) []syncproto.Result {
	t.Helper()
	resp, rep, err := c.Push(ctx, muts...)
	if err != nil || rep.Status != http.StatusOK {
		t.Fatalf("push: %v %d %s", err, rep.Status, rep.Body)
	}
	if len(resp.Results) != len(muts) {
		t.Fatalf("push: %d results for %d mutations", len(resp.Results), len(muts))
	}
	return resp.Results
}

func pushOne(t testing.TB, c *synctest.WireClient, m syncproto.Mutation) syncproto.Result {
	t.Helper()
	return push(t, c, m)[0]
}

func wantStatus(t testing.TB, r syncproto.Result, status, code string) {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("result %+v, want %s %s", r, status, code)
	}
	if status == syncproto.StatusApplied && r.Seq == 0 {
		t.Fatalf("applied without seq: %+v", r)
	}
}

func pullAll(t testing.TB, c *synctest.WireClient) map[string]syncproto.Envelope {
	t.Helper()
	recs, _, err := c.PullAll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]syncproto.Envelope{}
	for _, r := range recs {
		out[r.ID] = r
	}
	return out
}

func field(t testing.TB, env syncproto.Envelope, name string) any {
	t.Helper()
	var v any
	if raw, ok := env.Data[name]; ok {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
	}
	return v
}

func id() string { return notebook.NewID() }

func account(n uint64, accountID string) syncproto.Mutation {
	return synctest.Upsert(n, "account", accountID, hlc(), map[string]any{"name": "Acme"})
}

func call(n uint64, callID, accountID, notes string) syncproto.Mutation {
	return synctest.Upsert(n, "call", callID, hlc(), map[string]any{"account_id": accountID, "notes": notes})
}

func evidence(n uint64, evID, hypID string, fields map[string]any) syncproto.Mutation {
	f := map[string]any{"hypothesis_id": hypID, "signal": "supports"}
	for k, v := range fields {
		f[k] = v
	}
	return synctest.Upsert(n, "evidence", evID, hlc(), f)
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// cleanupless lets a benchmark fixture outlive the sub-benchmark that made
// it (the 100k-record hub is shared by the page-size variants).
type cleanupless struct{ testing.TB }

func (cleanupless) Cleanup(func()) {}

func tempDir() (string, error) { return os.MkdirTemp("", "fieldhub-bench-") }

func TestMain(m *testing.M) {
	code := pgtest.Run(m)
	if pullHub.h != nil { // the shared benchmark hub
		pullHub.h.Server.Close()
		pullHub.h.HTTP.Close()
		pullHub.h.Store.Close()
		os.RemoveAll(pullHub.dir)
	}
	os.Exit(code)
}
