package syncproto

import (
	"fmt"
	"strconv"
)

var sprintf = fmt.Sprintf

// HLCLen is the length of an HLC's wire form: 13 digits, '-', 4 hex digits.
const HLCLen = 18

// ParseHLC reads the wire form "<13-digit ms>-<4 lowercase hex>" and returns
// its milliseconds and counter. It mirrors notebook.ParseHLC so that this
// package stays standard-library only.
func ParseHLC(s string) (millis int64, counter uint16, err error) {
	if !ValidHLC(s) {
		return 0, 0, invalidf("hlc %q: want 13 decimal digits, '-', 4 lowercase hex digits", s)
	}
	ms, _ := strconv.ParseInt(s[:13], 10, 64)
	c, _ := strconv.ParseUint(s[14:], 16, 16)
	return ms, uint16(c), nil
}

// ValidHLC reports whether s is an HLC in wire form.
func ValidHLC(s string) bool {
	if len(s) != HLCLen || s[13] != '-' {
		return false
	}
	for i := 0; i < 13; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	for i := 14; i < HLCLen; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// FormatHLC writes the wire form.
func FormatHLC(millis int64, counter uint16) string {
	return fmt.Sprintf("%013d-%04x", millis, counter)
}

// CompareHLC orders two wire-form HLCs ("" sorts first). Because the wire
// form is fixed-width, this is plain string comparison.
func CompareHLC(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
