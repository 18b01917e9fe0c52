package bridge

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/signin"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
)

// CompanySignIn says whether a hub offers "Sign in with your company
// account" (the hub's GET /v1/auth/oidc/config), for the button.
type CompanySignIn struct {
	Enabled bool   `json:"enabled"`
	Issuer  string `json:"issuer"` // where the browser will go, shown beside the button
}

// CompanySignIn asks the hub at hubURL whether it signs people in with
// their company account.
func (s *Sync) CompanySignIn(hubURL string) (out CompanySignIn, err error) {
	defer guard(s.d.Log, "Sync.CompanySignIn", &err)
	hubURL, err = checkHubURL(hubURL)
	if err != nil {
		return out, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	pin := ""
	if sd, err := s.deps(); err == nil && sd.Settings != nil {
		pin = savedPin(ctx, sd, hubURL)
	}
	cfg, err := syncclient.OIDCConfig(ctx, hubURL, pin)
	if err != nil {
		return out, signInError(err)
	}
	return CompanySignIn{Enabled: cfg.Enabled, Issuer: cfg.Issuer}, nil
}

// SignInWithCompany signs the person in at the provider the hub names
// (the system browser, code + PKCE, app/signin), trades the ID token for
// the hub's own token, and then does what joining does: the token goes to
// the OS keyring with the hub's address and the first sync starts. A
// refusal (wrong audience, expired, unverified email, a domain that may
// not sign up) is an error in the hub's words; the settings stay as they
// were.
func (s *Sync) SignInWithCompany(hubURL string) (out JoinResult, err error) {
	defer guard(s.d.Log, "Sync.SignInWithCompany", &err)
	sd, err := s.deps()
	if err != nil || sd.Settings == nil {
		return out, notebook.Errorf(notebook.NotSetUp, "signing in is not available in this build")
	}
	if hubURL, err = checkHubURL(hubURL); err != nil {
		return out, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute) // the person types a password, perhaps a second factor
	defer cancel()
	ctx, done := sd.SignIns.Start(ctx) // a second click, or CancelSignIn, ends this one
	defer done()
	pin := savedPin(ctx, sd, hubURL)
	cfg, err := syncclient.OIDCConfig(ctx, hubURL, pin)
	if err != nil {
		return out, signInError(err)
	}
	if !cfg.Enabled {
		return out, notebook.Errorf(notebook.NotSetUp, "the hub at %s does not offer company sign-in; join with an invite instead", hubURL)
	}
	flow := signin.Flow{}
	if sd.Browser != nil {
		flow.Open = func(u string) error { sd.Browser.OpenURL(u); return nil }
	}
	res, err := flow.SignIn(ctx, signin.Provider{Issuer: cfg.Issuer, ClientID: cfg.ClientID})
	if err != nil {
		return out, err
	}
	device, _ := os.Hostname()
	got, err := syncclient.SignInWithIDToken(ctx, hubURL, pin, syncproto.OIDCSignInRequest{IDToken: res.IDToken, Nonce: res.Nonce, DeviceName: device})
	if err != nil {
		return out, signInError(err)
	}
	if err := sd.Settings.SetToken(ctx, got.Token); err != nil {
		return out, err
	}
	if err := sd.Settings.SetHubURL(ctx, hubURL); err != nil {
		return out, err
	}
	if err := sd.Settings.SetCertPin(ctx, pin); err != nil {
		return out, err
	}
	sd.Engine.ConfigurePinned(hubURL, got.Token, pin)
	sd.Engine.ScheduleSync()
	logger(s.d.Log).Info("signed in with a company account", "hub", hubURL, "role", got.Role)
	return JoinResult{HubURL: hubURL, Email: got.Email, Role: got.Role}, nil
}

// CancelSignIn ends the company sign-in under way (the person closed the
// browser tab): SignInWithCompany then fails with "cancelled".
func (s *Sync) CancelSignIn() (err error) {
	defer guard(s.d.Log, "Sync.CancelSignIn", &err)
	sd, err := s.deps()
	if err != nil {
		return err
	}
	sd.SignIns.Cancel()
	return nil
}

// savedPin is the certificate pin kept for hubURL (an invite to a hub with
// a self-signed certificate set it), or "" for another hub: a pin never
// carries over to an address it was not made for.
func savedPin(ctx context.Context, sd *SyncDeps, hubURL string) string {
	saved, err := sd.Settings.HubURL(ctx)
	if err != nil || strings.TrimRight(saved, "/") != hubURL {
		return ""
	}
	pin, _ := sd.Settings.CertPin(ctx)
	return pin
}

func checkHubURL(hubURL string) (string, error) {
	hubURL = strings.TrimRight(strings.TrimSpace(hubURL), "/")
	if !strings.HasPrefix(hubURL, "https://") && !strings.HasPrefix(hubURL, "http://") {
		return "", notebook.Errorf(notebook.Invalid, "hub URL: %q is not a hub address such as https://hub.example.com", hubURL)
	}
	return hubURL, nil
}

// signInError gives the hub's refusal or the network failure a code.
func signInError(err error) error {
	var se *syncclient.Error
	if !errors.As(err, &se) {
		return err
	}
	switch {
	case se.Kind == syncclient.KindOffline:
		return notebook.Errorf(notebook.Unavailable, "%s", se.Message)
	case se.Status == 404:
		return notebook.Errorf(notebook.NotFound, "%s", se.Message)
	case se.Status == 409:
		return notebook.Errorf(notebook.Conflict, "%s", se.Message)
	case se.Status == 403:
		return notebook.Errorf(notebook.Forbidden, "%s", se.Message)
	case se.Status == 503:
		return notebook.Errorf(notebook.Unavailable, "%s", se.Message)
	}
	return notebook.Errorf(notebook.Invalid, "%s", se.Message)
}
