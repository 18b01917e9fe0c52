package store

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

var ctx = context.Background()

var testKey = bytes.Repeat([]byte{7}, 32)

// eachStore runs a behaviour test against an in-memory and an on-disk store.
func eachStore(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Run("memory", func(t *testing.T) {
		s, err := Open(Options{InMemory: true, Key: testKey})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		fn(t, s)
	})
	t.Run("disk", func(t *testing.T) {
		fn(t, openDisk(t, t.TempDir()))
	})
}

func openDisk(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// must returns v or fails the test by panicking with err (Go cannot pass a
// multi-value call plus t to one helper).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var t0 = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func seed(t testing.TB, s *Store) (notebook.Account, notebook.Hypothesis) {
	a := notebook.Account{ID: notebook.NewID(), Name: "Globex Logistics", Domains: []string{"globex.com"}, Segment: "mid-market", Stage: notebook.StageCustomer, ARR: 120000}
	h := notebook.Hypothesis{ID: notebook.NewID(), Statement: "Finance teams will pay for automated reconciliation", Status: notebook.StatusActive,
		Questions: []notebook.Question{{ID: "q1", Text: "How do you reconcile today?", Kind: notebook.AnswerSignal}}}
	must(s.Save(ctx, &a))
	must(s.Save(ctx, &h))
	return a, h
}

func TestSaveGetAndOutboxNameChangedFields(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		a, _ := seed(t, s)
		var got notebook.Account
		if err := s.Get(ctx, a.ID, &got); err != nil || got.Name != a.Name || got.ID != a.ID {
			t.Fatalf("get: %+v %v", got, err)
		}
		out := must(s.Outbox(ctx, 0))
		if len(out) != 2 || out[0].MutationID != 1 || out[0].Op != OpUpsert || out[0].Type != notebook.TypeAccount {
			t.Fatalf("outbox: %+v", out)
		}
		if _, ok := out[0].Fields["id"]; ok {
			t.Fatal("id must not be a data field")
		}
		if _, err := notebook.ParseHLC(out[0].HLC); err != nil {
			t.Fatal(err)
		}
		// unchanged save: nothing happens
		if saved := must(s.Save(ctx, &a)); len(saved.Changed) != 0 || saved.MutationID != 0 {
			t.Fatalf("no-op save did something: %+v", saved)
		}
		a.ARR = 150000
		saved := must(s.Save(ctx, &a))
		if strings.Join(saved.Changed, ",") != "arr" || saved.MutationID != 3 {
			t.Fatalf("edit: %+v", saved)
		}
		out = must(s.Outbox(ctx, 0))
		if len(out[2].Fields) != 1 || string(out[2].Fields["arr"]) != "150000" {
			t.Fatalf("patch fields: %s", out[2].Fields)
		}
		if n := must(s.PendingCount(ctx)); n != 3 {
			t.Fatalf("pending %d", n)
		}
		noErr(t, s.AckOutbox(ctx, 2))
		if n := must(s.PendingCount(ctx)); n != 1 {
			t.Fatalf("pending after ack %d", n)
		}
	})
}

func TestAutosaveFoldsIntoUnsealedTailOnly(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	a, _ := seed(t, s)
	c := notebook.Call{ID: notebook.NewID(), AccountID: a.ID, StartedAt: t0, Kind: notebook.CallDiscovery}
	for _, notes := range []string{"They", "They reconcile", "They reconcile in Excel"} {
		c.Notes = notes
		must(s.Save(ctx, &c))
	}
	out := must(s.Outbox(ctx, 0)) // seals everything
	if len(out) != 3 || string(out[2].Fields["notes"]) != `"They reconcile in Excel"` {
		t.Fatalf("want 3 mutations with the last notes folded, got %d: %s", len(out), out[len(out)-1].Fields["notes"])
	}
	c.Notes += " every month"
	saved := must(s.Save(ctx, &c))
	if saved.MutationID != 4 {
		t.Fatalf("a sealed mutation was modified: new edit got id %d", saved.MutationID)
	}
	if again := must(s.Outbox(ctx, 0)); string(again[2].Fields["notes"]) != `"They reconcile in Excel"` {
		t.Fatal("sealed entry changed")
	}
}

