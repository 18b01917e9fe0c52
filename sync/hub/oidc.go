package hub

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/idtoken"
	"fieldnotes/sync/syncproto"
)

// Single sign-on (fieldhub serve --oidc-issuer --oidc-client-id): the app
// signs the person in at the company's OpenID Provider (authorization code
// + PKCE, app/signin), sends the ID token here (POST /v1/auth/oidc), and
// gets the hub's own token, exactly as an invite gives one. The hub
// verifies the token (idtoken: signature by the provider's keys, issuer,
// audience = the client id, expiry, nonce), requires email_verified, and
// maps the email to the live user with that address, who keeps their role.
// Someone the hub does not know yet becomes a field user when their
// email's domain is one of AllowedDomains; anyone else is refused and
// told to ask for an invite. A revoked user stays revoked: signing in is
// not a way back.
//
// An ID token is accepted once: its SHA-256 is kept until it expires in
// the "oidc-used" namespace, so one copied from a log or a proxy cannot
// sign in a second device.

// OIDCOptions configure single sign-on; an empty Issuer turns it off.
type OIDCOptions struct {
	Issuer         string
	ClientID       string
	AllowedDomains []string     // email domains whose people may sign up by themselves
	HTTP           *http.Client // for discovery and keys; nil: 10 s timeout
}

const oidcUsedNS = "oidc-used"

var anyEmail = regexp.MustCompile(`[^\s@"()]+@[^\s@"()]+`)

type oidcLogin struct {
	verifier *idtoken.Verifier
	domains  map[string]bool
}

func newOIDCLogin(opts OIDCOptions, now func() time.Time) (*oidcLogin, error) {
	if opts.Issuer == "" {
		if opts.ClientID != "" || len(opts.AllowedDomains) > 0 {
			return nil, notebook.Errorf(notebook.Invalid, "oidc: a client id or allowed domains need --oidc-issuer")
		}
		return nil, nil
	}
	v, err := idtoken.New(idtoken.Config{Issuer: opts.Issuer, ClientID: opts.ClientID, HTTP: opts.HTTP, Now: now})
	if err != nil {
		return nil, err
	}
	domains := map[string]bool{}
	for _, d := range opts.AllowedDomains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if notebook.NormalizeEmail("x@"+d) == "" || strings.ContainsAny(d, "@*") {
			return nil, notebook.Errorf(notebook.Invalid, "oidc allowed domains: %q is not a domain such as acme.com", d)
		}
		domains[d] = true
	}
	return &oidcLogin{verifier: v, domains: domains}, nil
}

// OIDCSignIn verifies rawIDToken and returns the user it signs in, with a
// new hub token.
func (s *Server) OIDCSignIn(ctx context.Context, rawIDToken, nonce string) (NewUser, error) {
	if s.oidc == nil {
		return NewUser{}, errNoSSO
	}
	id, err := s.oidc.verifier.Verify(ctx, rawIDToken, nonce)
	if err != nil {
		return NewUser{}, err
	}
	if !id.EmailVerified {
		return NewUser{}, notebook.Errorf(notebook.Forbidden, "your company account's email address (%s) is not verified at %s; verify it there, then sign in again", id.Email, s.oidc.verifier.Issuer())
	}
	email := notebook.NormalizeEmail(id.Email)
	if email == "" {
		return NewUser{}, notebook.Errorf(notebook.Forbidden, "your company account has no usable email address (%q); ask IT to release the email claim to this app", id.Email)
	}
	if err := s.spendIDToken(ctx, rawIDToken, id.Expiry); err != nil {
		return NewUser{}, err
	}
	return s.userForSignIn(ctx, email)
}

var errNoSSO = notebook.Errorf(notebook.NotFound, "this hub does not offer single sign-on; join with an invite instead")

