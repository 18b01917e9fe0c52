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
	KeyHubURL   = "settings/hub_url"     // store local state (never synced)
	SecretToken = "hub-token"            // app/secrets vault name
	EnvToken    = "FIELDNOTES_HUB_TOKEN" // overrides the vault, for scripts and CI
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

// SetHubURL saves the hub address after checking it; "" forgets it.
func (s Settings) SetHubURL(ctx context.Context, url string) error {
	url = strings.TrimRight(strings.TrimSpace(url), "/")
	if url == "" {
		return s.Store.LocalDelete(ctx, KeyHubURL)
	}
	if err := syncclient.CheckHubURL(url); err != nil {
		return err
	}
	return s.Store.LocalPut(ctx, KeyHubURL, []byte(url))
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
	eng.Configure(url, tok)
	return nil
}
