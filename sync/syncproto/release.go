package syncproto

import (
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"strconv"
	"strings"
)

// Releases (issue 12 §3): a team's hub serves signed builds of the app.
// The hub stores what it is given and never signs; the signature is made
// offline (fieldhub release sign) over a manifest that binds the
// artefact's bytes (size and SHA-256) to its version, OS and
// architecture, so nobody holding the hub can relabel an old signed build
// as a new one (a downgrade) or a Linux build as another platform's.

// MaxReleaseBytes bounds one artefact (the app is ~40 MB; this leaves room).
const MaxReleaseBytes = 512 << 20

// MaxReleaseInfoBytes bounds a GET /v1/releases/latest answer.
const MaxReleaseInfoBytes = 16 << 10

// ReleaseInfo is GET /v1/releases/latest: the newest release for one
// platform, and where to download it.
type ReleaseInfo struct {
	Version   string `json:"version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
	Size      int64  `json:"size"`
	SHA256    string `json:"sha256"`    // 64 lowercase hex digits
	Signature string `json:"signature"` // base64 (std) of the 64-byte Ed25519 signature of Manifest()
	Path      string `json:"path"`      // /v1/releases/{version}/{os}/{arch}
}

// ReleasePath is where the hub streams a release's artefact.
func ReleasePath(version, goos, arch string) string {
	return "/v1/releases/" + version + "/" + goos + "/" + arch
}

// Manifest is the exact text the Ed25519 signature covers.
func (r ReleaseInfo) Manifest() []byte {
	return []byte("fieldnotes-release-v1\nversion " + r.Version + "\nos " + r.OS + "\narch " + r.Arch +
		"\nsize " + strconv.FormatInt(r.Size, 10) + "\nsha256 " + r.SHA256 + "\n")
}

// VerifySignature checks Signature against pub; false for no signature,
// a malformed one or a wrong one.
func (r ReleaseInfo) VerifySignature(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(r.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize || len(pub) != ed25519.PublicKeySize {
		return false
	}
	return ed25519.Verify(pub, r.Manifest(), sig)
}

// CheckRelease validates every field of r but the signature's truth (that
// needs the key): a clear message naming the first field that is wrong.
func CheckRelease(r ReleaseInfo) error {
	if _, ok := ParseVersion(r.Version); !ok {
		return invalidf("release version %q: want a release version like 1.2.3 or 1.2.3+4.gabc1234", r.Version)
	}
	if !ValidPlatformName(r.OS) {
		return invalidf("release os %q: want a lowercase name like linux", r.OS)
	}
	if !ValidPlatformName(r.Arch) {
		return invalidf("release arch %q: want a lowercase name like amd64", r.Arch)
	}
	if r.Size <= 0 || r.Size > MaxReleaseBytes {
		return invalidf("release size %d: want 1 to %d bytes", r.Size, MaxReleaseBytes)
	}
	if b, err := hex.DecodeString(r.SHA256); err != nil || len(b) != 32 || strings.ToLower(r.SHA256) != r.SHA256 {
		return invalidf("release sha256: want 64 lowercase hex digits")
	}
	if r.Signature == "" {
		return invalidf("release has no signature")
	}
	if sig, err := base64.StdEncoding.DecodeString(r.Signature); err != nil || len(sig) != ed25519.SignatureSize {
		return invalidf("release signature: want the base64 of a %d-byte Ed25519 signature", ed25519.SignatureSize)
	}
	return nil
}

// DecodeReleaseInfo parses a GET /v1/releases/latest answer and checks it
// (CheckRelease); the path must be the release's own.
func DecodeReleaseInfo(body []byte) (ReleaseInfo, error) {
	if len(body) > MaxReleaseInfoBytes {
		return ReleaseInfo{}, invalidf("release info: %d bytes; the limit is %d", len(body), MaxReleaseInfoBytes)
	}
	var r ReleaseInfo
	if err := json.Unmarshal(body, &r); err != nil {
		return ReleaseInfo{}, invalidf("release info: %s", describeJSONError(err))
	}
	if err := CheckRelease(r); err != nil {
		return ReleaseInfo{}, err
	}
	if r.Path != ReleasePath(r.Version, r.OS, r.Arch) {
		return ReleaseInfo{}, invalidf("release path %q: want %q", r.Path, ReleasePath(r.Version, r.OS, r.Arch))
	}
	return r, nil
}

// ValidPlatformName accepts an OS or architecture as Go names them (linux,
// amd64, arm64, windows …): 1–16 of [a-z0-9].
func ValidPlatformName(s string) bool {
	if len(s) == 0 || len(s) > 16 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ParsePublicKey reads an Ed25519 public key as PEM ("PUBLIC KEY", PKIX,
// what fieldhub release keygen and openssl write) or as the base64 of its
// 32 bytes (the form that fits in -ldflags -X).
func ParsePublicKey(text string) (ed25519.PublicKey, error) {
	text = strings.TrimSpace(text)
	if block, _ := pem.Decode([]byte(text)); block != nil {
		if block.Type != "PUBLIC KEY" {
			return nil, invalidf("public key: a PEM %q block, want PUBLIC KEY", block.Type)
		}
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, invalidf("public key: %v", err)
		}
		pub, ok := k.(ed25519.PublicKey)
		if !ok {
			return nil, invalidf("public key: not an Ed25519 key")
		}
		return pub, nil
	}
	raw, err := base64.StdEncoding.DecodeString(text)
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, invalidf("public key: want PEM or the base64 of %d bytes", ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(raw), nil
}