func TestValidationAndUniqueness(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		a, _ := seed(t, s)
		if _, err := s.Save(ctx, &notebook.Account{ID: notebook.NewID()}); !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "name: is required") {
			t.Fatalf("want invalid name, got %v", err)
		}
		dup := notebook.Account{ID: notebook.NewID(), Name: "Other", Domains: []string{"globex.com"}}
		if _, err := s.Save(ctx, &dup); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "globex.com") {
			t.Fatalf("want conflict on domain, got %v", err)
		}
		found := must(s.AccountByDomain(ctx, "eu.globex.com"))
		if found.ID != a.ID {
			t.Fatal("subdomain lookup")
		}
		if _, err := s.AccountByDomain(ctx, "notglobex.com"); !notebook.IsCode(err, notebook.NotFound) {
			t.Fatalf("want not found, got %v", err)
		}
	})
}

func TestIndexesFollowEditsAndDeletes(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		a, h := seed(t, s)
		b := notebook.Account{ID: notebook.NewID(), Name: "Initech", Domains: []string{"initech.com"}}
		must(s.Save(ctx, &b))
		var ids []string
		for i := 0; i < 3; i++ {
			e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: h.ID, AccountID: a.ID, Signal: notebook.SignalSupports, CapturedAt: t0.Add(time.Duration(i) * time.Hour), Quote: "quote"}
			must(s.Save(ctx, &e))
			ids = append(ids, e.ID)
		}
		byAcct := must(List[notebook.Evidence](ctx, s, Query{AccountID: a.ID}))
		if len(byAcct) != 3 {
			t.Fatalf("by account: %d", len(byAcct))
		}
		newest := must(List[notebook.Evidence](ctx, s, Query{Newest: true, Limit: 2}))
		if len(newest) != 2 || newest[0].ID != ids[2] {
			t.Fatalf("newest: %+v", newest)
		}
		// move one to the other account: the old index entry must go
		e := byAcct[0]
		e.AccountID = b.ID
		must(s.Save(ctx, &e))
		if n := len(must(List[notebook.Evidence](ctx, s, Query{AccountID: a.ID}))); n != 2 {
			t.Fatalf("after move: %d", n)
		}
		noErr(t, s.Delete(ctx, notebook.TypeEvidence, ids[1]))
		if n := len(must(List[notebook.Evidence](ctx, s, Query{HypothesisID: h.ID}))); n != 2 {
			t.Fatalf("after delete: %d", n)
		}
		var gone notebook.Evidence
		if err := s.Get(ctx, ids[1], &gone); !notebook.IsCode(err, notebook.NotFound) {
			t.Fatalf("deleted record: %v", err)
		}
		gone.ID = ids[1]
		gone.HypothesisID, gone.Signal = h.ID, notebook.SignalRefutes
		if _, err := s.Save(ctx, &gone); !notebook.IsCode(err, notebook.NotFound) {
			t.Fatalf("saving a deleted record must fail, got %v", err)
		}
		out := must(s.Outbox(ctx, 0))
		if last := out[len(out)-1]; last.Op != OpDelete || last.ID != ids[1] {
			t.Fatalf("delete mutation: %+v", last)
		}
	})
}

func TestSearch(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		a, h := seed(t, s)
		e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: h.ID, AccountID: a.ID, Signal: notebook.SignalSupports, CapturedAt: t0,
			Quote: "We would pay forty euros a seat if it closed the books faster"}
		must(s.Save(ctx, &e))
		for q, want := range map[string]string{"forty euros": e.ID, "reconcil": h.ID, "globex": a.ID, "FORTY seat": e.ID} {
			hits := must(s.Search(ctx, q, 10))
			if len(hits) == 0 || hits[0].ID != want {
				t.Fatalf("search %q: %+v", q, hits)
			}
		}
		if hits := must(s.Search(ctx, "forty banana", 10)); len(hits) != 0 {
			t.Fatalf("AND semantics: %+v", hits)
		}
		e.Quote = "Spreadsheets are fine"
		must(s.Save(ctx, &e))
		if hits := must(s.Search(ctx, "forty", 10)); len(hits) != 0 {
			t.Fatalf("stale posting: %+v", hits)
		}
		hit := must(s.Search(ctx, "spreadsheets", 10))
		if len(hit) != 1 || !strings.Contains(hit[0].Snippet, "Spreadsheets") {
			t.Fatalf("snippet: %+v", hit)
		}
	})
}

