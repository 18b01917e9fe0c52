package syncproto

import (
	"strconv"
	"strings"
)

// Versions are what scripts/version.sh prints from git describe:
//
//	1.2.3               a tagged commit
//	1.2.3+5.gabc1234    5 commits after tag v1.2.3
//	0.0.412+gabc1234    no tag: 412 commits on the branch
//	… .dirty            built from a modified tree (ignored when comparing)
//
// and semver pre-releases (1.3.0-rc.1). They order as semver, with one
// addition: the number of commits after the tag (the first build-metadata
// identifier, when numeric) breaks a tie, so 1.2.3+6.g… is newer than
// 1.2.3+5.g… and both are newer than 1.2.3. Two builds of one commit
// compare equal whatever their hash says.

// ReleaseVersion is a parsed release version.
type ReleaseVersion struct {
	Core    [3]uint64
	Pre     []string // pre-release identifiers; none for a release
	Commits uint64   // commits after the tag (build metadata), 0 for none
	Text    string
}

// MaxVersionLen bounds a version string (it is part of keys and paths).
const MaxVersionLen = 64

// ParseVersion parses a release version; ok is false for anything else
// ("dev", an empty string, a leading v, characters outside [0-9A-Za-z.+-]).
func ParseVersion(s string) (ReleaseVersion, bool) {
	if s == "" || len(s) > MaxVersionLen {
		return ReleaseVersion{}, false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '+' || c == '-') {
			return ReleaseVersion{}, false
		}
	}
	v := ReleaseVersion{Text: s}
	rest, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(rest, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return ReleaseVersion{}, false
	}
	for i, p := range parts {
		n, ok := numericID(p)
		if !ok {
			return ReleaseVersion{}, false
		}
		v.Core[i] = n
	}
	if hasPre {
		for _, id := range strings.Split(pre, ".") {
			if id == "" {
				return ReleaseVersion{}, false
			}
			v.Pre = append(v.Pre, id)
		}
	}
	if hasBuild {
		ids := strings.Split(build, ".")
		for _, id := range ids {
			if id == "" || strings.Contains(id, "+") {
				return ReleaseVersion{}, false
			}
		}
		if n, ok := numericID(ids[0]); ok {
			v.Commits = n
		}
	}
	return v, true
}

// numericID is a semver numeric identifier: digits, no leading zero.
func numericID(s string) (uint64, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}

// Compare returns -1, 0 or +1 as v is older than, as new as, or newer than w.
func (v ReleaseVersion) Compare(w ReleaseVersion) int {
	for i := range v.Core {
		if c := cmpUint(v.Core[i], w.Core[i]); c != 0 {
			return c
		}
	}
	if c := comparePre(v.Pre, w.Pre); c != 0 {
		return c
	}
	return cmpUint(v.Commits, w.Commits)
}

// CompareVersions compares two version strings; ok is false when either
// is not a release version.
func CompareVersions(a, b string) (c int, ok bool) {
	va, okA := ParseVersion(a)
	vb, okB := ParseVersion(b)
	if !okA || !okB {
		return 0, false
	}
	return va.Compare(vb), true
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// comparePre follows semver §11: a release is newer than its
// pre-releases; identifiers compare numerically when both are numbers,
// numbers before words, and a longer list wins a tie.
func comparePre(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return 1
	case len(b) == 0:
		return -1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		na, okA := numericID(a[i])
		nb, okB := numericID(b[i])
		switch {
		case okA && okB:
			if c := cmpUint(na, nb); c != 0 {
				return c
			}
		case okA:
			return -1
		case okB:
			return 1
		default:
			if c := strings.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
	}
	return cmpUint(uint64(len(a)), uint64(len(b)))
}
