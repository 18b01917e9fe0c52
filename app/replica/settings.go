package replica

import (
	"context"
	"log/slog"
	"os"
	"strings"

	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
	"fieldnotes/sync/syncclient"
)

// Where the sync settings live.
const (
	KeyHubURL   = "settings/hub_url"         // store local state (never synced)
	KeyHubPin   = "settings/hub_cert_sha256" // the pinned certificate of that hub (from its invite)
	SecretToken = "hub-token"                // app/secrets vault name
	EnvToken    = "FIELDNOTES_HUB_TOKEN"     // overrides the vault, for scripts and CI
)

// Settings reads and writes the hub address and token of one notebook.
type Settings struct {
	Store *store.Store
	Vault secrets.Vault
}

// NewSettings uses the OS keyring for the token, falling back to the
// notebook's encrypted local state when no keyring runs.
func NewSettings(s *store.Store, dataDir string, log *slog.Logger) Settings {
	return Settings{Store: s, Vault: secrets.Vault{Scope: dataDir, Fallback: s, Log: log}}
}

// HubURL returns the saved hub address ("" when none).
func (s Settings) HubURL(ctx context.Context) (string, error) {
	raw, err := s.Store.LocalGet(ctx, KeyHubURL)
	if notebook.IsCode(err, notebook.NotFound) {
		return "", nil
	}
	return string(raw), err
}

// SetHubURL saves the hub address after checking it; "" forgets it. A
// certificate pin belongs to one hub: another address forgets it.
func (s Settings) SetHubURL(ctx context.Context, url string) error {
	url = strings.TrimRight(strings.TrimSpace(url), "/")
	if url != "" {
		if err := syncclient.CheckHubURL(url); err != nil {
			return err
		}
	}
	old, err := s.HubURL(ctx)
	if err != nil {
		return err
	}
	if old != url {
		if err := s.SetCertPin(ctx, ""); err != nil {
			return err
		}
	}
	if url == "" {
		return s.Store.LocalDelete(ctx, KeyHubURL)
	}
	return s.Store.LocalPut(ctx, KeyHubURL, []byte(url))
}

// CertPin returns the pinned certificate's SHA-256 of the saved hub ("" when
// its certificate is checked against the system's CAs).
func (s Settings) CertPin(ctx context.Context) (string, error) {
	raw, err := s.Store.LocalGet(ctx, KeyHubPin)
	if notebook.IsCode(err, notebook.NotFound) {
		return "", nil
	}
	return string(raw), err
}

// SetCertPin pins the saved hub's certificate (64 lowercase hex, as an
// invite carries it); "" forgets the pin. Set it after SetHubURL.
func (s Settings) SetCertPin(ctx context.Context, pin string) error {
	pin = strings.TrimSpace(pin)
	if pin == "" {
		return s.Store.LocalDelete(ctx, KeyHubPin)
	}
	if err := syncclient.CheckCertPin(pin); err != nil {
		return err
	}
	return s.Store.LocalPut(ctx, KeyHubPin, []byte(pin))
}

// Token returns the hub token: $FIELDNOTES_HUB_TOKEN when set, else the vault's.
func (s Settings) Token(ctx context.Context) (string, error) {
	if t := strings.TrimSpace(os.Getenv(EnvToken)); t != "" {
		return t, nil
	}
	return s.Vault.Get(ctx, SecretToken)
}

// SetToken keeps the token in the OS keyring (or the encrypted fallback); "" forgets it.
func (s Settings) SetToken(ctx context.Context, token string) error {
	return s.Vault.Set(ctx, SecretToken, strings.TrimSpace(token))
}

// Apply saves a new hub address and token (Settings screen) and points a
// running engine at them; an empty token keeps the saved one.
func (s Settings) Apply(ctx context.Context, eng *syncclient.Engine, hubURL, token string) error {
	if err := s.SetHubURL(ctx, hubURL); err != nil {
		return err
	}
	if token != "" {
		if err := s.SetToken(ctx, token); err != nil {
			return err
		}
	}
	url, err := s.HubURL(ctx)
	if err != nil {
		return err
	}
	tok, err := s.Token(ctx)
	if err != nil {
		return err
	}
	pin, err := s.CertPin(ctx)
	if err != nil {
		return err
	}
	eng.ConfigurePinned(url, tok, pin)
	return nil
}
