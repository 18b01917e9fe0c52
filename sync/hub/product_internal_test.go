package hub

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

func TestCursorFromTail(t *testing.T) {
	c := syncproto.Cursor{Epoch: "e1", Seqs: map[string]uint64{"org": 7, "user:u_1": 3}}
	body := `{"records":[{"id":"x","data":{"quote":"],\"cursor\":"}}],"cursor":"` + syncproto.EncodeCursor(c) + `","has_more":false,"last_mutation_id":0}` + "\n"
	got, ok := cursorFromTail([]byte(body))
	if !ok || got.Epoch != "e1" || got.Seqs["org"] != 7 || got.Seqs["user:u_1"] != 3 {
		t.Fatalf("%v %+v", ok, got)
	}
	for _, bad := range []string{"", `{"records":[]}`, `],"cursor":"!!!","has_more":false}`, `],"cursor":12`, `],"cursor":""`} {
		if _, ok := cursorFromTail([]byte(bad)); ok {
			t.Errorf("%q: want no cursor", bad)
		}
	}
	// The tail writer keeps only the end of a long body, but the cursor is there.
	tw := &tailWriter{ResponseWriter: discardWriter{}}
	for i := 0; i < 100; i++ {
		tw.Write(make([]byte, 4096))
	}
	tw.Write([]byte(body))
	if len(tw.tail) > tailKeep {
		t.Fatalf("tail grew to %d", len(tw.tail))
	}
	if _, ok := cursorFromTail(tw.tail); !ok {
		t.Fatal("cursor lost from the tail")
	}
}

func TestSeenStepsStepFunctionAndReload(t *testing.T) {
	store, err := hubdb.OpenBadger(hubdb.Options{Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	s, err := loadSeenSteps(ctx, store, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t1, t2 := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC), time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	s.record(map[string]uint64{"user:a": 10, "org": 0}, t1)
	s.record(map[string]uint64{"user:a": 10}, t2) // does not advance: ignored
	s.record(map[string]uint64{"user:a": 20}, t2)
	check := func(s *seenSteps) {
		t.Helper()
		for seq, want := range map[uint64]time.Time{1: t1, 10: t1, 11: t2, 20: t2, 21: {}} {
			if got := s.firstSeen("user:a", seq); !got.Equal(want) {
				t.Errorf("seq %d: %v, want %v", seq, got, want)
			}
		}
		if !s.firstSeen("org", 1).IsZero() || !s.firstSeen("user:b", 1).IsZero() {
			t.Error("unread scopes must be unseen")
		}
	}
	check(s)
	if got := len(s.drain()); got != 2 {
		t.Errorf("drained %d steps, want 2", got)
	}
	// Another process (a replica, a restart) reads the same steps from the store.
	s2, err := loadSeenSteps(ctx, store, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	check(s2)
	// A step another replica recorded earlier for a higher seq lowers the
	// first-seen time of everything below it (the earliest read counts).
	t0 := t1.Add(-time.Hour)
	s2.mu.Lock()
	s2.mergeLocked(seenStep{Scope: "user:a", Seq: 30, At: t0})
	s2.mu.Unlock()
	if got := s2.firstSeen("user:a", 15); !got.Equal(t0) {
		t.Errorf("after a merged earlier step: %v, want %v", got, t0)
	}
}

func TestLegacySeenFileSkipsATornLine(t *testing.T) {
	dir := t.TempDir()
	data := `{"scope":"user:a","seq":10,"at":"2026-11-01T09:00:00Z"}` + "\n" + `{"scope":"user:a","seq":3`
	if err := os.WriteFile(filepath.Join(dir, "seen.ndjson"), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := openSeenSteps(dir)
	if err != nil {
		t.Fatal(err)
	}
	if steps := s.all(); len(steps) != 1 || steps[0].Seq != 10 {
		t.Fatalf("steps %+v, want the one whole line", steps)
	}
}

type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (discardWriter) WriteHeader(int)             {}

func TestIsEvidenceSniffsTheEnvelopeType(t *testing.T) {
	for raw, want := range map[string]bool{
		`{"id":"01J","type":"evidence","scope":"user:u_1","seq":1,"data":{}}`:                         true,
		`{"id":"01J","type":"account","scope":"org","seq":1,"data":{"name":"\"type\":\"evidence\""}}`: false,
		`{"id":"01J","type":"evidences"}`:                                                             false,
		`{"type":"evidence"}`:                                                                         true,
		``:                                                                                            false,
	} {
		if got := isEvidence([]byte(raw)); got != want {
			t.Errorf("%s: %v", raw, got)
		}
	}
}
