package hub_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
	"fieldnotes/sync/synctest/testop"
)

// ssoEnv is a hub with single sign-on against a real OpenID Provider on
// loopback (zitadel's pkg/op): every ID token below was issued and signed
// by it, and the hub checks it with the provider's published keys.
type ssoEnv struct {
	op    *testop.Provider
	hub   *synctest.Hub
	clock *fakeClock
	logs  *lockedLog
}

// lockedLog is the hub's log, written by its handlers while the test reads it.
type lockedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

const ssoClient = "fieldnotes-desktop"

func newSSOEnv(t testing.TB) *ssoEnv {
	t.Helper()
	op := testop.Start(t, testop.Options{ClientIDs: []string{ssoClient, "another-app"}, Users: []testop.User{
		{Username: "ana", Password: "pw-ana", Email: "Ana@Acme.example", EmailVerified: true},
		{Username: "bo", Password: "pw-bo", Email: "bo@acme.example", EmailVerified: false},
		{Username: "cy", Password: "pw-cy", Email: "cy@elsewhere.example", EmailVerified: true},
		{Username: "pm", Password: "pw-pm", Email: "pm@elsewhere.example", EmailVerified: true},
		{Username: "gone", Password: "pw-gone", Email: "gone@acme.example", EmailVerified: true},
	}})
	clock := &fakeClock{}
	logs := &lockedLog{}
	h := synctest.StartHub(t, synctest.HubOptions{Now: clock.now, Logger: slog.New(slog.NewJSONHandler(logs, nil)),
		OIDC: hub.OIDCOptions{Issuer: op.Issuer, ClientID: ssoClient, AllowedDomains: []string{"acme.example"}}})
	return &ssoEnv{op: op, hub: h, clock: clock, logs: logs}
}

func (e *ssoEnv) idToken(t *testing.T, client, user, nonce string) string {
	t.Helper()
	raw, err := e.op.IDToken(ctx, client, user, "pw-"+user, nonce)
	if err != nil {
		t.Fatalf("sign in %s at the provider: %v", user, err)
	}
	return raw
}

