package syncproto

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
)

// An invite (fieldhub invite add) travels as a link or as a code; both carry
// the same three things, so a person can click the link or paste either:
//
//	fieldnotes://join?hub=https%3A%2F%2Fhub.acme.com&secret=S[&pin=sha256:HEX]
//	FN1-<base64url of {"h":hub,"s":secret,"p":pin}>
//
// The secret is the one-time credential redeemed at POST /v1/invites/redeem.
// The pin is the SHA-256 of the hub's TLS certificate (DER), set for a hub
// with a self-signed certificate: the app then trusts exactly that
// certificate for this hub and no other.

// InviteScheme is the URL scheme the app registers as handler for.
const InviteScheme = "fieldnotes"

// inviteCodePrefix versions the code's format.
const inviteCodePrefix = "FN1-"

// MaxInviteBytes bounds what ParseInvite reads: a pasted invite is a line.
const MaxInviteBytes = 4096

// Invite is what the app needs to join a hub.
type Invite struct {
	HubURL string `json:"h"`
	Secret string `json:"s"`
	// CertSHA256 is the pinned certificate's SHA-256 as 64 lowercase hex
	// digits, or "" (the system's CAs decide).
	CertSHA256 string `json:"p,omitempty"`
}

// Link is the fieldnotes://join link of the invite.
func (in Invite) Link() string {
	q := url.Values{"hub": {in.HubURL}, "secret": {in.Secret}}
	if in.CertSHA256 != "" {
		q.Set("pin", "sha256:"+in.CertSHA256)
	}
	return InviteScheme + "://join?" + q.Encode()
}

// Code is the invite as one pasteable word.
func (in Invite) Code() string {
	b, _ := json.Marshal(in) // a struct of strings: cannot fail
	return inviteCodePrefix + base64.RawURLEncoding.EncodeToString(b)
}

// RedeemRequest is the body of POST /v1/invites/redeem.
type RedeemRequest struct {
	Secret string `json:"secret"`
	// DeviceName says which laptop redeemed it, for the admin's list.
	DeviceName string `json:"device_name,omitempty"`
}

// RedeemResponse is its answer: the user the invite made (or bound) and
// the user's new token, shown this once.
type RedeemResponse struct {
	UserID string `json:"user_id"`
	Email  string `json:"email"`
	Role   string `json:"role"`
	Token  string `json:"token"`
}

// ParseInvite reads a link or a code (surrounding space and a pasted
// "<…>" are ignored). Anything else is an *Error with code "invalid" that
// says what is wrong; it never panics (fuzzed).
func ParseInvite(s string) (Invite, error) {
	if len(s) > MaxInviteBytes {
		return Invite{}, inviteError("is %d bytes; an invite is at most %d", len(s), MaxInviteBytes)
	}
	s = strings.Trim(strings.TrimSpace(s), "<>")
	var in Invite
	switch {
	case strings.HasPrefix(strings.ToLower(s), InviteScheme+"://"):
		u, err := url.Parse(s)
		if err != nil || !strings.EqualFold(u.Scheme, InviteScheme) || u.Host != "join" {
			return Invite{}, inviteError("is not a fieldnotes://join link")
		}
		q := u.Query()
		in = Invite{HubURL: q.Get("hub"), Secret: q.Get("secret")}
		if pin := q.Get("pin"); pin != "" {
			hexPin, ok := strings.CutPrefix(pin, "sha256:")
			if !ok {
				return Invite{}, inviteError("pin %q: want sha256:<64 hex digits>", pin)
			}
			in.CertSHA256 = hexPin
		}
	case strings.HasPrefix(strings.ToUpper(s), inviteCodePrefix):
		raw, err := base64.RawURLEncoding.DecodeString(s[len(inviteCodePrefix):])
		if err != nil {
			return Invite{}, inviteError("code is damaged (a character was changed or cut off)")
		}
		if err := json.Unmarshal(raw, &in); err != nil {
			return Invite{}, inviteError("code is damaged (a character was changed or cut off)")
		}
	default:
		return Invite{}, inviteError("is neither a fieldnotes://join link nor a code starting with %s", inviteCodePrefix)
	}
	return in, in.validate()
}

func (in Invite) validate() error {
	for _, c := range []byte(in.HubURL) { // printable ASCII (an IDN host in punycode), so both encodings keep it exactly
		if c <= ' ' || c >= 0x7f {
			return inviteError("hub %q: only printable ASCII (write an international name in punycode)", in.HubURL)
		}
	}
	u, err := url.Parse(in.HubURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return inviteError("hub %q: want an http(s)://host[:port] address", in.HubURL)
	}
	if len(in.Secret) < 16 || len(in.Secret) > 128 || strings.Trim(in.Secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != "" {
		return inviteError("secret is missing or damaged")
	}
	if in.CertSHA256 != "" {
		if b, err := hex.DecodeString(in.CertSHA256); err != nil || len(b) != 32 || strings.ToLower(in.CertSHA256) != in.CertSHA256 {
			return inviteError("pin: want the certificate's SHA-256 as 64 lowercase hex digits")
		}
	}
	return nil
}

func inviteError(format string, args ...any) error {
	return invalidf("invite: "+format, args...)
}
