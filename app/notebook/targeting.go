package notebook

import (
	"fmt"
	"strings"
	"unicode"
)

// Segments and stages come from CRM exports, CSV imports and product's
// hypothesis form, each spelt its own way ("Mid-Market", "mid market",
// "SMB", "smb"). Matching them exactly made a hypothesis for "mid-market"
// miss an account imported as "Mid-Market" (issue 16). One rule here
// decides when two spellings are the same segment; the app's brief, the
// assistant, studies and the hub's roll-up by segment all use it.

// SegmentKey is the comparable form of a segment or stage name: lower
// case, surrounding space dropped, and every run of spaces, hyphens and
// underscores one hyphen, so "Mid Market", "mid_market" and "Mid-Market"
// are all "mid-market". An already normal name is returned as it is,
// without allocating (the hub keys every account's weight by it).
func SegmentKey(s string) string {
	if isSegmentKey(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for _, r := range strings.TrimSpace(s) {
		if r == '-' || r == '_' || unicode.IsSpace(r) {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isSegmentKey reports whether s is already what SegmentKey would return.
func isSegmentKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(s)-1 && s[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// SameSegment reports whether two segment (or stage) names are the same.
func SameSegment(a, b string) bool { return SegmentKey(a) == SegmentKey(b) }

func matchesAny[T ~string](list []T, v T) bool {
	if len(list) == 0 {
		return true
	}
	for _, x := range list {
		if SameSegment(string(x), string(v)) {
			return true
		}
	}
	return false
}

// Targets reports whether the hypothesis is meant for an account of this
// segment and stage (an empty target list means "any"); spellings are
// compared by SegmentKey.
func (h Hypothesis) Targets(segment string, stage Stage) bool {
	return matchesAny(h.Segments, segment) && matchesAny(h.Stages, stage)
}

// TargetReason says in words why the hypothesis targets an account of
// this segment and stage, for the brief ("why am I asked this here?").
// It is only meaningful when Targets is true.
func (h Hypothesis) TargetReason(segment string, stage Stage) string {
	seg := "any segment"
	if len(h.Segments) > 0 {
		seg = fmt.Sprintf("segment %s", orNone(segment))
	}
	stg := "any stage"
	if len(h.Stages) > 0 {
		stg = fmt.Sprintf("stage %s", orNone(string(stage)))
	}
	if len(h.Segments) == 0 && len(h.Stages) == 0 {
		return "Targets every account"
	}
	return "Targets " + seg + ", " + stg
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// Fits reports whether an account of this segment and stage fits the study
// (spellings compared by SegmentKey, as for hypotheses).
func (s Study) Fits(segment string, stage Stage) bool {
	return matchesAny(s.Segments, segment) && matchesAny(s.Stages, stage)
}

// NormalStage returns the stage a spelling such as "Customer" or
// " PROSPECT " means, or the input unchanged when it is no known stage
// (so Validate can name it).
func NormalStage(s string) Stage {
	k := Stage(SegmentKey(s))
	if k == StageProspect || k == StageCustomer {
		return k
	}
	return Stage(s)
}
