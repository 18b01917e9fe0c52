package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

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

// A batch that defers search writes every record, index, unique key, feed
// entry and outbox mutation at once and leaves only the postings to the
// indexer; repeated saves of one record in the batch still fold into one
// mutation, saves of different records do not.
func TestBatchDeferSearchLeavesOnlyPostingsToTheIndexer(t *testing.T) {
	s := openDisk(t, t.TempDir())
	s.indexQuiet.Store(int64(time.Hour)) // hold the indexer until we wake it
	noErr(t, s.Batch(ctx, func(b *Batch) error {
		b.DeferSearch()
		for i := 0; i < 300; i++ {
			a := notebook.Account{ID: fmt.Sprintf("a%03d", i), Name: fmt.Sprintf("Kestrel %03d", i), Domains: []string{fmt.Sprintf("kestrel%03d.example", i)}}
			if _, err := b.Save(&a, FromImport()); err != nil {
				return err
			}
		}
		again := notebook.Account{ID: "a299", Name: "Kestrel 299 renamed", Domains: []string{"kestrel299.example"}}
		_, err := b.Save(&again)
		return err
	}))
	if n := must(s.PendingCount(ctx)); n != 300 {
		t.Fatalf("outbox %d, want 300 (the second save of a299 folded into its mutation)", n)
	}
	if lag := s.IndexLag(); lag != 301 {
		t.Fatalf("index lag %d, want every change of the batch (301)", lag)
	}
	if hits := must(s.Search(ctx, "kestrel", 5)); len(hits) != 0 {
		t.Fatalf("postings were deferred, yet search found %d", len(hits))
	}
	if a, err := s.AccountByDomain(ctx, "kestrel042.example"); err != nil || a.ID != "a042" {
		t.Fatalf("unique keys are written with the batch: %+v %v", a, err)
	}
	dup := notebook.Account{ID: "other", Name: "Copycat", Domains: []string{"kestrel007.example"}}
	if _, err := s.Save(ctx, &dup); !notebook.IsCode(err, notebook.Conflict) {
		t.Fatalf("a taken domain must be refused: %v", err)
	}
	s.indexQuiet.Store(0)
	wait, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	noErr(t, s.WaitIndexed(wait))
	if hits := must(s.Search(ctx, "kestrel", 200)); len(hits) != 200 {
		t.Fatalf("after indexing search finds %d of the 300 (capped at 200)", len(hits))
	}
	if hits := must(s.Search(ctx, "renamed", 5)); len(hits) != 1 || hits[0].ID != "a299" {
		t.Fatalf("the indexer indexes a record as it is now: %+v", hits)
	}
}
