package notebook

import (
	"testing"
	"time"
)

func TestCompareRankBreaksTiesByPublishThenID(t *testing.T) {
	t1 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	hs := []Hypothesis{
		{ID: "d", Rank: 0, Status: StatusActive, PublishedAt: &t1},
		{ID: "c", Rank: 2, Status: StatusActive, PublishedAt: &t1},
		{ID: "b", Rank: 1, Status: StatusActive, PublishedAt: &t2},
		{ID: "a", Rank: 1, Status: StatusActive, PublishedAt: &t2},
		{ID: "e", Rank: 1, Status: StatusActive, PublishedAt: &t1},
		{ID: "f", Rank: 1, Status: StatusDraft},
	}
	SortByRank(hs)
	var got string
	for _, h := range hs {
		got += h.ID
	}
	if got != "eabfcd" {
		t.Fatalf("order = %s, want eabfcd (rank, then earlier publish, unpublished last, then id; unranked last)", got)
	}
	places := Places(hs)
	want := map[string]int{"e": 1, "a": 2, "b": 3, "c": 4, "d": 5}
	if len(places) != len(want) {
		t.Fatalf("places = %v, want %v (drafts have no place)", places, want)
	}
	for id, p := range want {
		if places[id] != p {
			t.Errorf("place of %s = %d, want %d", id, places[id], p)
		}
	}
}

func TestSeenMark(t *testing.T) {
	h := Hypothesis{ID: "h", Statement: "Teams want SSO", Status: StatusActive, Rank: 1}
	if SeenMark("", h) != MarkNew {
		t.Error("never opened: new")
	}
	seen := h.Fingerprint()
	if SeenMark(seen, h) != "" {
		t.Error("opened and unchanged: no mark")
	}
	h.Rank = 3
	if SeenMark(seen, h) != "" {
		t.Error("a re-ranking is not a change")
	}
	h.Questions = append(h.Questions, Question{ID: "q", Text: "Who owns the budget?"})
	if SeenMark(seen, h) != MarkChanged {
		t.Error("a new question is a change")
	}
	h2 := Hypothesis{ID: "h", Statement: "Teams want SSO", Status: StatusActive, Segments: []string{"SMB"}}
	h3 := h2
	h3.Segments = []string{"smb"}
	if h2.Fingerprint() != h3.Fingerprint() {
		t.Error("a respelling of a segment is not a change")
	}
}
