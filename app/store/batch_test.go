package store

import (
	"fmt"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

func TestBatchCommitsManyWritesAndSplitsLargeOnes(t *testing.T) {
	dir := t.TempDir()
	s := openDisk(t, dir)
	ch, stop := s.Subscribe()
	defer stop()
	body := strings.Repeat("x", 64<<10) // 3,000 × 64 KiB needs several commits
	err := s.Batch(ctx, func(b *Batch) error {
		for i := 0; i < 3000; i++ {
			m := notebook.Email{ID: fmt.Sprintf("m%d", i), MessageID: fmt.Sprintf("<%d@x>", i), Subject: "Renewal pricing"}
			if _, err := b.Save(&m, LocalOnly()); err != nil {
				return err
			}
			if err := b.LocalPut(fmt.Sprintf("imap/body/m%d", i), []byte(body)); err != nil {
				return err
			}
		}
		if v, err := b.LocalGet("imap/body/m2999"); err != nil || len(v) != len(body) {
			return fmt.Errorf("batch must read its own writes: %v", err)
		}
		return b.LocalPut("imap/state/INBOX", []byte("uidnext=3001"))
	})
	noErr(t, err)
	if n := must(s.Count(ctx, notebook.TypeEmail)); n != 3000 {
		t.Fatalf("emails %d", n)
	}
	if n := must(s.PendingCount(ctx)); n != 0 {
		t.Fatalf("local-only emails queued: %d", n)
	}
	if hits := must(s.Search(ctx, "renewal", 5)); len(hits) != 5 {
		t.Fatalf("batched records must be searchable: %d", len(hits))
	}
	if len(ch) != 1024 {
		t.Fatalf("a subscriber holds %d changes, want its 1024", len(ch))
	}
	for i := 0; i < 1024; i++ {
		<-ch
	}
	a := notebook.Account{ID: "acct", Name: "After the flood"}
	must(s.Save(ctx, &a))
	if c := <-ch; c.Op != OpResync {
		t.Fatalf("a subscriber that missed changes must be told to resync first, got %+v", c)
	}
	if c := <-ch; c.ID != "acct" {
		t.Fatalf("then the new change, got %+v", c)
	}
	// a failing batch leaves nothing of its last part
	err = s.Batch(ctx, func(b *Batch) error {
		b.LocalPut("imap/state/Sent", []byte("x"))
		return fmt.Errorf("connection lost")
	})
	if err == nil {
		t.Fatal("error lost")
	}
	if _, err := s.LocalGet(ctx, "imap/state/Sent"); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatalf("failed batch wrote: %v", err)
	}
}

func BenchmarkBatchedEmailSaves(b *testing.B) {
	s := openDisk(b, b.TempDir())
	body := []byte(strings.Repeat("Hello, we would pay for this. ", 100))
	b.ResetTimer()
	err := s.Batch(ctx, func(bt *Batch) error {
		for i := 0; i < b.N; i++ {
			m := notebook.Email{ID: fmt.Sprintf("m%d", i), MessageID: fmt.Sprintf("<%d@x>", i), Subject: "Renewal", Excerpt: string(body[:200])}
			if _, err := bt.Save(&m, LocalOnly()); err != nil {
				return err
			}
			if err := bt.LocalPut(fmt.Sprintf("imap/body/m%d", i), body); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