func (e *ssoEnv) signIn(t *testing.T, raw, nonce string) synctest.Reply {
	t.Helper()
	body, _ := json.Marshal(syncproto.OIDCSignInRequest{IDToken: raw, Nonce: nonce, DeviceName: "ana's laptop"})
	rep, err := (&synctest.WireClient{BaseURL: e.hub.URL}).Do(ctx, http.MethodPost, "/v1/auth/oidc", body)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func refused(t *testing.T, rep synctest.Reply, status int, code, words string) {
	t.Helper()
	if rep.Status != status || rep.Error().Code != code || !strings.Contains(rep.Error().Message, words) {
		t.Fatalf("want %d %s with %q, got %d %s", status, code, words, rep.Status, rep.Body)
	}
}

func TestOIDCConfigTellsTheAppWhereToSignIn(t *testing.T) {
	e := newSSOEnv(t)
	rep, err := (&synctest.WireClient{BaseURL: e.hub.URL}).Do(ctx, http.MethodGet, "/v1/auth/oidc/config", nil)
	var cfg syncproto.OIDCConfig
	if err != nil || rep.Status != 200 || rep.Decode(&cfg) != nil || cfg != (syncproto.OIDCConfig{Enabled: true, Issuer: e.op.Issuer, ClientID: ssoClient}) {
		t.Fatalf("config: %v %d %s", err, rep.Status, rep.Body)
	}

	plain := synctest.StartHub(t, synctest.HubOptions{})
	anon := &synctest.WireClient{BaseURL: plain.URL}
	rep, _ = anon.Do(ctx, http.MethodGet, "/v1/auth/oidc/config", nil)
	if rep.Status != 200 || string(bytes.TrimSpace(rep.Body)) != `{"enabled":false}` {
		t.Fatalf("config without sso: %d %s", rep.Status, rep.Body)
	}
	rep, _ = anon.Do(ctx, http.MethodPost, "/v1/auth/oidc", []byte(`{"id_token":"a.b.c","nonce":"n"}`))
	refused(t, rep, 404, "not_found", "join with an invite")
}

func TestOIDCSignInProvisionsAFieldUserAndTheTokenWorks(t *testing.T) {
	e := newSSOEnv(t)
	raw := e.idToken(t, ssoClient, "ana", "nonce-1")
	rep := e.signIn(t, raw, "nonce-1")
	var got syncproto.RedeemResponse
	if rep.Status != 200 || rep.Decode(&got) != nil || got.Email != "ana@acme.example" || got.Role != "field" || !strings.HasPrefix(got.Token, "fh_") {
		t.Fatalf("sign in: %d %s", rep.Status, rep.Body)
	}
	me, _ := (&synctest.WireClient{BaseURL: e.hub.URL, Token: got.Token}).Do(ctx, http.MethodGet, "/v1/me", nil)
	var who hub.MeResponse
	if me.Status != 200 || me.Decode(&who) != nil || who.Email != "ana@acme.example" || who.ID != got.UserID {
		t.Fatalf("/v1/me with the sso token: %d %s", me.Status, me.Body)
	}

	// The same ID token again (copied from a proxy, say) signs nobody in.
	refused(t, e.signIn(t, raw, "nonce-1"), 409, "conflict", "already used")

	// Signing in again later is the same user, with a new token.
	rep = e.signIn(t, e.idToken(t, ssoClient, "ana", "nonce-2"), "nonce-2")
	var again syncproto.RedeemResponse
	if rep.Status != 200 || rep.Decode(&again) != nil || again.UserID != got.UserID || again.Token == got.Token {
		t.Fatalf("second sign in: %d %s", rep.Status, rep.Body)
	}
	for _, secret := range []string{raw, got.Token, again.Token} {
		if strings.Contains(e.logs.String(), secret) {
			t.Fatal("a token is in the hub's log")
		}
	}
}

func TestOIDCSignInKeepsAnExistingUsersRole(t *testing.T) {
	e := newSSOEnv(t)
	// pm@elsewhere.example: a domain that may not sign up, but the person has an account.
	pm, err := hub.AddUser(ctx, e.hub.Store, "pm@elsewhere.example", hubdb.RoleProduct, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	rep := e.signIn(t, e.idToken(t, ssoClient, "pm", "n"), "n")
	var got syncproto.RedeemResponse
	if rep.Status != 200 || rep.Decode(&got) != nil || got.UserID != pm.ID || got.Role != "product" {
		t.Fatalf("existing user: %d %s", rep.Status, rep.Body)
	}
}

func TestOIDCSignInRefusals(t *testing.T) {
	e := newSSOEnv(t)
	gone, _ := hub.AddUser(ctx, e.hub.Store, "gone@acme.example", hubdb.RoleField, time.Now())
	if err := e.hub.Store.RevokeUser(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	t.Run("wrong audience", func(t *testing.T) {
		refused(t, e.signIn(t, e.idToken(t, "another-app", "ana", "n"), "n"), 403, "forbidden", "issued to another application")
	})
	t.Run("unverified email", func(t *testing.T) {
		refused(t, e.signIn(t, e.idToken(t, ssoClient, "bo", "n"), "n"), 403, "forbidden", "is not verified")
	})
	t.Run("disallowed domain", func(t *testing.T) {
		refused(t, e.signIn(t, e.idToken(t, ssoClient, "cy", "n"), "n"), 403, "forbidden", "cannot sign up by themselves; ask your admin for an invite")
	})
	t.Run("revoked user stays revoked", func(t *testing.T) {
		refused(t, e.signIn(t, e.idToken(t, ssoClient, "gone", "n"), "n"), 403, "forbidden", "was removed from this hub")
	})
	t.Run("another sign-in's nonce", func(t *testing.T) {
		refused(t, e.signIn(t, e.idToken(t, ssoClient, "ana", "theirs"), "mine"), 403, "forbidden", "nonce")
	})
	t.Run("forged signature", func(t *testing.T) {
		raw := e.idToken(t, ssoClient, "ana", "n")
		parts := strings.Split(raw, ".")
		forged := parts[0] + "." + parts[1] + "." + flip(parts[2]) // the provider's claims, a signature it never made
		refused(t, e.signIn(t, forged, "n"), 403, "forbidden", "signature")
	})
	t.Run("not a token", func(t *testing.T) {
		refused(t, e.signIn(t, "hello", "n"), 400, "invalid", "not an ID token")
	})
	t.Run("body too large", func(t *testing.T) {
		big := `{"id_token":"` + strings.Repeat("a", syncproto.MaxOIDCSignInBytes) + `","nonce":"n"}`
		rep, _ := (&synctest.WireClient{BaseURL: e.hub.URL}).Do(ctx, http.MethodPost, "/v1/auth/oidc", []byte(big))
		refused(t, rep, 400, "invalid", "too large")
	})
	// Last: it moves the hub's clock.
	t.Run("expired ID token", func(t *testing.T) {
		raw := e.idToken(t, ssoClient, "ana", "n")
		e.clock.advance(2 * time.Hour) // the provider's ID tokens live 1 hour
		refused(t, e.signIn(t, raw, "n"), 403, "forbidden", "expired at")
	})
	if n := len(mustUsers(t, e.hub.Store)); n != 1 {
		t.Fatalf("refused sign-ins made users: %d users", n)
	}
	if strings.Contains(e.logs.String(), "eyJ") {
		t.Fatalf("an ID token is in the hub's log: %s", e.logs)
	}
	if !strings.Contains(e.logs.String(), "is not verified") || strings.Contains(e.logs.String(), "@acme.example") || strings.Contains(e.logs.String(), "@elsewhere.example") {
		t.Fatalf("the refusals should be logged without the addresses: %s", e.logs)
	}
}

func flip(sig string) string {
	b := []byte(sig)
	if b[5] == 'A' {
		b[5] = 'B'
	} else {
		b[5] = 'A'
	}
	return string(b)
}

func mustUsers(t *testing.T, s hubdb.Store) []hubdb.User {
	t.Helper()
	users, err := s.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return users
}

// FuzzOIDCSignInBody: any body to POST /v1/auth/oidc is refused with a
// code (never a 500, never a token) by a hub checking tokens of a real
// provider.
func FuzzOIDCSignInBody(f *testing.F) {
	for _, seed := range []string{`{"id_token":"a.b.c","nonce":"n"}`, `{}`, `{"id_token":"eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.","nonce":"n"}`,
		`{"id_token":1}`, `[]`, `{"id_token":"a.b.c","nonce":"n","extra":true}`, "\x00"} {
		f.Add([]byte(seed))
	}
	e := newSSOEnv(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		rep, err := (&synctest.WireClient{BaseURL: e.hub.URL}).Do(ctx, http.MethodPost, "/v1/auth/oidc", body)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Status == 200 || rep.Status >= 500 || rep.Error().Code == "" {
			t.Fatalf("%q: %d %s", body, rep.Status, rep.Body)
		}
	})
}

type countingTransport struct{ keys atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/keys") {
		c.keys.Add(1)
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestForgedTokensDoNotMakeTheHubHammerTheProvider: every token with a
// key the hub does not know makes go-oidc refetch the provider's keys; on
// an endpoint that needs no login, that would let anyone aim the hub at
// the provider. The refetches are served from a short cache instead.
func TestForgedTokensDoNotMakeTheHubHammerTheProvider(t *testing.T) {
	op := testop.Start(t, testop.Options{ClientIDs: []string{ssoClient},
		Users: []testop.User{{Username: "ana", Password: "pw-ana", Email: "ana@acme.example", EmailVerified: true}}})
	counter := &countingTransport{}
	h := synctest.StartHub(t, synctest.HubOptions{OIDC: hub.OIDCOptions{Issuer: op.Issuer, ClientID: ssoClient,
		AllowedDomains: []string{"acme.example"}, HTTP: &http.Client{Transport: counter}}})
	e := &ssoEnv{op: op, hub: h}
	raw := e.idToken(t, ssoClient, "ana", "n")
	parts := strings.Split(raw, ".")
	for i := 0; i < 30; i++ {
		refused(t, e.signIn(t, parts[0]+"."+parts[1]+"."+flip(parts[2]), "n"), 403, "forbidden", "signature")
	}
	if rep := e.signIn(t, raw, "n"); rep.Status != 200 {
		t.Fatalf("the real token after the forged ones: %d %s", rep.Status, rep.Body)
	}
	if n := counter.keys.Load(); n > 2 {
		t.Fatalf("31 sign-ins fetched the provider's keys %d times", n)
	}
}
