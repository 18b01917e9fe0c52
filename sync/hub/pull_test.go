package hub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

func TestPullPagesAndCursor(t *testing.T) {
	e := newEnv(t)
	var muts []syncproto.Mutation
	for i := 1; i <= 25; i++ {
		muts = append(muts, account(uint64(i), id()))
	}
	push(t, e.repA, muts...)
	seen := map[string]bool{}
	cursor := ""
	pages := 0
	for {
		page, rep, err := e.repB.Pull(ctx, cursor, 10, 0)
		if err != nil || rep.Status != 200 {
			t.Fatal(err, rep.Status)
		}
		pages++
		// the estimate of what is left, for the first sync's progress bar
		if want := uint64(max(0, 25-10*pages)); page.Remaining != want {
			t.Fatalf("page %d: remaining %d, want %d", pages, page.Remaining, want)
		}
		for _, r := range page.Records {
			if seen[r.ID] {
				t.Fatalf("record %s twice", r.ID)
			}
			seen[r.ID] = true
		}
		cursor = page.Cursor
		if !page.HasMore {
			break
		}
	}
	if len(seen) != 25 || pages != 3 {
		t.Fatalf("%d records in %d pages", len(seen), pages)
	}
	// An edit moves the record after the cursor: only it comes back.
	pushOne(t, e.repA, synctest.Upsert(26, "account", muts[0].ID, hlc(), map[string]any{"segment": "ent"}))
	page, _, _ := e.repB.Pull(ctx, cursor, 0, 0)
	if len(page.Records) != 1 || page.Records[0].ID != muts[0].ID || page.HasMore {
		t.Fatalf("page after edit: %+v", page)
	}
	// The same cursor again gives the same page (pages are idempotent to apply).
	again, _, _ := e.repB.Pull(ctx, cursor, 0, 0)
	if len(again.Records) != 1 || again.Cursor != page.Cursor {
		t.Fatal("pull is not repeatable")
	}
}

func TestPullParameterErrors(t *testing.T) {
	e := newEnv(t)
	other := synctest.StartHub(t, synctest.HubOptions{})
	otherUser := other.AddUser(t, hubdb.RoleField)
	_, otherCursor, err := (&synctest.WireClient{BaseURL: other.URL, Token: otherUser.Token}).PullAll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	beyondHead := syncproto.EncodeCursor(syncproto.Cursor{Epoch: e.hub.Store.Epoch(), Seqs: map[string]uint64{"org": 99}})
	cases := []struct {
		query  string
		status int
		code   string
	}{
		{"limit=0", 400, "invalid"},
		{"limit=ten", 400, "invalid"},
		{"wait=-1", 400, "invalid"},
		{"cursor=%%%", 400, "invalid"},
		{"cursor=bm90LWpzb24", 400, "invalid"},
		{"client_id=" + strings.Repeat("x", 200), 400, "invalid"},
		{"client_id=" + e.repB.ClientID, 403, "forbidden"},
		{"cursor=" + otherCursor, 410, "reset"},
		{"cursor=" + beyondHead, 410, "reset"},
		{"limit=999999", 200, ""},
	}
	pushOne(t, e.repB, account(1, id())) // binds repB's client_id to B
	for _, c := range cases {
		rep, err := e.repA.Do(ctx, "GET", "/v1/sync/pull?"+c.query, nil)
		if err != nil || rep.Status != c.status || c.code != "" && rep.Error().Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.query, rep.Status, rep.Body, c.status, c.code)
		}
	}
	noVersion := &synctest.WireClient{BaseURL: e.hub.URL}
	if rep, _ := noVersion.Do(ctx, "GET", "/v1/sync/pull", nil); rep.Status != 401 {
		t.Fatalf("no token: %d", rep.Status)
	}
	req, _ := http.NewRequest("GET", e.hub.URL+"/v1/sync/pull", nil)
	req.Header.Set("Authorization", "Bearer "+e.repA.Token)
	resp, _ := http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 426 || resp.Header.Get("Sync-Protocol") != "1" {
		t.Fatalf("no Sync-Protocol: %d", resp.StatusCode)
	}
}

