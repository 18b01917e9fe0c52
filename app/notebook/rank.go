package notebook

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

// Product ranks hypotheses 1, 2, 3 …, but ranks arrive from several hands
// (an import, two PMs publishing at once) and can tie or be missing. The
// rep's list, the PM's priorities and the hub's insights must show the
// same order and the same numbers (issue 16: "1, 1, 2, 3" to the rep and
// "1–4" to the PM), so the order and its tie-break live here, once.

// CompareRank orders hypotheses by product's priority: rank ascending with
// unranked (0) last, then the earlier published_at (unpublished last), then
// id. It is the hub's insights order too. Usable with slices.SortFunc.
func CompareRank(a, b Hypothesis) int {
	if c := cmp.Compare(rankKey(a.Rank), rankKey(b.Rank)); c != 0 {
		return c
	}
	if c := comparePublished(a.PublishedAt, b.PublishedAt); c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func rankKey(r int) int {
	if r <= 0 {
		return int(^uint(0) >> 1)
	}
	return r
}

func comparePublished(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// SortByRank sorts hypotheses in place by CompareRank.
func SortByRank(hs []Hypothesis) { slices.SortStableFunc(hs, CompareRank) }

// Places numbers the active hypotheses 1, 2, 3 … in CompareRank order:
// the number both the rep and product show, whatever the stored ranks (two
// rank-1 hypotheses become 1 and 2 for everyone). Hypotheses that are not
// active have no place.
func Places(hs []Hypothesis) map[string]int {
	active := make([]Hypothesis, 0, len(hs))
	for _, h := range hs {
		if h.Status == StatusActive {
			active = append(active, h)
		}
	}
	SortByRank(active)
	places := make(map[string]int, len(active))
	for i, h := range active {
		places[h.ID] = i + 1
	}
	return places
}

// What a rep has seen of a hypothesis is kept per notebook as its
// Fingerprint; a hypothesis is "new" until first opened and "changed" when
// product edited what the rep reads (statement, rationale, questions,
// targeting, audience, status) since then.

// Hypothesis marks.
const (
	MarkNew     = "new"
	MarkChanged = "changed"
)

// Fingerprint digests the parts of a hypothesis a rep reads. Rank and
// timestamps are left out: a re-ranking is not news about the hypothesis.
func (h Hypothesis) Fingerprint() string {
	d := sha256.New()
	write := func(s string) { d.Write([]byte(s)); d.Write([]byte{0}) }
	write(h.Statement)
	write(h.Rationale)
	write(string(h.Audience))
	write(string(h.Status))
	for _, q := range h.Questions {
		write(q.ID)
		write(q.Text)
		write(string(q.Kind))
	}
	write("|")
	for _, s := range h.Segments {
		write(SegmentKey(s))
	}
	write("|")
	for _, s := range h.Stages {
		write(SegmentKey(string(s)))
	}
	return hex.EncodeToString(d.Sum(nil)[:12])
}

// SeenMark is the marker for a hypothesis the rep last saw as seen (its
// Fingerprint then; "" never opened).
func SeenMark(seen string, h Hypothesis) string {
	switch {
	case seen == "":
		return MarkNew
	case seen != h.Fingerprint():
		return MarkChanged
	}
	return ""
}