func TestLocalOnlyRecordsStayOffTheOutboxUntilSynced(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	m := notebook.Email{ID: notebook.NewID(), MessageID: "<a@b>", Subject: "Pricing", Excerpt: "we pay 40"}
	must(s.Save(ctx, &m, LocalOnly()))
	if n := must(s.PendingCount(ctx)); n != 0 {
		t.Fatalf("local-only email queued: %d", n)
	}
	m.Links = []string{"ev1"}
	must(s.Save(ctx, &m)) // linked as evidence: now it syncs, all of it
	out := must(s.Outbox(ctx, 0))
	if len(out) != 1 || out[0].Fields["message_id"] == nil || out[0].Fields["subject"] == nil {
		t.Fatalf("linked email must send all fields: %+v", out)
	}
	if got := must(s.EmailByMessageID(ctx, "<a@b>")); got.ID != m.ID {
		t.Fatal("by message id")
	}
}

func TestLocalStateAndSubscribe(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	ch, stop := s.Subscribe()
	defer stop()
	noErr(t, s.LocalPut(ctx, "mail/INBOX/state", []byte("v1")))
	noErr(t, s.LocalPut(ctx, "mail/Sent/state", []byte("v2")))
	noErr(t, s.LocalPut(ctx, "assist/q/1", []byte("x")))
	if v := must(s.LocalGet(ctx, "mail/INBOX/state")); string(v) != "v1" {
		t.Fatal(string(v))
	}
	var keys []string
	noErr(t, s.LocalScan(ctx, "mail/", func(k string, _ []byte) error { keys = append(keys, k); return nil }))
	if strings.Join(keys, ",") != "mail/INBOX/state,mail/Sent/state" {
		t.Fatal(keys)
	}
	noErr(t, s.LocalDelete(ctx, "assist/q/1"))
	if _, err := s.LocalGet(ctx, "assist/q/1"); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatal(err)
	}
	a, _ := seed(t, s)
	select {
	case c := <-ch:
		if c.ID != a.ID || c.Op != OpUpsert || c.Origin != "local" {
			t.Fatalf("change %+v", c)
		}
	case <-time.After(time.Second):
		t.Fatal("no change event")
	}
	feed := must(s.Changes(ctx, 0, 0))
	if len(feed) != 2 || feed[0].Seq != 1 {
		t.Fatalf("feed %+v", feed)
	}
}

func TestReopenKeepsCountersAndRefusesSecondProcess(t *testing.T) {
	dir := t.TempDir()
	s := must(Open(Options{Dir: dir, Key: testKey}))
	seed(t, s)
	client := s.ClientID()
	if _, err := Open(Options{Dir: dir, Key: testKey}); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "in use by another Fieldnotes process") {
		t.Fatalf("second open: %v", err)
	}
	s.Close()
	if _, err := Open(Options{Dir: dir, Key: bytes.Repeat([]byte{9}, 32)}); err == nil || strings.Contains(err.Error(), "goroutine") {
		t.Fatalf("wrong key must fail in words: %v", err)
	}
	s = openDisk(t, dir)
	if s.ClientID() != client {
		t.Fatal("client id changed")
	}
	a := notebook.Account{ID: notebook.NewID(), Name: "Third"}
	if saved := must(s.Save(ctx, &a)); saved.MutationID != 3 || saved.Seq != 3 {
		t.Fatalf("counters not continued: %+v", saved)
	}
}

// TestEncryptedAtRest writes a known customer name through the store and
// greps the raw data directory for it, as an attacker with the disk would.
func TestEncryptedAtRest(t *testing.T) {
	dir := t.TempDir()
	s := must(Open(Options{Dir: dir, Key: testKey}))
	secret := "Zyxwvutsrq Pharmaceuticals"
	for i := 0; i < 50; i++ {
		a := notebook.Account{ID: notebook.NewID(), Name: secret + " " + string(rune('A'+i%26)), Domains: []string{"zyxwvutsrq" + strings.Repeat("x", i) + ".com"}}
		must(s.Save(ctx, &a))
	}
	noErr(t, s.LocalPut(ctx, "mail/body", []byte(secret)))
	s.Close() // flush memtables into tables too
	found := false
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(bytes.ToLower(b), []byte("zyxwvutsrq")) {
			t.Errorf("%s contains the customer name in plain text", p)
			found = true
		}
		return nil
	})
	if out, err := exec.Command("grep", "-ril", "zyxwvutsrq", dir).CombinedOutput(); err == nil || found {
		t.Fatalf("grep -r found the customer name: %s", out)
	}
}

