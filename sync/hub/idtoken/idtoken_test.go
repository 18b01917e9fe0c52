package idtoken

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

func TestConfigIsChecked(t *testing.T) {
	for _, c := range []struct{ issuer, client, says string }{
		{"http://login.acme.example", "x", "must be https"},
		{"login.acme.example", "x", "not a URL"},
		{"https://login.acme.example?x=1", "x", "not a URL"},
		{"https://login.acme.example", "", "client id"},
		{"https://login.acme.example", "a b", "client id"},
	} {
		if _, err := New(Config{Issuer: c.issuer, ClientID: c.client}); notebook.ErrorCode(err) != notebook.Invalid || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q %q: %v", c.issuer, c.client, err)
		}
	}
	for _, ok := range []string{"https://login.acme.example", "https://acme.okta.com/oauth2/default", "http://127.0.0.1:5556", "http://localhost:8080/"} {
		if _, err := New(Config{Issuer: ok, ClientID: "fn"}); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
}

// TestGarbageIsRefusedBeforeAnyRequest: no discovery for what is not a
// token (the issuer here does not exist).
func TestGarbageIsRefusedBeforeAnyRequest(t *testing.T) {
	v, _ := New(Config{Issuer: "https://login.invalid", ClientID: "fn"})
	for _, raw := range []string{"", "abc", "a.b", strings.Repeat("a.", 9000) + "b"} {
		if _, err := v.Verify(context.Background(), raw, "n"); notebook.ErrorCode(err) != notebook.Invalid {
			t.Errorf("%.20q: %v", raw, err)
		}
	}
	if _, err := v.Verify(context.Background(), "a.b.c", ""); notebook.ErrorCode(err) != notebook.Invalid || !strings.Contains(err.Error(), "nonce") {
		t.Errorf("no nonce: %v", err)
	}
}

func TestEmailVerifiedReadsBoolOrString(t *testing.T) {
	for raw, want := range map[string]bool{`true`: true, `"true"`: true, `false`: false, `"false"`: false, `1`: false, ``: false, `null`: false} {
		if got := truthy(json.RawMessage(raw)); got != want {
			t.Errorf("%s: %v", raw, got)
		}
	}
}
