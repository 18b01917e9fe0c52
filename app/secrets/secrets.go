package secrets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/zalando/go-keyring"

	"fieldnotes/app/notebook"
)

const service = "fieldnotes"

// keyringTimeout bounds every keyring call (see the package doc).
var keyringTimeout = 3 * time.Second

// errNoKeyring means no usable OS keyring answered.
var errNoKeyring = errors.New("no OS keyring available")

func keyringDisabled() bool { return os.Getenv("FIELDNOTES_NO_KEYRING") != "" }

// withTimeout runs a keyring call, giving up after keyringTimeout.
func withTimeout(fn func() (string, error)) (string, error) {
	if keyringDisabled() {
		return "", errNoKeyring
	}
	type result struct {
		v   string
		err error
	}
	ch := make(chan result, 1)
	go func() { v, err := fn(); ch <- result{v, err} }()
	select {
	case r := <-ch:
		if r.err != nil && !errors.Is(r.err, keyring.ErrNotFound) {
			return "", fmt.Errorf("%w: %v", errNoKeyring, r.err)
		}
		return r.v, r.err
	case <-time.After(keyringTimeout):
		return "", fmt.Errorf("%w: the keyring did not answer in %s", errNoKeyring, keyringTimeout)
	}
}

// DataKey returns the 32-byte key that encrypts the notebook in dataDir and
// where it came from ("keyring", "FIELDNOTES_KEY" or the key file's path).
// A new notebook gets a new random key; an existing notebook whose key is
// nowhere to be found is an error, never a silently new key.
func DataKey(dataDir string, log *slog.Logger) ([]byte, string, error) {
	if log == nil {
		log = slog.Default()
	}
	if env := os.Getenv("FIELDNOTES_KEY"); env != "" {
		key, err := decodeKey(env)
		if err != nil {
			return nil, "", notebook.Errorf(notebook.Invalid, "FIELDNOTES_KEY must be 64 hex digits (32 bytes): %v", err)
		}
		return key, "FIELDNOTES_KEY", nil
	}
	keyFile := KeyFilePath(dataDir)
	if raw, err := os.ReadFile(keyFile); err == nil {
		key, err := decodeKey(strings.TrimSpace(string(raw)))
		if err != nil {
			return nil, "", notebook.Errorf(notebook.Invalid, "the key file %s is damaged: %v", keyFile, err)
		}
		log.Warn("using the data key from a key file, not the OS keyring", "file", keyFile)
		return key, keyFile, nil
	}
	account := "data-key:" + dataDir
	stored, err := withTimeout(func() (string, error) { return keyring.Get(service, account) })
	if err == nil {
		key, err := decodeKey(stored)
		if err != nil {
			return nil, "", notebook.Errorf(notebook.Invalid, "the data key in the OS keyring is damaged: %v", err)
		}
		return key, "keyring", nil
	}
	if hasData(dataDir) {
		return nil, "", notebook.Errorf(notebook.Forbidden, "the encryption key for %s is not in the OS keyring, $FIELDNOTES_KEY or %s; without it the notebook cannot be opened", dataDir, keyFile)
	}
	return newDataKey(account, keyFile, err, log)
}

func newDataKey(account, keyFile string, keyringErr error, log *slog.Logger) ([]byte, string, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, "", notebook.Wrap(notebook.Internal, err, "cannot make an encryption key: %v", err)
	}
	encoded := hex.EncodeToString(key)
	if errors.Is(keyringErr, keyring.ErrNotFound) {
		if _, err := withTimeout(func() (string, error) { return "", keyring.Set(service, account, encoded) }); err == nil {
			return key, "keyring", nil
		} else {
			keyringErr = err
		}
	}
	log.Warn("no OS keyring: keeping the data key in a key file readable only by you", "file", keyFile, "reason", keyringErr)
	if err := os.MkdirAll(filepath.Dir(keyFile), 0o700); err != nil {
		return nil, "", notebook.Wrap(notebook.Internal, err, "cannot create %s: %v", filepath.Dir(keyFile), err)
	}
	if err := os.WriteFile(keyFile, []byte(encoded+"\n"), 0o600); err != nil {
		return nil, "", notebook.Wrap(notebook.Internal, err, "cannot write the key file %s: %v", keyFile, err)
	}
	return key, keyFile, nil
}

// KeyFilePath is where the fallback key file of a data dir lives.
func KeyFilePath(dataDir string) string {
	return filepath.Join(filepath.Dir(dataDir), filepath.Base(dataDir)+".key")
}

func hasData(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) > 0
}

func decodeKey(s string) ([]byte, error) {
	key, err := hex.DecodeString(s)
	if err != nil {
		return nil, err
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("%d bytes, want 32", len(key))
	}
	return key, nil
}

// Local is where secrets go when no keyring runs: the notebook's encrypted
// local state (app/store satisfies it).
type Local interface {
	LocalGet(ctx context.Context, key string) ([]byte, error)
	LocalPut(ctx context.Context, key string, value []byte) error
	LocalDelete(ctx context.Context, key string) error
}

// Vault reads and writes named secrets ("hub-token", "imap-password",
// "ai-key"), preferring the OS keyring.
type Vault struct {
	Scope    string // distinguishes notebooks (the data dir)
	Fallback Local
	Log      *slog.Logger
}

func (v Vault) account(name string) string { return name + ":" + v.Scope }

// Get returns the secret, or "" when it was never set.
func (v Vault) Get(ctx context.Context, name string) (string, error) {
	s, err := withTimeout(func() (string, error) { return keyring.Get(service, v.account(name)) })
	if err == nil {
		return s, nil
	}
	if v.Fallback == nil {
		return "", nil
	}
	raw, ferr := v.Fallback.LocalGet(ctx, "secrets/"+name)
	if notebook.IsCode(ferr, notebook.NotFound) {
		return "", nil
	}
	return string(raw), ferr
}

// Set stores the secret; an empty value deletes it.
func (v Vault) Set(ctx context.Context, name, value string) error {
	if value == "" {
		return v.Delete(ctx, name)
	}
	_, err := withTimeout(func() (string, error) { return "", keyring.Set(service, v.account(name), value) })
	if err == nil {
		return nil
	}
	if v.Fallback == nil {
		return notebook.Wrap(notebook.Internal, err, "no OS keyring is available to keep the %s", name)
	}
	if v.Log != nil {
		v.Log.Warn("no OS keyring: keeping the secret in the encrypted notebook instead", "secret", name)
	}
	return v.Fallback.LocalPut(ctx, "secrets/"+name, []byte(value))
}

// Delete removes the secret from the keyring and the fallback.
func (v Vault) Delete(ctx context.Context, name string) error {
	_, _ = withTimeout(func() (string, error) { return "", keyring.Delete(service, v.account(name)) })
	if v.Fallback != nil {
		return v.Fallback.LocalDelete(ctx, "secrets/"+name)
	}
	return nil
}
