package testop

import (
	"context"
	"fmt"
	"net"
	"net/http"

	"golang.org/x/oauth2"
)

// IDToken signs username in to clientID the way a native app does —
// authorization code with PKCE, a loopback redirect, the browser played by
// Browser — and returns the ID token the provider issued, for tests of
// the hub that need real tokens without the app (the app's own flow is
// app/signin's).
func (p *Provider) IDToken(ctx context.Context, clientID, username, password, nonce string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	codes := make(chan string, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case codes <- r.URL.Query().Get("code"):
		default:
		}
		fmt.Fprint(w, "ok")
	})}
	go srv.Serve(ln) //nolint:errcheck // ends with Close
	defer srv.Close()
	cfg := oauth2.Config{ClientID: clientID, Scopes: []string{"openid", "email"},
		Endpoint:    oauth2.Endpoint{AuthURL: p.Issuer + "/auth", TokenURL: p.Issuer + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://" + ln.Addr().String() + RedirectPath}
	verifier := oauth2.GenerateVerifier()
	authURL := cfg.AuthCodeURL("state-of-a-test", oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce))
	if _, err := Browser(ctx, authURL, username, password); err != nil {
		return "", err
	}
	var code string
	select {
	case code = <-codes:
	default:
		return "", fmt.Errorf("testop: the provider did not redirect back with a code")
	}
	tok, err := cfg.Exchange(ctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		return "", fmt.Errorf("testop: code exchange: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return "", fmt.Errorf("testop: no id_token in the token response")
	}
	return raw, nil
}
