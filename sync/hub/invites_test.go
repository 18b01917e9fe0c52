package hub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

func createInvite(t *testing.T, e *env, email, role, expires string) hub.NewInvite {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "role": role, "expires": expires})
	rep, err := e.admin.Do(ctx, http.MethodPost, "/v1/admin/invites", body)
	if err != nil || rep.Status != http.StatusCreated {
		t.Fatalf("create invite: %v %d %s", err, rep.Status, rep.Body)
	}
	var inv hub.NewInvite
	if err := rep.Decode(&inv); err != nil {
		t.Fatal(err)
	}
	return inv
}

func redeem(t *testing.T, e *env, link string) synctest.Reply {
	t.Helper()
	in, err := syncproto.ParseInvite(link)
	if err != nil {
		t.Fatalf("the hub's link does not parse: %v", err)
	}
	anon := &synctest.WireClient{BaseURL: in.HubURL}
	body, _ := json.Marshal(syncproto.RedeemRequest{Secret: in.Secret, DeviceName: "ana's laptop"})
	rep, err := anon.Do(ctx, http.MethodPost, "/v1/invites/redeem", body)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func userCount(t *testing.T, e *env) int {
	t.Helper()
	users, err := e.hub.Store.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return len(users)
}

func TestInviteRedeemedOnceGivesAWorkingToken(t *testing.T) {
	e := newEnv(t)
	inv := createInvite(t, e, "Ana@Acme.com", "field", "7d")
	if inv.Email != "ana@acme.com" || inv.Role != hubdb.RoleField || inv.State != "pending" || len(inv.ID) != 16 {
		t.Fatalf("invite %+v", inv.InviteInfo)
	}
	if !strings.HasPrefix(inv.Link, "fieldnotes://join?") || !strings.HasPrefix(inv.Code, "FN1-") {
		t.Fatalf("link %q code %q", inv.Link, inv.Code)
	}
	code, _ := syncproto.ParseInvite(inv.Code)
	link, _ := syncproto.ParseInvite(inv.Link)
	if code != link || link.HubURL != e.hub.URL {
		t.Fatalf("code %+v and link %+v should both carry the hub %s", code, link, e.hub.URL)
	}

	rep := redeem(t, e, inv.Code)
	if rep.Status != http.StatusOK {
		t.Fatalf("redeem: %d %s", rep.Status, rep.Body)
	}
	var got syncproto.RedeemResponse
	_ = rep.Decode(&got)
	if got.Email != "ana@acme.com" || got.Role != "field" || got.Token == "" {
		t.Fatalf("redeemed %+v", got)
	}
	me := &synctest.WireClient{BaseURL: e.hub.URL, Token: got.Token}
	if r, _ := me.Do(ctx, http.MethodGet, "/v1/me", nil); r.Status != http.StatusOK || !strings.Contains(string(r.Body), got.UserID) {
		t.Fatalf("the redeemed token does not work: %d %s", r.Status, r.Body)
	}

	users := userCount(t, e)
	again := redeem(t, e, inv.Link)
	if again.Status != http.StatusConflict || !strings.Contains(again.Error().Message, "already used") {
		t.Fatalf("second redeem: %d %s", again.Status, again.Body)
	}
	if userCount(t, e) != users {
		t.Fatal("a refused redeem added a user")
	}

	listed, _ := e.admin.Do(ctx, http.MethodGet, "/v1/admin/invites", nil)
	var list struct{ Invites []hub.InviteInfo }
	_ = listed.Decode(&list)
	if len(list.Invites) != 1 || list.Invites[0].State != "used" || list.Invites[0].UserID != got.UserID || list.Invites[0].Device != "ana's laptop" {
		t.Fatalf("list %+v", list.Invites)
	}
	if strings.Contains(string(listed.Body), link.Secret) {
		t.Fatal("the invite list shows the secret")
	}
}

// Two laptops redeem one invite at the same moment: exactly one gets in.
func TestInviteNeverAcceptedTwiceConcurrently(t *testing.T) {
	e := newEnv(t)
	inv := createInvite(t, e, "bo@acme.com", "product", "")
	before := userCount(t, e)
	const n = 12
	statuses := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			statuses[i] = redeem(t, e, inv.Link).Status
		}()
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict:
		default:
			t.Errorf("status %d", s)
		}
	}
	if ok != 1 {
		t.Fatalf("%d of %d concurrent redeems succeeded (statuses %v), want exactly 1", ok, n, statuses)
	}
	if got := userCount(t, e); got != before+1 {
		t.Fatalf("%d users after, want %d", got, before+1)
	}
}

