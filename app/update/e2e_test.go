package update_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The whole path, with real processes: the fieldhub binary serves signed
// releases over HTTP on 127.0.0.1, and version A of the fieldnotes binary
// (its release key compiled in with -ldflags, as a release build has it)
// runs `fieldnotes update`. A signed B replaces A, keeping A beside it;
// every tampered B is refused with the reason and A stays A.

const (
	versionA = "1.0.0+2.gaaaaaaa"
	versionB = "1.1.0"
)

type world struct {
	t        *testing.T
	work     string
	fieldhub string
	appA     string // version A, built with the release key
	appB     string // version B, same key
	keyFile  string // the release key's private half
}

func goTool() string {
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

func run(t *testing.T, env []string, name string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

func must(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	out, errOut, err := run(t, env, name, args...)
	if err != nil {
		t.Fatalf("%s %v: %v\n%s%s", filepath.Base(name), args, err, out, errOut)
	}
	return out
}

func newWorld(t *testing.T) *world {
	if testing.Short() {
		t.Skip("builds three binaries")
	}
	root, _ := filepath.Abs("../..")
	w := &world{t: t, work: t.TempDir()}
	w.fieldhub = filepath.Join(w.work, "fieldhub")
	must(t, nil, goTool(), "build", "-C", root, "-o", w.fieldhub, "./sync/cmd/fieldhub")
	out := must(t, nil, w.fieldhub, "release", "keygen", "--out", filepath.Join(w.work, "release"))
	var keys struct {
		PrivateKey string `json:"private_key"`
		PublicKey  string `json:"public_key_base64"`
	}
	if err := json.Unmarshal([]byte(out), &keys); err != nil {
		t.Fatal(err)
	}
	w.keyFile = keys.PrivateKey
	build := func(version, out string) {
		must(t, nil, goTool(), "build", "-C", root, "-o", out, "-ldflags",
			"-X fieldnotes/app/cli.Version="+version+" -X fieldnotes/app/update.PublicKey="+keys.PublicKey, ".")
	}
	w.appA, w.appB = filepath.Join(w.work, "A"), filepath.Join(w.work, "B")
	build(versionA, w.appA)
	build(versionB, w.appB)
	return w
}

// hub is one fieldhub with its own data dir, a field user, and nothing
// published yet.
type hub struct {
	dir, url, token string
}

func (w *world) startHub() *hub {
	t := w.t
	h := &hub{dir: t.TempDir()}
	var u struct{ Token string }
	json.Unmarshal([]byte(must(t, nil, w.fieldhub, "user", "add", "--data", h.dir, "--email", "rep@acme.com", "--role", "field")), &u)
	h.token = u.Token
	return h
}

// publish signs file as version with key and adds it (the hub is stopped).
func (w *world) publish(h *hub, file, sigOf, version, key string) {
	if sigOf == "" {
		sigOf = file
	}
	sig := filepath.Join(w.t.TempDir(), "sig")
	must(w.t, nil, w.fieldhub, "release", "sign", sigOf, "--key", key, "--version", version, "--out", sig)
	must(w.t, nil, w.fieldhub, "release", "add", file, "--sig", sig, "--version", version, "--data", h.dir)
}

func (w *world) serve(h *hub) {
	t := w.t
	cmd := exec.Command(w.fieldhub, "serve", "--data", h.dir, "--addr", "127.0.0.1:0")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
	}()
	select {
	case a := <-addr:
		h.url = "http://" + a
	case <-time.After(20 * time.Second):
		t.Fatal("fieldhub did not start")
	}
}

// install copies A into a directory of its own, as a portable install.
func (w *world) install() string {
	dir := w.t.TempDir()
	raw, err := os.ReadFile(w.appA)
	if err != nil {
		w.t.Fatal(err)
	}
	exe := filepath.Join(dir, "fieldnotes")
	if err := os.WriteFile(exe, raw, 0o755); err != nil {
		w.t.Fatal(err)
	}
	return exe
}

// update runs `fieldnotes update ARGS` of exe against hubURL.
func (w *world) update(exe, hubURL, token string, args ...string) (string, string, error) {
	data := w.t.TempDir()
	return run(w.t, []string{"FIELDNOTES_HUB_TOKEN=" + token}, exe,
		append([]string{"--data", data, "update", "--hub", hubURL}, args...)...)
}

func versionOf(t *testing.T, exe string) string {
	return strings.TrimSpace(must(t, nil, exe, "version"))
}

// untouched: exe is still A and no update file was left beside it.
func untouched(t *testing.T, exe string) {
	t.Helper()
	if v := versionOf(t, exe); v != "fieldnotes "+versionA {
		t.Errorf("after a refused update the binary says %q, want A", v)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), ".fieldnotes-update-*"))
	if fileExists(exe+".previous") || len(left) > 0 {
		t.Errorf("a refused update left files: previous %v, staged %v", fileExists(exe+".previous"), left)
	}
}

