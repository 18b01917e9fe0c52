package syncproto

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
)

func TestCompareVersions(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{
		{"1.2.3", "1.2.3", 0},
		{"1.2.4", "1.2.3", 1},
		{"1.10.0", "1.9.9", 1},
		{"2.0.0", "1.99.99", 1},
		{"1.2.3+5.gabc1234", "1.2.3", 1},
		{"1.2.3+6.gabc1234", "1.2.3+5.gdef5678", 1},
		{"1.2.3+5.gabc1234", "1.2.3+5.gdef5678", 0}, // one commit count, two builds
		{"1.2.3+5.gabc1234.dirty", "1.2.3+5.gabc1234", 0},
		{"1.2.4", "1.2.3+99.gabc1234", 1},
		{"0.0.412+gabc1234", "0.0.411+gdef5678", 1},
		{"1.3.0-rc.1", "1.3.0", -1},
		{"1.3.0-rc.2", "1.3.0-rc.1", 1},
		{"1.3.0-rc.10", "1.3.0-rc.9", 1},
		{"1.3.0-1", "1.3.0-rc", -1},
		{"1.3.0-rc.1", "1.3.0-rc", 1},
		{"1.3.0-rc.1", "1.2.9", 1},
	}
	for _, c := range cases {
		got, ok := CompareVersions(c.a, c.b)
		if !ok || got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, %v; want %d", c.a, c.b, got, ok, c.want)
		}
		if back, _ := CompareVersions(c.b, c.a); back != -c.want {
			t.Errorf("CompareVersions(%q, %q) = %d; want %d", c.b, c.a, back, -c.want)
		}
	}
}

func TestParseVersionRefusesNonReleases(t *testing.T) {
	for _, s := range []string{"", "dev", "v1.2.3", "1.2", "1.2.3.4", "01.2.3", "1.2.3-", "1.2.3+", "1.2.3+a..b",
		"1.2.3 ", "1.2.3/../x", "1.2.3+a+b", strings.Repeat("1", 70) + ".0.0", "1.-2.3", "18446744073709551616.0.0"} {
		if _, ok := ParseVersion(s); ok {
			t.Errorf("ParseVersion(%q) accepted", s)
		}
	}
}

func signedRelease(t testing.TB, priv ed25519.PrivateKey, body []byte) ReleaseInfo {
	sum := sha256.Sum256(body)
	r := ReleaseInfo{Version: "1.2.3+4.gabc1234", OS: "linux", Arch: "amd64", Size: int64(len(body)), SHA256: hex.EncodeToString(sum[:])}
	r.Path = ReleasePath(r.Version, r.OS, r.Arch)
	r.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(priv, r.Manifest()))
	return r
}

func TestSignatureBindsVersionAndPlatform(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	r := signedRelease(t, priv, []byte("the binary"))
	if !r.VerifySignature(pub) {
		t.Fatal("a good signature did not verify")
	}
	if r.VerifySignature(otherPub) {
		t.Error("verified with another key")
	}
	// The attack: a hub relabels an old signed build as a newer version,
	// or as another platform's, keeping the signature.
	for name, mod := range map[string]func(*ReleaseInfo){
		"newer version": func(r *ReleaseInfo) { r.Version = "9.9.9" },
		"other os":      func(r *ReleaseInfo) { r.OS = "windows" },
		"other size":    func(r *ReleaseInfo) { r.Size++ },
		"other hash":    func(r *ReleaseInfo) { r.SHA256 = strings.Repeat("0", 64) },
		"no signature":  func(r *ReleaseInfo) { r.Signature = "" },
		"garbage":       func(r *ReleaseInfo) { r.Signature = "!!" },
	} {
		m := r
		mod(&m)
		if m.VerifySignature(pub) {
			t.Errorf("%s: still verifies", name)
		}
	}
}

func TestDecodeReleaseInfo(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	good := signedRelease(t, priv, []byte("x"))
	raw, _ := json.Marshal(good)
	if got, err := DecodeReleaseInfo(raw); err != nil || got != good {
		t.Fatalf("DecodeReleaseInfo = %+v, %v", got, err)
	}
	cases := map[string]struct {
		mod  func(*ReleaseInfo)
		want string
	}{
		"dev version":  {func(r *ReleaseInfo) { r.Version = "dev" }, "release version"},
		"bad os":       {func(r *ReleaseInfo) { r.OS = "Linux/../" }, "release os"},
		"zero size":    {func(r *ReleaseInfo) { r.Size = 0 }, "release size"},
		"huge size":    {func(r *ReleaseInfo) { r.Size = MaxReleaseBytes + 1 }, "release size"},
		"upper hash":   {func(r *ReleaseInfo) { r.SHA256 = strings.ToUpper(r.SHA256) }, "sha256"},
		"no signature": {func(r *ReleaseInfo) { r.Signature = "" }, "no signature"},
		"short sig":    {func(r *ReleaseInfo) { r.Signature = "AAAA" }, "signature"},
		"other path":   {func(r *ReleaseInfo) { r.Path = "/v1/elsewhere" }, "release path"},
	}
	for name, c := range cases {
		m := good
		c.mod(&m)
		raw, _ := json.Marshal(m)
		if _, err := DecodeReleaseInfo(raw); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
	if _, err := DecodeReleaseInfo([]byte(`{"version":`)); err == nil {
		t.Error("bad JSON accepted")
	}
}

func TestParsePublicKey(t *testing.T) {
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	for _, text := range []string{pemText, base64.StdEncoding.EncodeToString(pub) + "\n"} {
		got, err := ParsePublicKey(text)
		if err != nil || !got.Equal(pub) {
			t.Errorf("ParsePublicKey(%q) = %v, %v", text, got, err)
		}
	}
	for _, bad := range []string{"", "abc", base64.StdEncoding.EncodeToString(pub[:31]), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"} {
		if _, err := ParsePublicKey(bad); err == nil {
			t.Errorf("ParsePublicKey(%q) accepted", bad)
		}
	}
}

// FuzzDecodeReleaseInfo: whatever a hub answers, decoding never panics and
// what it accepts is a well-formed release that survives a round trip.
func FuzzDecodeReleaseInfo(f *testing.F) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	good, _ := json.Marshal(signedRelease(f, priv, []byte("seed")))
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"version":"1.2.3","os":"linux","arch":"amd64","size":-1}`))
	f.Add([]byte(`{"version":"1.2.3-rc.1+5.g1","size":1e30}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := DecodeReleaseInfo(body)
		if err != nil {
			return
		}
		if err := CheckRelease(r); err != nil {
			t.Fatalf("accepted a release CheckRelease refuses: %v", err)
		}
		again, _ := json.Marshal(r)
		if r2, err := DecodeReleaseInfo(again); err != nil || r2 != r {
			t.Fatalf("round trip: %+v, %v", r2, err)
		}
	})
}

// FuzzCompareVersions: the order is antisymmetric and every version
// equals itself.
func FuzzCompareVersions(f *testing.F) {
	f.Add("1.2.3", "1.2.3+5.gabc")
	f.Add("1.3.0-rc.1", "1.3.0")
	f.Add("0.0.1+g1.dirty", "0.0.1")
	f.Fuzz(func(t *testing.T, a, b string) {
		c, ok := CompareVersions(a, b)
		if !ok {
			return
		}
		if back, _ := CompareVersions(b, a); back != -c {
			t.Fatalf("Compare(%q,%q)=%d but reverse %d", a, b, c, back)
		}
		if self, _ := CompareVersions(a, a); self != 0 {
			t.Fatalf("%q != itself", a)
		}
	})
}
