package secrets

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

func TestDataKeyFallsBackToKeyFileAndKeepsIt(t *testing.T) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	t.Setenv("FIELDNOTES_KEY", "")
	dir := filepath.Join(t.TempDir(), "notebook")
	key, src, err := DataKey(dir, nil)
	if err != nil || len(key) != 32 || src != KeyFilePath(dir) {
		t.Fatalf("new key: %v %s %v", len(key), src, err)
	}
	info, err := os.Stat(src)
	if err != nil {
		t.Fatalf("key file: %v", err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", info.Mode().Perm())
	}
	again, _, err := DataKey(dir, nil)
	if err != nil || string(again) != string(key) {
		t.Fatal("the same notebook must get the same key")
	}
	// data but no key anywhere: refuse, never make a new key
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, "MANIFEST"), []byte("x"), 0o600)
	os.Remove(src)
	if _, _, err := DataKey(dir, nil); !notebook.IsCode(err, notebook.Forbidden) || !strings.Contains(err.Error(), "cannot be opened") {
		t.Fatalf("missing key: %v", err)
	}
}

func TestDataKeyFromEnvironment(t *testing.T) {
	t.Setenv("FIELDNOTES_KEY", strings.Repeat("ab", 32))
	key, src, err := DataKey(t.TempDir(), nil)
	if err != nil || src != "FIELDNOTES_KEY" || key[0] != 0xab {
		t.Fatal(src, err)
	}
	t.Setenv("FIELDNOTES_KEY", "short")
	if _, _, err := DataKey(t.TempDir(), nil); !notebook.IsCode(err, notebook.Invalid) {
		t.Fatal(err)
	}
}

type memLocal map[string][]byte

func (m memLocal) LocalGet(_ context.Context, k string) ([]byte, error) {
	v, ok := m[k]
	if !ok {
		return nil, notebook.Errorf(notebook.NotFound, "no %s", k)
	}
	return v, nil
}
func (m memLocal) LocalPut(_ context.Context, k string, v []byte) error { m[k] = v; return nil }
func (m memLocal) LocalDelete(_ context.Context, k string) error        { delete(m, k); return nil }

func TestVaultFallsBackToEncryptedStore(t *testing.T) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	local := memLocal{}
	v := Vault{Scope: "/tmp/x", Fallback: local}
	ctx := context.Background()
	if s, err := v.Get(ctx, "hub-token"); s != "" || err != nil {
		t.Fatal(s, err)
	}
	if err := v.Set(ctx, "hub-token", "tok"); err != nil {
		t.Fatal(err)
	}
	if s, _ := v.Get(ctx, "hub-token"); s != "tok" {
		t.Fatal(s)
	}
	v.Set(ctx, "hub-token", "")
	if _, ok := local["secrets/hub-token"]; ok {
		t.Fatal("not deleted")
	}
}
