package testop

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	exstorage "github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is a person the provider knows.
type User struct {
	Username, Password string
	Email              string
	EmailVerified      bool
}

// Options say who may sign in, to which clients.
type Options struct {
	Users []User
	// ClientIDs are native (public, PKCE) clients that may redirect to any
	// port of http://127.0.0.1/callback (RFC 8252, 7.3).
	ClientIDs []string
}

// Provider is a running OpenID Provider.
type Provider struct {
	Issuer string
	HTTP   *httptest.Server
}

// RedirectPath is the path the native clients are registered with.
const RedirectPath = "/callback"

// Start runs a provider on 127.0.0.1 until the test ends.
func Start(t testing.TB, opts Options) *Provider {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + srv.Listener.Addr().String()
	srv.Config.Handler = Handler(issuer, opts)
	srv.Start()
	t.Cleanup(srv.Close)
	return &Provider{Issuer: issuer, HTTP: srv}
}

// Handler is the provider's HTTP handler for issuer (which must be the
// address it is served at), for a test that runs it itself.
func Handler(issuer string, opts Options) http.Handler {
	users := userStore{}
	for i, u := range opts.Users {
		id := fmt.Sprintf("user%d", i+1)
		users[id] = &exstorage.User{ID: id, Username: u.Username, Password: u.Password, Email: u.Email,
			EmailVerified: u.EmailVerified, FirstName: u.Username, PreferredLanguage: language.English}
	}
	clients := map[string]*exstorage.Client{}
	for _, id := range opts.ClientIDs {
		clients[id] = exstorage.NativeClient(id, "http://127.0.0.1"+RedirectPath)
	}
	store := &storage{Storage: exstorage.NewStorageWithClients(users, clients)}
	return exampleop.SetupServer(issuer, store, nil, false)
}

// storage is the example's in-memory storage with its clients asserting
// the userinfo claims (email, email_verified) in the ID token itself, as
// company providers do for native apps: the hub sees only the ID token.
type storage struct{ *exstorage.Storage }

func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return claimsInIDToken{c}, nil
}

type claimsInIDToken struct{ op.Client }

func (claimsInIDToken) IDTokenUserinfoClaimsAssertion() bool { return true }

type userStore map[string]*exstorage.User

func (u userStore) GetUserByID(id string) *exstorage.User { return u[id] }
func (u userStore) ExampleClientID() string               { return exstorage.ServiceUserID }
func (u userStore) GetUserByUsername(name string) *exstorage.User {
	for _, user := range u {
		if user.Username == name {
			return user
		}
	}
	return nil
}

// Browser follows authURL as the system browser would, signs in as
// username with password on the provider's login page, and follows the
// redirect back to the app. It returns the page the app's loopback
// listener answered with.
func Browser(ctx context.Context, authURL, username, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 20 * time.Second}
	resp, err := get(ctx, client, authURL)
	if err != nil {
		return "", err
	}
	page := resp.Request.URL // the login page, after the provider's redirect
	id := page.Query().Get("authRequestID")
	if id == "" {
		return "", fmt.Errorf("testop: the provider did not show its login page (landed on %s: %s)", page, resp.body)
	}
	form := url.Values{"id": {id}, "username": {username}, "password": {password}}
	loginURL := page.Scheme + "://" + page.Host + "/login/username"
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, loginURL, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = do(client, req)
	if err != nil {
		return "", err
	}
	if resp.Request.URL.Host == page.Host {
		return "", fmt.Errorf("testop: login as %s refused: %s", username, resp.body)
	}
	return resp.body, nil
}

type answer struct {
	*http.Response
	body string
}

func get(ctx context.Context, client *http.Client, u string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return answer{}, err
	}
	return do(client, req)
}

func do(client *http.Client, req *http.Request) (answer, error) {
	resp, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return answer{Response: resp, body: string(b)}, nil
}
