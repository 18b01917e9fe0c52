package main

import (
	"bytes"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/syncproto"
)

// keygen makes a key pair in dir and returns the private and public key files.
func keygen(t *testing.T, dir string) (priv, pub string) {
	t.Helper()
	prefix := filepath.Join(dir, "release")
	code, out, errOut := runCLI(t, "release", "keygen", "--out", prefix)
	if code != 0 || !strings.Contains(out, "public_key_base64") {
		t.Fatalf("keygen: %d %q %q", code, out, errOut)
	}
	st, err := os.Stat(prefix + ".key")
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	return prefix + ".key", prefix + ".pub"
}

// artefact writes n random bytes (more than one stored chunk for n > 1 MiB).
func artefact(t *testing.T, dir, name string, n int) (string, []byte) {
	t.Helper()
	body := make([]byte, n)
	rand.Read(body)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, body, 0o755); err != nil {
		t.Fatal(err)
	}
	return path, body
}

func getRelease(t *testing.T, url, token string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// publishAndFetch: sign offline, add, then a signed-in user finds the
// newest release and downloads exactly the bytes that were signed.
func publishAndFetch(t *testing.T, storeArgs []string, serve func() *hubProcess, token string) {
	work := t.TempDir()
	priv, pub := keygen(t, work)
	oldFile, _ := artefact(t, work, "fieldnotes-1.0.0", 1000)
	newFile, newBody := artefact(t, work, "fieldnotes-1.1.0", 2*(1<<20)+12345) // five chunks, over two transactions
	for _, r := range []struct{ file, version string }{{oldFile, "1.0.0"}, {newFile, "1.1.0+3.gabc1234"}} {
		if code, out, errOut := runCLI(t, "release", "sign", r.file, "--key", priv, "--version", r.version); code != 0 {
			t.Fatalf("sign %s: %d %s %s", r.version, code, out, errOut)
		}
		args := append([]string{"release", "add", r.file, "--sig", r.file + ".sig", "--version", r.version, "--public-key", pub}, storeArgs...)
		if code, out, errOut := runCLI(t, args...); code != 0 || !strings.Contains(out, `"sha256"`) {
			t.Fatalf("add %s: %d %s %s", r.version, code, out, errOut)
		}
	}
	// A release never changes: the same version again is refused.
	args := append([]string{"release", "add", oldFile, "--sig", oldFile + ".sig", "--version", "1.0.0"}, storeArgs...)
	if code, _, errOut := runCLI(t, args...); code == 0 || !strings.Contains(errOut, "already on the hub") {
		t.Errorf("second add of 1.0.0: %d %s", code, errOut)
	}
	// A signature of other bytes (or another version) is refused before storing.
	args = append([]string{"release", "add", newFile, "--sig", oldFile + ".sig", "--version", "1.2.0", "--public-key", pub}, storeArgs...)
	if code, _, errOut := runCLI(t, args...); code == 0 || !strings.Contains(errOut, "not this key's signature") {
		t.Errorf("add with another file's signature: %d %s", code, errOut)
	}
	if code, out, _ := runCLI(t, append([]string{"release", "list"}, storeArgs...)...); code != 0 || strings.Count(out, `"version"`) != 2 {
		t.Errorf("list: %d %s", code, out)
	}

	hub := serve()
	if code, _ := getRelease(t, hub.URL+"/v1/releases/latest?os=linux&arch=amd64", ""); code != http.StatusUnauthorized {
		t.Errorf("latest without a token: %d, want 401", code)
	}
	for _, q := range []string{"", "?os=linux", "?os=Linux&arch=amd64", "?os=linux&arch=../x"} {
		if code, body := getRelease(t, hub.URL+"/v1/releases/latest"+q, token); code != http.StatusBadRequest {
			t.Errorf("latest%s: %d %s, want 400", q, code, body)
		}
	}
	if code, _ := getRelease(t, hub.URL+"/v1/releases/latest?os=windows&arch=amd64", token); code != http.StatusNotFound {
		t.Errorf("latest for a platform without releases: %d, want 404", code)
	}
	code, raw := getRelease(t, hub.URL+"/v1/releases/latest?os=linux&arch=amd64", token)
	info, err := syncproto.DecodeReleaseInfo(raw)
	if code != http.StatusOK || err != nil || info.Version != "1.1.0+3.gabc1234" || info.Size != int64(len(newBody)) {
		t.Fatalf("latest: %d %s %v", code, raw, err)
	}
	pubText, _ := os.ReadFile(pub)
	key, _ := syncproto.ParsePublicKey(string(pubText))
	if !info.VerifySignature(key) {
		t.Error("the served signature does not verify with the release key")
	}
	code, got := getRelease(t, hub.URL+info.Path, token)
	if code != http.StatusOK || !bytes.Equal(got, newBody) {
		t.Fatalf("download: %d, %d bytes, equal %v", code, len(got), bytes.Equal(got, newBody))
	}
	if code, _ := getRelease(t, hub.URL+"/v1/releases/9.9.9/linux/amd64", token); code != http.StatusNotFound {
		t.Errorf("download of a missing release: %d", code)
	}
	if code, _ := getRelease(t, hub.URL+"/v1/releases/dev/linux/amd64", token); code != http.StatusBadRequest {
		t.Errorf("download of a non-version: %d", code)
	}
}

func TestReleasesOnBadger(t *testing.T) {
	dir := t.TempDir()
	_, token := addUser(t, dir, "rep@acme.com", "field")
	publishAndFetch(t, []string{"--data", dir}, func() *hubProcess { return startHub(t, dir) }, token)
}

func TestReleasesOnPostgres(t *testing.T) {
	db := pgtest.Database(t)
	if code, _, errOut := runCLI(t, "migrate", "--db", db); code != 0 {
		t.Fatalf("migrate: %s", errOut)
	}
	_, token := addUserDB(t, db, "rep@acme.com", "field")
	publishAndFetch(t, []string{"--db", db}, func() *hubProcess { return startReplica(t, db) }, token)
}

// The private key is refused when others may read it, and keygen never
// writes over an existing file.
func TestReleaseKeyHandling(t *testing.T) {
	work := t.TempDir()
	priv, _ := keygen(t, work)
	file, _ := artefact(t, work, "app", 10)
	os.Chmod(priv, 0o644)
	if code, _, errOut := runCLI(t, "release", "sign", file, "--key", priv, "--version", "1.0.0"); code == 0 || !strings.Contains(errOut, "chmod 600") {
		t.Errorf("sign with a readable key: %d %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "release", "keygen", "--out", filepath.Join(work, "release")); code == 0 || !strings.Contains(errOut, "already exists") {
		t.Errorf("keygen over an existing key: %d %s", code, errOut)
	}
	os.Chmod(priv, 0o600)
	for _, args := range [][]string{
		{"release", "sign", file, "--key", priv},                     // no version
		{"release", "sign", file, "--key", priv, "--version", "dev"}, // not a release version
		{"release", "sign", file, "--key", priv, "--version", "1.0.0", "--os", "Linux"},
		{"release", "add", file, "--version", "1.0.0", "--data", work},       // no --sig
		{"release", "sign", "--key", priv, "--version", "1.0.0"},             // no file
		{"release", "sign", file, file, "--key", priv, "--version", "1.0.0"}, // two files
		{"release", "frobnicate"},
	} {
		if code, _, errOut := runCLI(t, args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
