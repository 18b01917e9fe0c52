package idtoken

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"fieldnotes/app/notebook"
)

// Config names the provider the hub trusts and the client id its tokens
// must be issued to.
type Config struct {
	Issuer   string // https URL (http only on loopback, for tests)
	ClientID string
	// HTTP fetches discovery and keys; nil: a client with a 10 s timeout.
	HTTP *http.Client
	// Now is the clock expiry is checked against; nil: time.Now.
	Now func() time.Time
}

// Identity is what a verified ID token says about its person.
type Identity struct {
	Subject       string
	Email         string
	EmailVerified bool
	Expiry        time.Time
}

// Verifier checks ID tokens of one provider. The provider is discovered on
// first use, not at start, so a hub starts while its provider is down and
// signs people in once it is back; a failed discovery is retried next time.
type Verifier struct {
	cfg Config

	mu       sync.Mutex
	verifier *oidc.IDTokenVerifier
}

// MaxTokenBytes bounds an ID token (real ones are 1–4 KB).
const MaxTokenBytes = 16 << 10

// New checks cfg and returns a Verifier; it makes no request.
func New(cfg Config) (*Verifier, error) {
	if err := CheckIssuer(cfg.Issuer); err != nil {
		return nil, err
	}
	if cfg.ClientID == "" || len(cfg.ClientID) > 255 || strings.ContainsAny(cfg.ClientID, " \t\r\n") {
		return nil, notebook.Errorf(notebook.Invalid, "oidc client id: %q is not a client id (1–255 characters, no spaces)", cfg.ClientID)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	client := *cfg.HTTP // the caller's client stays as it was
	client.Transport = newThrottled(client.Transport, time.Now)
	cfg.HTTP = &client
	return &Verifier{cfg: cfg}, nil
}

// Issuer is the configured issuer URL, exactly as the tokens carry it.
func (v *Verifier) Issuer() string { return v.cfg.Issuer }

// ClientID is the configured client id.
func (v *Verifier) ClientID() string { return v.cfg.ClientID }

// CheckIssuer accepts an https URL, or http on a loopback address.
func CheckIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return notebook.Errorf(notebook.Invalid, "oidc issuer: %q is not a URL such as https://login.example.com", issuer)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsLoopback() || u.Hostname() == "localhost" {
			return nil
		}
	}
	return notebook.Errorf(notebook.Invalid, "oidc issuer: %q must be https (http only on loopback, for tests)", issuer)
}

// Verify checks raw and returns who it names. nonce must be the one the
// app put in its authorization request. Every refusal is Forbidden with a
// message that says which check failed (the token itself is never in it);
// an unreachable provider is Unavailable.
func (v *Verifier) Verify(ctx context.Context, raw, nonce string) (Identity, error) {
	if raw == "" || len(raw) > MaxTokenBytes || strings.Count(raw, ".") != 2 {
		return Identity{}, notebook.Errorf(notebook.Invalid, "id_token: not an ID token (a JWT of at most %d bytes)", MaxTokenBytes)
	}
	if nonce == "" || len(nonce) > 256 {
		return Identity{}, notebook.Errorf(notebook.Invalid, "nonce: the nonce of the sign-in request is required (at most 256 characters)")
	}
	verifier, err := v.load(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := verifier.Verify(ctx, raw)
	if err != nil {
		return Identity{}, refusal(err, v.cfg)
	}
	if tok.Nonce != nonce {
		return Identity{}, notebook.Errorf(notebook.Forbidden, "the ID token was not issued for this sign-in (its nonce differs); sign in again")
	}
	var claims struct {
		Email         string          `json:"email"`
		EmailVerified json.RawMessage `json:"email_verified"`
	}
	if err := tok.Claims(&claims); err != nil {
		return Identity{}, notebook.Errorf(notebook.Forbidden, "the ID token's claims are not readable: %v", err)
	}
	return Identity{Subject: tok.Subject, Email: claims.Email, EmailVerified: truthy(claims.EmailVerified), Expiry: tok.Expiry}, nil
}

// truthy reads email_verified as true or "true" (some providers send a
// string); anything else is not verified.
func truthy(raw json.RawMessage) bool {
	s := strings.TrimSpace(string(raw))
	return s == "true" || s == `"true"`
}

func (v *Verifier) load(ctx context.Context) (*oidc.IDTokenVerifier, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.verifier != nil {
		return v.verifier, nil
	}
	// The key set keeps the context for later refreshes: give it one that
	// outlives this request, with our client.
	pctx := oidc.ClientContext(context.WithoutCancel(ctx), v.cfg.HTTP)
	provider, err := oidc.NewProvider(pctx, v.cfg.Issuer)
	if err != nil {
		var mismatch *oidc.IssuerMismatchError
		if errors.As(err, &mismatch) {
			return nil, notebook.Errorf(notebook.Unavailable, "the identity provider at %s names itself %q: fix --oidc-issuer", v.cfg.Issuer, mismatch.Discovered)
		}
		return nil, notebook.Errorf(notebook.Unavailable, "the identity provider at %s cannot be reached: %v", v.cfg.Issuer, err)
	}
	v.verifier = provider.Verifier(&oidc.Config{ClientID: v.cfg.ClientID, Now: v.cfg.Now})
	return v.verifier, nil
}

// refusal words go-oidc's error for the person signing in.
func refusal(err error, cfg Config) error {
	var expired *oidc.TokenExpiredError
	msg := err.Error()
	switch {
	case errors.As(err, &expired):
		return notebook.Errorf(notebook.Forbidden, "the ID token expired at %s; sign in again", expired.Expiry.UTC().Format(time.RFC3339))
	case strings.Contains(msg, "expected audience"):
		return notebook.Errorf(notebook.Forbidden, "the ID token was issued to another application, not to this hub's client id %q", cfg.ClientID)
	case strings.Contains(msg, "issued by a different provider"):
		return notebook.Errorf(notebook.Forbidden, "the ID token was issued by another provider, not by %s", cfg.Issuer)
	case strings.Contains(msg, "fetching keys"), strings.Contains(msg, "get keys failed"):
		return notebook.Errorf(notebook.Unavailable, "the identity provider's keys at %s cannot be fetched; try again shortly", cfg.Issuer)
	case strings.Contains(msg, "signature"), strings.Contains(msg, "not signed"), strings.Contains(msg, "signing algorithm"):
		return notebook.Errorf(notebook.Forbidden, "the ID token's signature is not one of %s's keys (if the provider has just rotated its keys, try again in a minute)", cfg.Issuer)
	case strings.Contains(msg, "malformed"):
		return notebook.Errorf(notebook.Invalid, "id_token: not a well-formed JWT")
	case strings.Contains(msg, "nbf"):
		return notebook.Errorf(notebook.Forbidden, "the ID token is not valid yet (check the clocks)")
	}
	return notebook.Errorf(notebook.Forbidden, "the ID token was refused: %s", strings.TrimPrefix(msg, "oidc: "))
}
