package syncproto

import (
	"encoding/base64"
	"encoding/json"
)

// Cursor is where a client is in the hub's change log: for every scope it
// has read, the highest seq it has seen, plus the hub epoch that issued it.
// Clients treat the encoded form as opaque; the hub answers 410 "reset" to
// a cursor from another epoch (another hub instance, a restored backup) or
// one older than a scope's tombstone horizon.
type Cursor struct {
	Epoch string
	Seqs  map[string]uint64
}

// cursorVersion is bumped when the encoding changes; old versions get 410.
const cursorVersion = 1

// MaxCursorLen bounds an encoded cursor (a product reader's cursor names
// every user scope; 64 KiB fits thousands).
const MaxCursorLen = 64 << 10

type cursorWire struct {
	V int               `json:"v"`
	E string            `json:"e"`
	S map[string]uint64 `json:"s"`
}

// EncodeCursor returns the opaque wire form: base64url (no padding) of a
// small versioned JSON document. Map keys are sorted by encoding/json, so
// equal cursors encode equally.
func EncodeCursor(c Cursor) string {
	seqs := c.Seqs
	if seqs == nil {
		seqs = map[string]uint64{}
	}
	b, _ := json.Marshal(cursorWire{V: cursorVersion, E: c.Epoch, S: seqs})
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor parses an encoded cursor. "" is the beginning (a zero
// Cursor). A cursor of another version is reported with code "reset";
// anything unreadable with code "invalid".
func DecodeCursor(s string) (Cursor, error) {
	if s == "" {
		return Cursor{}, nil
	}
	if len(s) > MaxCursorLen {
		return Cursor{}, invalidf("cursor: longer than %d bytes", MaxCursorLen)
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, invalidf("cursor: not a cursor this hub issued (bad encoding)")
	}
	var w cursorWire
	if err := strictUnmarshal(raw, &w); err != nil {
		return Cursor{}, invalidf("cursor: not a cursor this hub issued (bad content)")
	}
	if w.V != cursorVersion {
		return Cursor{}, &Error{Code: CodeReset, Message: sprintf("cursor: version %d is not served; download again", w.V)}
	}
	if w.E == "" {
		return Cursor{}, invalidf("cursor: no epoch")
	}
	for scope := range w.S {
		if !ValidScope(scope) {
			return Cursor{}, invalidf("cursor: bad scope %q", scope)
		}
	}
	if w.S == nil {
		w.S = map[string]uint64{}
	}
	return Cursor{Epoch: w.E, Seqs: w.S}, nil
}

// ValidScope reports whether s is "org" or "user:<id>" with a plausible id.
func ValidScope(s string) bool {
	if s == OrgScope {
		return true
	}
	if len(s) <= 5 || len(s) > 5+64 || s[:5] != "user:" {
		return false
	}
	for i := 5; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
