package syncproto

import (
	"errors"
	"unicode/utf8"
)

// MaxNestingDepth bounds how many arrays and objects a field value may
// nest inside each other (sync-protocol.md, "Limits and errors").
const MaxNestingDepth = 32

// Errors of CheckValue.
var (
	ErrInvalidUTF8 = errors.New("is not valid UTF-8")
	ErrTooDeep     = errors.New("nests arrays or objects deeper than 32 levels")
)

// CheckValue checks a raw JSON field value as the protocol requires: every
// byte sequence is valid UTF-8 (encoding/json keeps a json.RawMessage's
// bytes as they came, so an invalid string would be stored and served raw)
// and arrays and objects nest at most MaxNestingDepth deep. It assumes raw
// is otherwise well-formed JSON (the push decoder checked that).
func CheckValue(raw []byte) error {
	if !utf8.Valid(raw) {
		return ErrInvalidUTF8
	}
	depth, inString, escaped := 0, false, false
	for _, c := range raw {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			if depth > MaxNestingDepth {
				return ErrTooDeep
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return nil
}
