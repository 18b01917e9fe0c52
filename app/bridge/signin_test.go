package bridge

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/signin"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
	"fieldnotes/sync/synctest/testop"
)

// personAtTheBrowser is the system browser with a person in front of it:
// it follows the URL the app opens to the real provider and signs in as
// whoever is set.
type personAtTheBrowser struct {
	t    *testing.T
	user atomic.Value // string
}

func (b *personAtTheBrowser) OpenURL(u string) {
	user := b.user.Load().(string)
	go func() {
		if _, err := testop.Browser(context.Background(), u, user, "pw-"+user); err != nil {
			b.t.Log(err)
		}
	}()
}

type clockOffset struct{ d atomic.Int64 }

func (c *clockOffset) now() time.Time { return time.Now().Add(time.Duration(c.d.Load())) }

// TestSignInWithCompanyAccountEndToEnd: the app's flow (system browser,
// code + PKCE, loopback) against a real OpenID Provider, the real hub
// verifying its ID token, and the hub's token in the settings, which then
// answers /v1/me with the company email.
func TestSignInWithCompanyAccountEndToEnd(t *testing.T) {
	op := testop.Start(t, testop.Options{ClientIDs: []string{"fn-desktop"}, Users: []testop.User{
		{Username: "ana", Password: "pw-ana", Email: "ana@acme.example", EmailVerified: true},
		{Username: "bo", Password: "pw-bo", Email: "bo@acme.example", EmailVerified: false},
		{Username: "cy", Password: "pw-cy", Email: "cy@elsewhere.example", EmailVerified: true},
	}})
	clock := &clockOffset{}
	h := synctest.StartHub(t, synctest.HubOptions{Now: clock.now,
		OIDC: hub.OIDCOptions{Issuer: op.Issuer, ClientID: "fn-desktop", AllowedDomains: []string{"acme.example"}}})
	product, d, eng := productWorld(t, nil, hubdb.RoleField)
	person := &personAtTheBrowser{t: t}
	d.SyncArea.Browser = person
	sync := NewSync(d)
	settings := d.SyncArea.Settings.(*memSettings)

	if cs, err := sync.CompanySignIn(h.URL + "/"); err != nil || !cs.Enabled || cs.Issuer != op.Issuer {
		t.Fatalf("CompanySignIn = %+v, %v", cs, err)
	}

	refusals := []struct{ user, says string }{
		{"bo", "is not verified"},
		{"cy", "ask your admin for an invite"},
	}
	for _, r := range refusals {
		person.user.Store(r.user)
		_, err := sync.SignInWithCompany(h.URL)
		if code(err) != notebook.Forbidden || !strings.Contains(err.Error(), r.says) || settings.token != "" {
			t.Fatalf("%s: %v (token stored: %v)", r.user, err, settings.token != "")
		}
	}

	person.user.Store("ana")
	got, err := sync.SignInWithCompany(h.URL)
	if err != nil || got.Email != "ana@acme.example" || got.Role != "field" || got.HubURL != h.URL {
		t.Fatalf("SignInWithCompany = %+v, %v", got, err)
	}
	if settings.url != h.URL || settings.token == "" || eng.nudges != 1 {
		t.Fatalf("after sign-in: url %q token set %v nudges %d", settings.url, settings.token != "", eng.nudges)
	}
	me, err := product.Me()
	if err != nil || me.Email != "ana@acme.example" || me.Role != "field" {
		t.Fatalf("/v1/me with the stored token: %+v, %v", me, err)
	}

	// An ID token the flow got, once the hub's clock is past its expiry.
	flow := signin.Flow{Open: func(u string) error { person.OpenURL(u); return nil }}
	res, err := flow.SignIn(t.Context(), signin.Provider{Issuer: op.Issuer, ClientID: "fn-desktop"})
	if err != nil {
		t.Fatal(err)
	}
	clock.d.Store(int64(2 * time.Hour))
	_, err = syncclient.SignInWithIDToken(t.Context(), h.URL, "", syncproto.OIDCSignInRequest{IDToken: res.IDToken, Nonce: res.Nonce})
	if err = signInError(err); code(err) != notebook.Forbidden || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired ID token: %v", err)
	}
	clock.d.Store(0)

	// The same provider's token for another hub (another client id) is
	// not this hub's: wrong audience.
	other := synctest.StartHub(t, synctest.HubOptions{OIDC: hub.OIDCOptions{Issuer: op.Issuer, ClientID: "another-hub", AllowedDomains: []string{"acme.example"}}})
	_, err = syncclient.SignInWithIDToken(t.Context(), other.URL, "", syncproto.OIDCSignInRequest{IDToken: res.IDToken, Nonce: res.Nonce})
	if err = signInError(err); code(err) != notebook.Forbidden || !strings.Contains(err.Error(), "issued to another application") {
		t.Fatalf("wrong audience: %v", err)
	}

	// A hub without single sign-on says so; nothing opens.
	plain := synctest.StartHub(t, synctest.HubOptions{})
	if cs, err := sync.CompanySignIn(plain.URL); err != nil || cs.Enabled {
		t.Fatalf("plain hub: %+v %v", cs, err)
	}
	if _, err := sync.SignInWithCompany(plain.URL); code(err) != notebook.NotSetUp || !strings.Contains(err.Error(), "join with an invite") {
		t.Fatalf("plain hub sign-in: %v", err)
	}
}