func TestBackupRestore(t *testing.T) {
	src := openDisk(t, t.TempDir())
	a, h := seed(t, src)
	path := filepath.Join(t.TempDir(), "notebook.fnbackup")
	f := must(os.Create(path))
	noErr(t, src.Backup(ctx, f))
	f.Close()
	raw := must(os.ReadFile(path))
	if bytes.Contains(raw, []byte("Globex")) {
		t.Fatal("backup is not encrypted")
	}
	dst := openDisk(t, t.TempDir())
	extra := notebook.Account{ID: notebook.NewID(), Name: "Will be replaced"}
	must(dst.Save(ctx, &extra))
	open := func() (io.ReadCloser, error) { return os.Open(path) }
	noErr(t, dst.Restore(ctx, open))
	var got notebook.Hypothesis
	noErr(t, dst.Get(ctx, h.ID, &got))
	if err := dst.Get(ctx, extra.ID, &notebook.Account{}); !notebook.IsCode(err, notebook.NotFound) {
		t.Fatal("restore must replace")
	}
	if dst.ClientID() == src.ClientID() {
		t.Fatal("a restored notebook needs its own sync identity")
	}
	out := must(dst.Outbox(ctx, 0))
	if len(out) != 2 || out[0].MutationID != 1 || out[0].ID != a.ID {
		t.Fatalf("outbox after restore: %+v", out)
	}
	// truncated and foreign files are refused before anything is dropped
	os.WriteFile(path+".cut", raw[:len(raw)-10], 0o600)
	if err := dst.Restore(ctx, func() (io.ReadCloser, error) { return os.Open(path + ".cut") }); !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated: %v", err)
	}
	os.WriteFile(path+".txt", []byte("hello"), 0o600)
	if err := dst.Restore(ctx, func() (io.ReadCloser, error) { return os.Open(path + ".txt") }); !notebook.IsCode(err, notebook.Invalid) {
		t.Fatalf("foreign: %v", err)
	}
	noErr(t, dst.Get(ctx, h.ID, &got))
}

func TestUnknownFieldsAreKept(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	a, _ := seed(t, s)
	// a newer client's field, as sync would store it
	s.writeMu.Lock()
	err := s.update(func(w *writer) error {
		env, _, _ := w.load(notebook.TypeAccount, a.ID)
		next := env.clone()
		next.Data["health_score"] = json.RawMessage(`87`)
		return w.put(env, true, next)
	})
	s.writeMu.Unlock()
	noErr(t, err)
	a.Name = "Globex Logistics AG"
	must(s.Save(ctx, &a))
	env := must(s.Envelope(ctx, notebook.TypeAccount, a.ID))
	if string(env.Data["health_score"]) != "87" {
		t.Fatalf("unknown field lost: %s", env.Data)
	}
}

func TestSearchKeepsEveryTypeInTheResults(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	a := notebook.Account{ID: notebook.NewID(), Name: "Umbrella Freight"}
	must(s.Save(ctx, &a))
	for i := 0; i < 300; i++ {
		e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: "h", Signal: notebook.SignalMixed, Quote: "umbrella pricing is fine"}
		must(s.Save(ctx, &e))
	}
	hits := must(s.Search(ctx, "umbrel", 20))
	found := false
	for _, h := range hits {
		found = found || h.ID == a.ID
	}
	if !found || len(hits) != 20 {
		t.Fatalf("the account must not be crowded out by 300 notes: %d hits, account found %v", len(hits), found)
	}
}

