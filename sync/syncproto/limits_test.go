package syncproto

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func nested(levels int) string {
	return strings.Repeat("[", levels) + strings.Repeat("]", levels)
}

func TestCheckValue(t *testing.T) {
	for raw, want := range map[string]error{
		`"plain"`:                  nil,
		`{"a":[1,{"b":"x]]]"}]}`:   nil,
		`"\"[[[[[[[[[[[[[[[[[[[["`: nil,
		"\"bad \xff byte\"":        ErrInvalidUTF8,
		"{\"k\xfe\":1}":            ErrInvalidUTF8,
		nested(32):                 nil,
		nested(33):                 ErrTooDeep,
		nested(9996):               ErrTooDeep,
	} {
		if got := CheckValue([]byte(raw)); !errors.Is(got, want) {
			t.Errorf("CheckValue(%.40q) = %v, want %v", raw, got, want)
		}
	}
}

func FuzzCheckValue(f *testing.F) {
	for _, s := range []string{`"x"`, nested(40), `{"a":"\\\""}`, "\"\xff\"", `[{"[":"]"}]`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		err := CheckValue(raw)
		if !json.Valid(raw) {
			return
		}
		var v any
		if json.Unmarshal(raw, &v) == nil && err == nil && depthOf(v) > MaxNestingDepth {
			t.Fatalf("accepted a value %d deep", depthOf(v))
		}
	})
}

func depthOf(v any) int {
	max := 0
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			max = maxInt(max, depthOf(e))
		}
	case map[string]any:
		for _, e := range x {
			max = maxInt(max, depthOf(e))
		}
	default:
		return 0
	}
	return max + 1
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}
