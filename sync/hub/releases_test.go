package hub

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

func signed(t *testing.T, version string, body []byte) syncproto.ReleaseInfo {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	sum := sha256.Sum256(body)
	r := syncproto.ReleaseInfo{Version: version, OS: "linux", Arch: "amd64", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, r.Manifest()))
	return r
}

// A body that is not the one described is refused and leaves no release;
// the newest is chosen by version order, not by when it was added.
func TestAddReleaseChecksTheBytes(t *testing.T) {
	store, err := hubdb.OpenBadger(hubdb.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	body := bytes.Repeat([]byte{7}, hubdb.MaxDocBytes*4+3) // five chunks, two transactions
	info := signed(t, "1.2.0", body)
	for name, b := range map[string][]byte{
		"short": body[:len(body)-1],
		"long":  append(append([]byte{}, body...), 1),
		"other": append([]byte{8}, body[1:]...),
		"empty": nil,
	} {
		_, err := AddRelease(ctx, store, info, bytes.NewReader(b), "t", time.Now())
		if !notebook.IsCode(err, notebook.Invalid) {
			t.Errorf("%s body: %v, want Invalid", name, err)
		}
	}
	if _, err := LatestRelease(ctx, store, "linux", "amd64"); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("a refused add left a release: %v", err)
	}
	noSig := info
	noSig.Signature = ""
	if _, err := AddRelease(ctx, store, noSig, bytes.NewReader(body), "t", time.Now()); err == nil || !strings.Contains(err.Error(), "no signature") {
		t.Errorf("unsigned release: %v", err)
	}
	for _, v := range []string{"1.10.0", "1.2.0", "1.9.0+7.gabc"} {
		b := append([]byte(v), body...)
		if _, err := AddRelease(ctx, store, signed(t, v, b), bytes.NewReader(b), "t", time.Now()); err != nil {
			t.Fatalf("add %s: %v", v, err)
		}
	}
	if got, err := LatestRelease(ctx, store, "linux", "amd64"); err != nil || got.Version != "1.10.0" {
		t.Errorf("latest = %s, %v; want 1.10.0", got.Version, err)
	}
}

// Two adds of one version at once: exactly one wins.
func TestAddReleaseOnceUnderRace(t *testing.T) {
	store, _ := hubdb.OpenBadger(hubdb.Options{InMemory: true})
	defer store.Close()
	body := []byte("binary")
	info := signed(t, "2.0.0", body)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = AddRelease(context.Background(), store, info, bytes.NewReader(body), "t", time.Now())
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !notebook.IsCode(err, notebook.Conflict) {
			t.Errorf("unexpected error %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d adds of one version succeeded, want 1", ok)
	}
}
