package signin_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/signin"
	"fieldnotes/sync/synctest/testop"
)

func provider(t *testing.T) *testop.Provider {
	return testop.Start(t, testop.Options{ClientIDs: []string{"fn-app"},
		Users: []testop.User{{Username: "ana", Password: "pw", Email: "ana@acme.example", EmailVerified: true}}})
}

// browser plays the person: it follows the URL the app opens to the
// provider, signs in, and is sent back to the app's loopback listener.
func browser(t *testing.T, user, password string, seen chan<- string) func(string) error {
	return func(u string) error {
		go func() {
			page, err := testop.Browser(context.Background(), u, user, password)
			if err != nil {
				t.Log(err)
			}
			if seen != nil {
				seen <- page
			}
		}()
		return nil
	}
}

func TestSignInWithPKCEAndALoopbackRedirect(t *testing.T) {
	op := provider(t)
	var opened string
	pages := make(chan string, 1)
	open := browser(t, "ana", "pw", pages)
	flow := signin.Flow{Open: func(u string) error { opened = u; return open(u) }}
	res, err := flow.SignIn(t.Context(), signin.Provider{Issuer: op.Issuer, ClientID: "fn-app"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(res.IDToken, ".") != 2 || res.Nonce == "" {
		t.Fatalf("result: %+v", res)
	}
	q := mustURL(t, opened).Query()
	redirect := mustURL(t, q.Get("redirect_uri"))
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" || q.Get("nonce") != res.Nonce ||
		redirect.Hostname() != "127.0.0.1" || redirect.Port() == "" || redirect.Path != signin.CallbackPath {
		t.Fatalf("authorization request is not code+PKCE to a loopback redirect: %s", opened)
	}
	if page := <-pages; !strings.Contains(page, "Signed in") {
		t.Fatalf("the browser was shown %q", page)
	}
}

// TestCallbackWithAnotherStateIsTurnedAway: a page that knows the port
// (any local process can find it) cannot end or hijack the sign-in.
func TestCallbackWithAnotherStateIsTurnedAway(t *testing.T) {
	op := provider(t)
	flow := signin.Flow{Open: func(u string) error {
		redirect := mustURL(t, mustURL(t, u).Query().Get("redirect_uri"))
		resp, err := http.Get(redirect.String() + "?code=stolen&state=guessed")
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(body), "not the sign-in Fieldnotes started") {
			t.Errorf("forged callback: %d %s", resp.StatusCode, body)
		}
		return browser(t, "ana", "pw", nil)(u) // the real answer still gets through
	}}
	if _, err := flow.SignIn(t.Context(), signin.Provider{Issuer: op.Issuer, ClientID: "fn-app"}); err != nil {
		t.Fatal(err)
	}
}

func TestProviderRefusalsAreClear(t *testing.T) {
	op := provider(t)
	cases := []struct {
		name string
		p    signin.Provider
		flow signin.Flow
		code notebook.Code
		says string
	}{
		{"unknown client", signin.Provider{Issuer: op.Issuer, ClientID: "nobody"}, signin.Flow{Open: func(u string) error {
			go http.Get(u) // the provider answers the browser; it redirects nowhere for an unknown client
			return nil
		}, Wait: time.Second}, notebook.Conflict, "longer than"},
		{"issuer that names itself otherwise", signin.Provider{Issuer: op.Issuer + "/", ClientID: "fn-app"}, signin.Flow{Open: func(string) error { return nil }}, notebook.Invalid, "names itself"},
		{"issuer over http", signin.Provider{Issuer: "http://login.acme.example", ClientID: "fn-app"}, signin.Flow{Open: func(string) error { return nil }}, notebook.Invalid, "must be https"},
		{"no browser", signin.Provider{Issuer: op.Issuer, ClientID: "fn-app"}, signin.Flow{}, notebook.NotSetUp, "not available"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.flow.SignIn(t.Context(), c.p)
			if notebook.ErrorCode(err) != c.code || err == nil || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("want %s %q, got %v", c.code, c.says, err)
			}
		})
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestASignInCanBeCancelled: the person closed the tab; the app stops
// waiting at once, and a second attempt ends the first.
func TestASignInCanBeCancelled(t *testing.T) {
	op := provider(t)
	var attempts signin.Attempts
	opened := make(chan string, 2)
	flow := signin.Flow{Open: func(u string) error { opened <- u; return nil }}
	run := func() <-chan error {
		errs := make(chan error, 1)
		go func() {
			ctx, done := attempts.Start(t.Context())
			defer done()
			_, err := flow.SignIn(ctx, signin.Provider{Issuer: op.Issuer, ClientID: "fn-app"})
			errs <- err
		}()
		return errs
	}
	first := run()
	<-opened
	second := run()
	if err := <-first; notebook.ErrorCode(err) != notebook.Conflict || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("first attempt, after a second started: %v", err)
	}
	<-opened
	attempts.Cancel()
	if err := <-second; notebook.ErrorCode(err) != notebook.Conflict || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("cancelled attempt: %v", err)
	}
}