func TestCursorOlderThanTombstoneHorizonIsReset(t *testing.T) {
	e := newEnv(t)
	a, b := id(), id()
	push(t, e.repA, account(1, a), account(2, b), synctest.Delete(3, "account", a, hlc()))
	first, _, _ := e.repB.Pull(ctx, "", 1, 0) // cursor at org:2 (b), before the tombstone (org:3)
	_, head, _ := e.repB.PullAll(ctx, "")
	e.clock.advance(91 * 24 * time.Hour)
	n, err := e.hub.Store.PurgeTombstones(ctx, e.clock.now().Add(-90*24*time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("purged %d: %v", n, err)
	}
	if _, rep, _ := e.repB.Pull(ctx, first.Cursor, 0, 0); rep.Status != 410 || rep.Error().Code != "reset" {
		t.Fatalf("old cursor: %d %s", rep.Status, rep.Body)
	}
	if _, rep, _ := e.repB.Pull(ctx, head, 0, 0); rep.Status != 200 {
		t.Fatalf("head cursor: %d %s", rep.Status, rep.Body)
	}
	if all := pullAll(t, e.repB); len(all) != 1 {
		t.Fatalf("fresh download has %d records, want 1", len(all))
	}
}

func TestTombstonesAreKept90Days(t *testing.T) {
	e := newEnv(t)
	a := id()
	push(t, e.repA, account(1, a), synctest.Delete(2, "account", a, hlc()))
	e.clock.advance(89 * 24 * time.Hour)
	ctx2, cancel := contextWithTimeout(50 * time.Millisecond)
	defer cancel()
	e.hub.Server.Maintain(ctx2, time.Hour) // purges with the server's 90-day TTL
	if rec, ok := pullAll(t, e.repB)[a]; !ok || !rec.Deleted {
		t.Fatal("tombstone purged before 90 days")
	}
}

func TestLongPollWakesAtOnce(t *testing.T) {
	e := newEnv(t)
	_, cursor, _ := e.repB.PullAll(ctx, "")
	type got struct {
		page syncproto.PullResponse
		at   time.Time
	}
	done := make(chan got, 1)
	go func() {
		page, _, _ := e.repB.Pull(ctx, cursor, 0, 10*time.Second)
		done <- got{page, time.Now()}
	}()
	time.Sleep(100 * time.Millisecond)
	pushOne(t, e.repA, account(1, id()))
	acked := time.Now()
	select {
	case g := <-done:
		if len(g.page.Records) != 1 {
			t.Fatalf("woke with %d records", len(g.page.Records))
		}
		lag := g.at.Sub(acked)
		t.Logf("long-poll answered %v after the push was acknowledged", lag)
		if lag > 200*time.Millisecond {
			t.Fatalf("long-poll took %v to wake", lag)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("long-poll did not wake")
	}
}

func TestLongPollTimesOutEmpty(t *testing.T) {
	e := newEnv(t)
	start := time.Now()
	page, rep, err := e.pm.Pull(ctx, "", 0, 300*time.Millisecond)
	if err != nil || rep.Status != 200 || len(page.Records) != 0 || page.Cursor == "" || time.Since(start) < 300*time.Millisecond {
		t.Fatalf("%v %d %+v after %v", err, rep.Status, page, time.Since(start))
	}
	// Close releases waiting pulls at once (graceful shutdown).
	done := make(chan int, 1)
	go func() { _, rep, _ := e.pm.Pull(ctx, "", 0, 30*time.Second); done <- rep.Status }()
	time.Sleep(50 * time.Millisecond)
	e.hub.Server.Close()
	for _, r := range e.hub.Replicas { // on replicas the poll may wait on any of them
		r.Server.Close()
	}
	select {
	case s := <-done:
		if s != 200 {
			t.Fatal(s)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Close did not release the long-poll")
	}
}

func TestAdminUsersAPI(t *testing.T) {
	e := newEnv(t)
	rep, _ := e.admin.Do(ctx, "POST", "/v1/admin/users", []byte(`{"email":"Nina@Acme.com","role":"field"}`))
	var nu struct{ ID, Email, Role, Token string }
	if rep.Status != 201 || rep.Decode(&nu) != nil || nu.Token == "" || nu.Email != "nina@acme.com" {
		t.Fatalf("add: %d %s", rep.Status, rep.Body)
	}
	nina := &synctest.WireClient{BaseURL: e.hub.URL, Token: nu.Token, ClientID: "c_nina"}
	if _, rep, _ := nina.Pull(ctx, "", 0, 0); rep.Status != 200 {
		t.Fatalf("new token: %d", rep.Status)
	}
	rep, _ = e.admin.Do(ctx, "GET", "/v1/admin/users", nil)
	if rep.Status != 200 || !strings.Contains(string(rep.Body), "nina@acme.com") || strings.Contains(string(rep.Body), nu.Token) {
		t.Fatalf("list: %d %s", rep.Status, rep.Body)
	}
	for _, bad := range []string{`{"email":"x","role":"field"}`, `{"email":"a@b.com","role":"boss"}`, `nope`} {
		if rep, _ := e.admin.Do(ctx, "POST", "/v1/admin/users", []byte(bad)); rep.Status != 400 {
			t.Errorf("%s: %d", bad, rep.Status)
		}
	}
	if rep, _ := e.admin.Do(ctx, "POST", "/v1/admin/users", []byte(`{"email":"nina@acme.com","role":"field"}`)); rep.Status != 409 {
		t.Errorf("duplicate email: %d", rep.Status)
	}
	for _, c := range []*synctest.WireClient{e.repA, e.pm} {
		if rep, _ := c.Do(ctx, "GET", "/v1/admin/users", nil); rep.Status != 403 {
			t.Errorf("non-admin list: %d", rep.Status)
		}
	}
	if rep, _ := e.admin.Do(ctx, "DELETE", "/v1/admin/users/"+nu.ID, nil); rep.Status != 204 {
		t.Fatalf("revoke: %d %s", rep.Status, rep.Body)
	}
	if _, rep, _ := nina.Pull(ctx, "", 0, 0); rep.Status != 401 {
		t.Fatalf("revoked token: %d", rep.Status)
	}
	if rep, _ := e.admin.Do(ctx, "DELETE", "/v1/admin/users/u_nobody", nil); rep.Status != 404 {
		t.Fatalf("revoke unknown: %d", rep.Status)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t)
	pushOne(t, e.repA, account(1, id()))
	resp, err := http.Get(e.hub.URL + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err, resp.StatusCode)
	}
	var h map[string]string
	json.NewDecoder(resp.Body).Decode(&h)
	resp.Body.Close()
	if h["status"] != "ok" || h["protocol"] != "1" {
		t.Fatal(h)
	}
	resp, err = http.Get(e.hub.URL + "/metrics")
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err)
	}
	var sb strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := resp.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	resp.Body.Close()
	for _, want := range []string{`fieldhub_push_mutations_total{status="applied"} 1`, `fieldhub_http_requests_total{code="200",route="POST /v1/sync/push"} 1`} {
		if !strings.Contains(sb.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if rep, _ := e.repA.Do(ctx, "GET", "/v1/nothing", nil); rep.Status != 404 || rep.Error().Code != "not_found" {
		t.Fatalf("unknown path: %d %s", rep.Status, rep.Body)
	}
}
