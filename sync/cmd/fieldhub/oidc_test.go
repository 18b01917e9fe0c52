package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"

	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest/testop"
)

// TestServeSignsInWithTheCompanyProvider: `fieldhub serve` with the
// issuer and client id as flags and the allowed domains from the
// environment signs a person in with an ID token from a real provider.
func TestServeSignsInWithTheCompanyProvider(t *testing.T) {
	op := testop.Start(t, testop.Options{ClientIDs: []string{"fn-app"},
		Users: []testop.User{{Username: "ana", Password: "pw", Email: "ana@acme.example", EmailVerified: true}}})
	t.Setenv("FIELDHUB_OIDC_ALLOWED_DOMAINS", "other.example, acme.example")
	p := startServe(t, false, "--data", t.TempDir(), "--oidc-issuer", op.Issuer, "--oidc-client-id", "fn-app")

	raw, err := op.IDToken(t.Context(), "fn-app", "ana", "pw", "nonce-x")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(syncproto.OIDCSignInRequest{IDToken: raw, Nonce: "nonce-x"})
	resp, err := http.Post(p.URL+"/v1/auth/oidc", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got syncproto.RedeemResponse
	decoded := json.NewDecoder(resp.Body).Decode(&got)
	p.cmd.Process.Signal(syscall.SIGTERM) // its log is read once it has stopped writing it
	<-p.done
	if resp.StatusCode != 200 || decoded != nil || got.Email != "ana@acme.example" || got.Role != "field" {
		t.Fatalf("sign in through fieldhub serve: %d %+v\n%s", resp.StatusCode, got, p.logs)
	}
	if strings.Contains(p.logs.String(), raw) || strings.Contains(p.logs.String(), got.Token) {
		t.Fatal("a token is in fieldhub's log")
	}
}

func TestServeRefusesAnIssuerThatIsNotHTTPS(t *testing.T) {
	code, _, stderr := runCLI(t, "serve", "--data", t.TempDir(), "--addr", "127.0.0.1:0", "--oidc-issuer", "http://login.acme.example", "--oidc-client-id", "x")
	if code == 0 || !strings.Contains(stderr, "must be https") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}
