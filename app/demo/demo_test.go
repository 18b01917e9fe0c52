package demo

import (
	"bytes"
	"context"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

func TestSeedWritesAValidRealisticNotebook(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(store.Options{InMemory: true, Key: bytes.Repeat([]byte{3}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if Seeded(ctx, s) {
		t.Fatal("fresh store claims the demo")
	}
	n, err := Seed(ctx, s, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if n.Hypotheses != 8 || n.Studies != 2 || n.Accounts != 40 || n.Contacts < 100 || n.Calls < 60 || n.Evidence < 60 {
		t.Fatalf("counts: %s", n)
	}
	if !Seeded(ctx, s) {
		t.Fatal("not marked seeded")
	}
	contacts, _ := store.List[notebook.Contact](ctx, s, store.Query{})
	var dnc, consented int
	for _, c := range contacts {
		if c.DoNotContact {
			dnc++
		}
		if c.HasConsent(c.StudyID) && c.StudyID != "" {
			consented++
		}
	}
	if dnc == 0 || consented == 0 {
		t.Fatalf("want do-not-contact and consented contacts, got %d and %d", dnc, consented)
	}
	if hits, _ := s.Search(ctx, "forty euros", 5); len(hits) == 0 {
		t.Fatal("demo quotes are not searchable")
	}
}

func TestPartsAgreeOnHypothesisIDs(t *testing.T) {
	ctx := context.Background()
	open := func() *store.Store {
		s, err := store.Open(store.Options{InMemory: true, Key: bytes.Repeat([]byte{3}, 32)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	pm, rep := open(), open()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	if n, err := SeedPart(ctx, pm, now, PartProduct); err != nil || n.Accounts != 0 || n.Hypotheses != 8 {
		t.Fatalf("product part: %s %v", n, err)
	}
	if n, err := SeedPart(ctx, rep, now, PartField); err != nil || n.Hypotheses != 0 || n.Evidence == 0 {
		t.Fatalf("field part: %s %v", n, err)
	}
	hyps, _ := store.List[notebook.Hypothesis](ctx, pm, store.Query{})
	ids := map[string]bool{}
	for _, h := range hyps {
		ids[h.ID] = true
	}
	evidence, _ := store.List[notebook.Evidence](ctx, rep, store.Query{})
	for _, e := range evidence {
		if !ids[e.HypothesisID] {
			t.Fatalf("evidence %s points at hypothesis %s that the product part did not publish", e.ID, e.HypothesisID)
		}
	}
}