func TestUpdateEndToEnd(t *testing.T) {
	w := newWorld(t)

	t.Run("signed B replaces A and keeps A", func(t *testing.T) {
		h := w.startHub()
		w.publish(h, w.appB, "", versionB, w.keyFile)
		w.serve(h)
		exe := w.install()
		out, errOut, err := w.update(exe, h.url, h.token, "--check")
		if err != nil || !strings.Contains(out, "Version "+versionB+" is available") {
			t.Fatalf("update --check: %v %q %q", err, out, errOut)
		}
		if v := versionOf(t, exe); v != "fieldnotes "+versionA {
			t.Fatalf("--check changed the binary: %q", v)
		}
		out, errOut, err = w.update(exe, h.url, h.token)
		if err != nil || !strings.Contains(out, "Updated to version "+versionB) {
			t.Fatalf("update: %v %q %q", err, out, errOut)
		}
		if v := versionOf(t, exe); v != "fieldnotes "+versionB {
			t.Errorf("the swapped binary says %q, want B", v)
		}
		if v := versionOf(t, exe+".previous"); v != "fieldnotes "+versionA {
			t.Errorf("the kept previous binary says %q, want A", v)
		}
		// B itself is now up to date (the same version is never applied again).
		if out, errOut, err := w.update(exe, h.url, h.token); err != nil || !strings.Contains(out, "Up to date") {
			t.Errorf("B's update: %v %q %q", err, out, errOut)
		}
	})

	refused := func(t *testing.T, hubURL, token, why string) {
		t.Helper()
		exe := w.install()
		out, errOut, err := w.update(exe, hubURL, token)
		if err == nil || !strings.Contains(errOut, why) || !strings.Contains(errOut, "Nothing was changed") {
			t.Errorf("update: err %v, stdout %q, stderr %q; want a refusal saying %q", err, out, errOut, why)
		}
		untouched(t, exe)
	}

	t.Run("a flipped byte", func(t *testing.T) {
		h := w.startHub()
		raw, _ := os.ReadFile(w.appB)
		raw[len(raw)/2] ^= 0x01
		flipped := filepath.Join(t.TempDir(), "B-flipped")
		os.WriteFile(flipped, raw, 0o755)
		w.publish(h, flipped, w.appB, versionB, w.keyFile) // B's signature on other bytes
		w.serve(h)
		refused(t, h.url, h.token, "signature is not one made with this app's release key")
	})

	t.Run("a wrong key", func(t *testing.T) {
		h := w.startHub()
		otherKey := filepath.Join(t.TempDir(), "intruder")
		must(t, nil, w.fieldhub, "release", "keygen", "--out", otherKey)
		w.publish(h, w.appB, "", versionB, otherKey+".key")
		w.serve(h)
		refused(t, h.url, h.token, "signature is not one made with this app's release key")
	})

	t.Run("a downgrade", func(t *testing.T) {
		h := w.startHub()
		w.publish(h, w.appB, "", "0.9.0", w.keyFile) // properly signed, but older than A
		w.serve(h)
		refused(t, h.url, h.token, "older than the running "+versionA)
	})

	// The hub is honest here; the attacker is in between (a proxy on
	// 127.0.0.1), which is what size, hash and signature are for.
	h := w.startHub()
	w.publish(h, w.appB, "", versionB, w.keyFile)
	w.serve(h)
	token := h.token
	tamper := func(change func(path string, body []byte) []byte) string {
		target, _ := url.Parse(h.url)
		p := httputil.NewSingleHostReverseProxy(target)
		p.ModifyResponse = func(resp *http.Response) error {
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			resp.Body.Close()
			body = change(resp.Request.URL.Path, body)
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Del("Content-Length")
			return nil
		}
		srv := httptest.NewServer(p)
		t.Cleanup(srv.Close)
		return srv.URL
	}
	isDownload := func(path string) bool {
		return strings.HasPrefix(path, "/v1/releases/") && !strings.HasSuffix(path, "/latest")
	}

	t.Run("a truncated body", func(t *testing.T) {
		proxy := tamper(func(path string, body []byte) []byte {
			if isDownload(path) {
				return body[:len(body)/2]
			}
			return body
		})
		refused(t, proxy, token, "cut short")
	})
	t.Run("an oversized body", func(t *testing.T) {
		proxy := tamper(func(path string, body []byte) []byte {
			if isDownload(path) {
				return append(body, "and a bit more"...)
			}
			return body
		})
		refused(t, proxy, token, "larger than the signed")
	})
	t.Run("the same size, other bytes", func(t *testing.T) {
		proxy := tamper(func(path string, body []byte) []byte {
			if isDownload(path) {
				body[100] ^= 0xff
			}
			return body
		})
		refused(t, proxy, token, "SHA-256")
	})
	t.Run("no signature", func(t *testing.T) {
		proxy := tamper(func(path string, body []byte) []byte {
			if !strings.HasSuffix(path, "/latest") {
				return body
			}
			var m map[string]any
			json.Unmarshal(body, &m)
			delete(m, "signature")
			out, _ := json.Marshal(m)
			return out
		})
		refused(t, proxy, token, "no signature")
	})
}