func TestInviteRefusedWhenExpiredRevokedOrMistyped(t *testing.T) {
	e := newEnv(t)
	expired := createInvite(t, e, "cy@acme.com", "field", "1d")
	revoked := createInvite(t, e, "di@acme.com", "field", "")
	if r, _ := e.admin.Do(ctx, http.MethodDelete, "/v1/admin/invites/"+revoked.ID, nil); r.Status != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	e.clock.advance(25 * time.Hour)
	before := userCount(t, e)

	mistyped, _ := syncproto.ParseInvite(revoked.Link)
	mistyped.Secret = mistyped.Secret[:len(mistyped.Secret)-1] + "x"
	for _, c := range []struct {
		name, link string
		status     int
		want       string
	}{
		{"expired", expired.Link, http.StatusForbidden, "expired on"},
		{"revoked", revoked.Link, http.StatusForbidden, "revoked"},
		{"mistyped", mistyped.Link(), http.StatusNotFound, "check that the whole link or code was pasted"},
	} {
		rep := redeem(t, e, c.link)
		if rep.Status != c.status || !strings.Contains(rep.Error().Message, c.want) {
			t.Errorf("%s: %d %s, want %d with %q", c.name, rep.Status, rep.Body, c.status, c.want)
		}
	}
	if userCount(t, e) != before {
		t.Fatal("a refused invite added a user")
	}
	// Revoking a used invite says to revoke the user.
	used := createInvite(t, e, "ed@acme.com", "field", "")
	if r := redeem(t, e, used.Link); r.Status != http.StatusOK {
		t.Fatalf("redeem: %d %s", r.Status, r.Body)
	}
	if r, _ := e.admin.Do(ctx, http.MethodDelete, "/v1/admin/invites/"+used.ID, nil); r.Status != http.StatusConflict {
		t.Fatalf("revoke used: %d %s", r.Status, r.Body)
	}
}

func TestInvitesByProductOrAdminOnlyAndValidated(t *testing.T) {
	e := newEnv(t)
	body := []byte(`{"email":"x@acme.com","role":"field"}`)
	for _, req := range []struct{ method, path string }{{http.MethodPost, "/v1/admin/invites"}, {http.MethodGet, "/v1/admin/invites"}, {http.MethodDelete, "/v1/admin/invites/0123456789abcdef"}} {
		if r, _ := e.repA.Do(ctx, req.method, req.path, body); r.Status != http.StatusForbidden {
			t.Fatalf("a field user: %s %s = %d", req.method, req.path, r.Status)
		}
	}
	// The manager who brings a rep onto the team invites them; never as admin.
	if r, _ := e.pm.Do(ctx, http.MethodPost, "/v1/admin/invites", body); r.Status != http.StatusCreated {
		t.Fatalf("a PM's invite: %d %s", r.Status, r.Body)
	}
	if r, _ := e.pm.Do(ctx, http.MethodPost, "/v1/admin/invites", []byte(`{"email":"y@acme.com","role":"admin"}`)); r.Status != http.StatusBadRequest {
		t.Fatalf("a PM invited an admin: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct{ body, want string }{
		{`{"email":"nope","role":"field"}`, "email"},
		{`{"email":"x@acme.com","role":"admin"}`, "role"},
		{`{"email":"x@acme.com","role":"field","expires":"soon"}`, "expires"},
		{`{"email":"x@acme.com","role":"field","expires":"400d"}`, "90 days"},
	} {
		r, _ := e.admin.Do(ctx, http.MethodPost, "/v1/admin/invites", []byte(c.body))
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Error().Message, c.want) {
			t.Errorf("%s: %d %s", c.body, r.Status, r.Body)
		}
	}
}

// An invite for someone who already has an account binds to it: same id
// and role, a new token.
func TestInviteBindsTheExistingUser(t *testing.T) {
	e := newEnv(t)
	existing, err := hub.AddUser(ctx, e.hub.Store, "fay@acme.com", hubdb.RoleProduct, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	inv := createInvite(t, e, "fay@acme.com", "field", "")
	rep := redeem(t, e, inv.Link)
	var got syncproto.RedeemResponse
	_ = rep.Decode(&got)
	if rep.Status != http.StatusOK || got.UserID != existing.ID || got.Role != "product" || got.Token == existing.Token {
		t.Fatalf("redeem for an existing user: %d %s", rep.Status, rep.Body)
	}
}

func TestParseInviteTTL(t *testing.T) {
	for in, want := range map[string]time.Duration{"": 0, "7d": 7 * 24 * time.Hour, "36h": 36 * time.Hour} {
		if got, err := hub.ParseInviteTTL(in); err != nil || got != want {
			t.Errorf("%q: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"d", "0d", "-1h", "7days", "x"} {
		if _, err := hub.ParseInviteTTL(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