func TestOpenSurvivesEmptyLogFilesLeftByACrash(t *testing.T) {
	dir := t.TempDir()
	s := must(Open(Options{Dir: dir, Key: testKey}))
	a, _ := seed(t, s)
	s.Close()
	for _, name := range []string{"000099.vlog", "00099.mem"} { // as kill -9 leaves them between create and header
		noErr(t, os.WriteFile(filepath.Join(dir, name), nil, 0o600))
	}
	s = openDisk(t, dir)
	var got notebook.Account
	noErr(t, s.Get(ctx, a.ID, &got))
	if got.ID != a.ID || got.Name != a.Name {
		t.Fatalf("after reopening: got %+v, want the saved account %q", got, a.Name)
	}
}

func TestSavingByValueIndexesLikeByPointer(t *testing.T) {
	s := must(Open(Options{InMemory: true, Key: testKey}))
	defer s.Close()
	e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: "h1", AccountID: "a1", Signal: notebook.SignalSupports, Quote: "by value"}
	must(s.Save(ctx, e))
	if got := must(List[notebook.Evidence](ctx, s, Query{AccountID: "a1"})); len(got) != 1 {
		t.Fatalf("a record saved by value must be indexed: %d", len(got))
	}
	if hits := must(s.Search(ctx, "value", 5)); len(hits) != 1 {
		t.Fatalf("and searchable: %d", len(hits))
	}
}

func TestMigrationBackfillsTheStudyIndex(t *testing.T) {
	dir := t.TempDir()
	s := must(Open(Options{Dir: dir, Key: testKey}))
	c := notebook.Contact{ID: notebook.NewID(), Email: "ana@globex.com", StudyID: "s1", RecruitStatus: notebook.RecruitNominated}
	must(s.Save(ctx, &c))
	// make it look like a v1 notebook: no study index, schema 1
	noErr(t, s.updateDB(func(txn *badger.Txn) error {
		if err := txn.Delete(indexKey("study", "s1", notebook.TypeContact, c.ID)); err != nil {
			return err
		}
		return setUint(txn, keySchema, 1)
	}))
	s.Close()
	s = openDisk(t, dir)
	if got := must(List[notebook.Contact](ctx, s, Query{StudyID: "s1"})); len(got) != 1 {
		t.Fatalf("v2 migration must index contacts by study: %d", len(got))
	}
	noErr(t, s.updateDB(func(txn *badger.Txn) error { return setUint(txn, keySchema, 99) }))
	s.Close()
	if _, err := Open(Options{Dir: dir, Key: testKey}); !notebook.IsCode(err, notebook.Conflict) || !strings.Contains(err.Error(), "newer Fieldnotes") {
		t.Fatalf("data from a newer app must be refused in words: %v", err)
	}
}

// TestSearchFoldsDiacritics: the index and the query fold accents the same
// way, and German umlauts also match their two-letter spelling (ä→ae).
func TestSearchFoldsDiacritics(t *testing.T) {
	eachStore(t, func(t *testing.T, s *Store) {
		names := []string{"Jürgen Schäfer", "Tomás Åberg", "Zoë Müller-Weiß", "François Núñez", "Søren Łukasz", "Ça Đorđević"}
		ids := map[string]string{}
		for _, n := range names {
			c := notebook.Contact{ID: notebook.NewID(), Name: n, Email: notebook.NewID() + "@example.com"}
			must(s.Save(ctx, &c))
			ids[n] = c.ID
		}
		for q, want := range map[string]string{
			"Schafer": "Jürgen Schäfer", "schaefer": "Jürgen Schäfer", "Schäfer": "Jürgen Schäfer", "Jurgen": "Jürgen Schäfer", "juergen": "Jürgen Schäfer",
			"Tomas": "Tomás Åberg", "Tomás": "Tomás Åberg", "aberg": "Tomás Åberg",
			"Zoe": "Zoë Müller-Weiß", "muller": "Zoë Müller-Weiß", "mueller": "Zoë Müller-Weiß", "weiss": "Zoë Müller-Weiß", "Weiß": "Zoë Müller-Weiß",
			"Francois": "François Núñez", "nunez": "François Núñez",
			"Soren": "Søren Łukasz", "lukasz": "Søren Łukasz", "Dordevic": "Ça Đorđević",
		} {
			hits := must(s.Search(ctx, q, 10))
			if len(hits) == 0 || hits[0].ID != ids[want] {
				t.Errorf("search %q: want %s, got %+v", q, want, hits)
			}
		}
	})
}
