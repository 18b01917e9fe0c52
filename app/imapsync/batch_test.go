package imapsync

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

// batchMem is a BatchMailbox over MemMailbox that stages a batch's writes
// and applies them only when the batch succeeds, like a store transaction.
type batchMem struct {
	*MemMailbox
	batches  int
	failNext bool
}

type staged struct {
	base   *MemMailbox
	emails []notebook.Email
	puts   map[string][]byte
	dels   []string
}

func (s *staged) SaveEmail(_ context.Context, e notebook.Email) error {
	if err := e.Validate(); err != nil {
		return err
	}
	s.emails = append(s.emails, e)
	return nil
}
func (s *staged) LocalGet(ctx context.Context, k string) ([]byte, error) {
	return s.base.LocalGet(ctx, k)
}
func (s *staged) LocalPut(_ context.Context, k string, v []byte) error {
	s.puts[k] = append([]byte(nil), v...)
	return nil
}
func (s *staged) LocalDelete(_ context.Context, k string) error {
	s.dels = append(s.dels, k)
	return nil
}
func (s *staged) LocalScan(ctx context.Context, p string, fn func(string, []byte) error) error {
	return s.base.LocalScan(ctx, p, fn)
}

func (b *batchMem) Batch(ctx context.Context, fn func(tx Mailbox) error) error {
	tx := &staged{base: b.MemMailbox, puts: map[string][]byte{}}
	if err := fn(tx); err != nil {
		return err
	}
	if b.failNext {
		b.failNext = false
		return errors.New("disk full")
	}
	for _, e := range tx.emails {
		b.MemMailbox.SaveEmail(ctx, e)
	}
	for k, v := range tx.puts {
		b.MemMailbox.LocalPut(ctx, k, v)
	}
	for _, k := range tx.dels {
		b.MemMailbox.LocalDelete(ctx, k)
	}
	b.batches++
	return nil
}

func TestBatchMailboxCommitsPerFetchBatchAndSurvivesAFailedCommit(t *testing.T) {
	srv := startMemServer(t, nil)
	for i := 0; i < 1200; i++ {
		srv.Deliver(t, "INBOX", bulkMessage(i))
	}
	mb := &batchMem{MemMailbox: NewMemMailbox(), failNext: true}
	s := srv.settings()
	s.Folders = []string{"INBOX"}
	if _, err := PullOnce(t.Context(), s, testDirectory, mb, nil); err == nil || errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "this computer") {
		t.Fatalf("a failed commit must fail the pull as a local problem: %v", err)
	}
	if len(mb.Emails()) != 0 {
		t.Fatalf("a failed batch left %d emails behind", len(mb.Emails()))
	}
	c, err := PullOnce(t.Context(), s, testDirectory, mb, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := countRelevantBulk(1200)
	if len(mb.Emails()) != want || c.Fetched != want || mb.batches != 1 {
		t.Errorf("emails %d fetched %d batches %d; want %d, %d, 1 (240 bodies fit one batch)", len(mb.Emails()), c.Fetched, mb.batches, want, want)
	}
}
