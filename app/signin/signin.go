package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"fieldnotes/app/notebook"
)

// Provider is the OpenID Provider and the client id the hub trusts (the
// app learns both from the hub, GET /v1/auth/oidc/config).
type Provider struct {
	Issuer   string
	ClientID string
}

// Result is what a finished sign-in hands to the hub.
type Result struct {
	IDToken string
	Nonce   string
}

// Flow runs sign-ins. Open is required.
type Flow struct {
	// Open shows url in the system browser.
	Open func(url string) error
	// HTTP makes discovery and the code exchange; nil: 20 s timeout.
	HTTP *http.Client
	// Wait bounds how long the person has to sign in; 0: 5 minutes.
	Wait time.Duration
}

// CallbackPath is the loopback redirect's path; the provider registers
// http://127.0.0.1/callback for the app, any port (RFC 8252, 7.3).
const CallbackPath = "/callback"

// SignIn opens the provider's sign-in page and waits for the person to
// finish there. Errors have codes: Invalid (a provider that is not one),
// Unavailable (unreachable), Forbidden (the provider said no, or the
// person cancelled), Conflict (timed out).
func (f Flow) SignIn(ctx context.Context, p Provider) (Result, error) {
	if f.Open == nil {
		return Result{}, notebook.Errorf(notebook.NotSetUp, "signing in with a company account is not available in this build")
	}
	if p.ClientID == "" {
		return Result{}, notebook.Errorf(notebook.Invalid, "the hub names no client id for single sign-on")
	}
	hc := f.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, hc)
	ep, err := discover(ctx, hc, p.Issuer)
	if err != nil {
		return Result{}, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return Result{}, notebook.Errorf(notebook.Unavailable, "cannot listen on 127.0.0.1 for the sign-in's answer: %v", err)
	}
	cfg := oauth2.Config{ClientID: p.ClientID, Scopes: []string{"openid", "email", "profile"},
		Endpoint:    oauth2.Endpoint{AuthURL: ep.Authorization, TokenURL: ep.Token, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: fmt.Sprintf("http://%s%s", ln.Addr().String(), CallbackPath)}
	state, nonce, verifier := random(), random(), oauth2.GenerateVerifier()
	answers := make(chan callback, 1)
	srv := &http.Server{Handler: callbackHandler(state, answers), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends with Close below
	defer srv.Close()

	authURL := cfg.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce))
	if err := f.Open(authURL); err != nil {
		return Result{}, notebook.Errorf(notebook.Unavailable, "cannot open the browser for signing in: %v", err)
	}
	code, err := f.await(ctx, answers)
	if err != nil {
		return Result{}, err
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return Result{}, exchangeError(err, p.Issuer)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Result{}, notebook.Errorf(notebook.Invalid, "%s answered without an ID token; is it an OpenID Provider (scope openid)?", p.Issuer)
	}
	return Result{IDToken: raw, Nonce: nonce}, nil
}

func (f Flow) await(ctx context.Context, answers <-chan callback) (string, error) {
	wait := f.Wait
	if wait <= 0 {
		wait = 5 * time.Minute
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case a := <-answers:
		if a.err != nil {
			return "", a.err
		}
		return a.code, nil
	case <-timer.C:
		return "", notebook.Errorf(notebook.Conflict, "signing in took longer than %s; try again", wait)
	case <-ctx.Done():
		if errors.Is(context.Cause(ctx), errCancelled) {
			return "", notebook.Errorf(notebook.Conflict, "signing in was cancelled")
		}
		return "", notebook.Errorf(notebook.Conflict, "signing in was stopped: %v", ctx.Err())
	}
}

var errCancelled = errors.New("cancelled")

type callback struct {
	code string
	err  error
}

// callbackHandler takes the provider's answer: the code, or its error, if
// the state is this sign-in's. Anything else gets a 400 and changes
// nothing, so another page poking the port cannot end the sign-in.
func callbackHandler(state string, answers chan<- callback) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != CallbackPath || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			page(w, http.StatusBadRequest, "This is not the sign-in Fieldnotes started", "Go back to Fieldnotes and start signing in again.")
			return
		}
		var a callback
		if e := q.Get("error"); e != "" {
			msg := e
			if d := q.Get("error_description"); d != "" {
				msg = d
			}
			a.err = notebook.Errorf(notebook.Forbidden, "the company sign-in said no: %s", limit(msg, 200))
			page(w, http.StatusOK, "Not signed in", "The sign-in said: "+limit(msg, 200)+". Go back to Fieldnotes.")
		} else if a.code = q.Get("code"); a.code == "" {
			a.err = notebook.Errorf(notebook.Invalid, "the company sign-in came back without a code")
			page(w, http.StatusBadRequest, "Not signed in", "The answer had no code. Go back to Fieldnotes and try again.")
		} else {
			page(w, http.StatusOK, "Signed in", "You can close this tab and go back to Fieldnotes.")
		}
		select {
		case answers <- a:
		default: // the first answer counts
		}
	})
}

func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>%s</h1><p>%s</p>", html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
}

type endpoints struct {
	Issuer        string `json:"issuer"`
	Authorization string `json:"authorization_endpoint"`
	Token         string `json:"token_endpoint"`
}

// discover reads the provider's metadata and checks that it names itself
// as the issuer the hub trusts and that its endpoints are https (http
// only on loopback).
func discover(ctx context.Context, hc *http.Client, issuer string) (endpoints, error) {
	if err := checkURL(issuer); err != nil {
		return endpoints{}, notebook.Errorf(notebook.Invalid, "the hub's sign-in provider %q: %v", issuer, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(issuer, "/")+"/.well-known/openid-configuration", nil)
	if err != nil {
		return endpoints{}, notebook.Errorf(notebook.Invalid, "the hub's sign-in provider %q: %v", issuer, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return endpoints{}, notebook.Errorf(notebook.Unavailable, "cannot reach the company sign-in at %s: %v", issuer, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return endpoints{}, notebook.Errorf(notebook.Unavailable, "the company sign-in at %s answered %s to discovery", issuer, resp.Status)
	}
	var ep endpoints
	if err := json.NewDecoder(io.LimitReader(resp.Body, 256<<10)).Decode(&ep); err != nil {
		return endpoints{}, notebook.Errorf(notebook.Invalid, "the company sign-in at %s sent discovery that is not JSON: %v", issuer, err)
	}
	if ep.Issuer != issuer {
		return endpoints{}, notebook.Errorf(notebook.Invalid, "the company sign-in at %s names itself %q; the hub's --oidc-issuer must be exactly that", issuer, ep.Issuer)
	}
	for name, u := range map[string]string{"authorization_endpoint": ep.Authorization, "token_endpoint": ep.Token} {
		if err := checkURL(u); err != nil {
			return endpoints{}, notebook.Errorf(notebook.Invalid, "the company sign-in's %s %q: %v", name, u, err)
		}
	}
	return ep, nil
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("not an absolute URL")
	}
	if u.Scheme == "https" {
		return nil
	}
	if ip := net.ParseIP(u.Hostname()); u.Scheme == "http" && (u.Hostname() == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return errors.New("must be https (http only on loopback)")
}

func exchangeError(err error, issuer string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		msg := re.ErrorDescription
		if msg == "" {
			msg = re.ErrorCode
		}
		return notebook.Errorf(notebook.Forbidden, "the company sign-in at %s refused the code: %s", issuer, limit(msg, 200))
	}
	return notebook.Errorf(notebook.Unavailable, "cannot reach the company sign-in at %s to finish: %v", issuer, err)
}

func random() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		panic("signin: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func limit(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
