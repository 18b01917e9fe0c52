package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

// bigPage is a catch-up page (large enough that its postings are deferred):
// accounts named "Deferred <i>" with a call each whose notes say "walrus<i>".
func bigPage(n int, seq0 uint64) []Envelope {
	var page []Envelope
	for i := 0; i < n; i++ {
		page = append(page,
			hubEnvelope(notebook.TypeAccount, fmt.Sprintf("acct-%04d", i), seq0+uint64(2*i), "1795000000000-0000", map[string]any{"name": fmt.Sprintf("Deferred %d", i)}),
			hubEnvelope(notebook.TypeCall, fmt.Sprintf("call-%04d", i), seq0+uint64(2*i+1), "1795000000000-0000", map[string]any{"account_id": fmt.Sprintf("acct-%04d", i), "notes": fmt.Sprintf("talked about walrus%d logistics", i)}))
	}
	return page
}

func waitIndexed(t *testing.T, s *Store) {
	t.Helper()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	noErr(t, s.WaitIndexed(wctx))
}

func hitIDs(t *testing.T, s *Store, q string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, h := range must(s.Search(ctx, q, 50)) {
		out[h.ID] = true
	}
	return out
}

// A large pulled page is stored without its postings; the indexer then
// makes every record searchable and the lag returns to 0.
func TestDeferredPostingsAreBuiltFromTheFeed(t *testing.T) {
	s := must(Open(Options{InMemory: true}))
	defer s.Close()
	noErr(t, s.ApplyPulled(ctx, bigPage(200, 1), "cur-1", 0))
	var acct notebook.Account
	noErr(t, s.Get(ctx, "acct-0007", &acct)) // the records themselves are there at once
	waitIndexed(t, s)
	if s.IndexLag() != 0 {
		t.Fatalf("lag %d after catching up", s.IndexLag())
	}
	if hits := hitIDs(t, s, "walrus137"); !hits["call-0137"] || len(hits) != 1 {
		t.Fatalf("search walrus137 after indexing: %v", hits)
	}
	if hits := hitIDs(t, s, "deferred"); !hits["acct-0199"] {
		t.Fatalf("search deferred: %v", hits)
	}
}

// The indexer's position is durable: a notebook closed (or killed) before
// the index caught up finishes it after the next Open, and a local edit
// made meanwhile is indexed as edited, not as pulled.
func TestDeferredIndexResumesAfterReopen(t *testing.T) {
	dir := t.TempDir()
	s := openDisk(t, dir)
	s.indexQuiet.Store(int64(time.Hour)) // keep the indexer from starting before Close
	noErr(t, s.ApplyPulled(ctx, bigPage(150, 1), "cur-1", 0))
	if s.IndexLag() == 0 {
		t.Fatal("a large page should leave its postings to the indexer")
	}
	var c notebook.Call
	noErr(t, s.Get(ctx, "call-0042", &c))
	c.Notes = "now about narwhals"
	must(s.Save(ctx, &c))
	if hits := hitIDs(t, s, "narwhals"); !hits["call-0042"] {
		t.Fatalf("a local save is searchable at once even while the index lags: %v", hits)
	}
	noErr(t, s.Close())

	s = openDisk(t, dir)
	waitIndexed(t, s)
	if hits := hitIDs(t, s, "walrus42"); len(hits) != 0 {
		t.Fatalf("the edited call's old words must not be found: %v", hits)
	}
	if hits := hitIDs(t, s, "narwhals"); !hits["call-0042"] {
		t.Fatalf("narwhals: %v", hits)
	}
	if hits := hitIDs(t, s, "walrus149"); !hits["call-0149"] {
		t.Fatalf("walrus149 after reopen: %v", hits)
	}
}

// Trimming the change feed never removes entries the indexer still needs.
func TestTrimFeedKeepsWhatTheIndexerNeeds(t *testing.T) {
	s := must(Open(Options{InMemory: true}))
	defer s.Close()
	s.indexQuiet.Store(int64(time.Hour))
	old := feedKeep
	feedKeep = 1000
	defer func() { feedKeep = old }()
	for p := 0; p < 4; p++ { // 4 pages × 400 changes > feedKeep
		page := bigPage(200, uint64(p*400+1))
		for i := range page {
			page[i].ID = fmt.Sprintf("%s-p%d", page[i].ID, p)
		}
		noErr(t, s.ApplyPulled(ctx, page, fmt.Sprintf("cur-%d", p), 0))
	}
	noErr(t, s.trimFeed())
	s.indexQuiet.Store(0)
	waitIndexed(t, s)
	if hits := hitIDs(t, s, "walrus199"); !hits["call-0199-p0"] {
		t.Fatalf("the first page's records must still be indexed after trimming: %v", hits)
	}
}