// spendIDToken records the token as used, refusing one used before, and
// forgets a few that have expired (their keys sort by expiry).
func (s *Server) spendIDToken(ctx context.Context, raw string, expiry time.Time) error {
	sum := sha256.Sum256([]byte(raw))
	key := fmt.Sprintf("%012d/%s", expiry.Unix(), hex.EncodeToString(sum[:]))
	now := s.now()
	return s.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		if _, used, err := tx.GetDoc(oidcUsedNS, key); err != nil {
			return err
		} else if used {
			return notebook.Errorf(notebook.Conflict, "this sign-in was already used; sign in again")
		}
		old, err := tx.ScanDocs(oidcUsedNS, "", fmt.Sprintf("%012d", now.Unix()), 100)
		if err != nil {
			return err
		}
		for _, d := range old {
			if err := tx.DeleteDoc(oidcUsedNS, d.Key); err != nil {
				return err
			}
		}
		return tx.PutDoc(oidcUsedNS, key, []byte(now.UTC().Format(time.RFC3339)))
	})
}

// userForSignIn gives the live user with email a new token, or makes a
// field user when the domain may sign up by itself.
func (s *Server) userForSignIn(ctx context.Context, email string) (NewUser, error) {
	for attempt := 0; ; attempt++ {
		users, err := s.store.ListUsers(ctx)
		if err != nil {
			return NewUser{}, err
		}
		revoked := false
		for _, u := range users {
			if !strings.EqualFold(u.Email, email) {
				continue
			}
			if u.Revoked {
				revoked = true
				continue
			}
			token := newToken()
			if err := s.store.SetUserToken(ctx, u, HashToken(token)); err != nil {
				return NewUser{}, err
			}
			return NewUser{ID: u.ID, Email: u.Email, Role: u.Role, Token: token}, nil
		}
		if revoked {
			return NewUser{}, notebook.Errorf(notebook.Forbidden, "%s was removed from this hub; ask your admin to add you again", email)
		}
		domain := email[strings.LastIndexByte(email, '@')+1:]
		if !s.oidc.domains[domain] {
			return NewUser{}, notebook.Errorf(notebook.Forbidden, "%s has no account on this hub, and people from %s cannot sign up by themselves; ask your admin for an invite", email, domain)
		}
		nu, err := AddUser(ctx, s.store, email, hubdb.RoleField, s.now())
		if notebook.IsCode(err, notebook.Conflict) && attempt == 0 {
			continue // a second device signed the same person up at the same moment: use that user
		}
		return nu, err
	}
}

// ---- HTTP ----

func (s *Server) oidcRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/auth/oidc/config", s.handleOIDCConfig)
	mux.HandleFunc("POST /v1/auth/oidc", s.handleOIDCSignIn)
}

func (s *Server) handleOIDCConfig(w http.ResponseWriter, r *http.Request) {
	cfg := syncproto.OIDCConfig{}
	if s.oidc != nil {
		cfg = syncproto.OIDCConfig{Enabled: true, Issuer: s.oidc.verifier.Issuer(), ClientID: s.oidc.verifier.ClientID()}
	}
	writeJSON(w, http.StatusOK, cfg)
}

func (s *Server) handleOIDCSignIn(w http.ResponseWriter, r *http.Request) {
	var req syncproto.OIDCSignInRequest
	if err := readJSONBody(w, r, syncproto.MaxOIDCSignInBytes, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	nu, err := s.OIDCSignIn(r.Context(), req.IDToken, req.Nonce)
	if err != nil {
		if code := notebook.ErrorCode(err); code == notebook.Forbidden || code == notebook.Conflict {
			// The message names the check, never the token; the person's address stays out of the log.
			s.log.Warn("single sign-on refused", "code", code, "reason", anyEmail.ReplaceAllString(err.Error(), "<email>"))
		}
		s.fail(w, r, err)
		return
	}
	s.log.Info("signed in with single sign-on", "user", nu.ID, "role", nu.Role, "device", limitString(req.DeviceName, 100))
	writeJSON(w, http.StatusOK, syncproto.RedeemResponse{UserID: nu.ID, Email: nu.Email, Role: string(nu.Role), Token: nu.Token})
}
