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
