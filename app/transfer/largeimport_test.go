package transfer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// importChildEnv makes the test binary import a file and exit (the child of
// TestKilledImportLeavesAConsistentStoreThatAReimportCompletes).
const importChildEnv = "FIELDNOTES_IMPORT_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(importChildEnv); dir != "" {
		os.Exit(importChild(dir, os.Getenv(importChildEnv+"_FILE")))
	}
	os.Exit(m.Run())
}

func importChild(dir, file string) int {
	s, err := store.Open(store.Options{Dir: dir, Key: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		fmt.Println("open failed:", err)
		return 1
	}
	changes, stop := s.Subscribe() // published after each durable commit of the batch
	defer stop()
	go func() {
		if _, ok := <-changes; ok {
			fmt.Println("committed")
		}
	}()
	fmt.Println("importing")
	rep, err := ImportPath(ctx, s, file)
	if err != nil {
		fmt.Println("import failed:", err)
		return 1
	}
	s.Close()
	fmt.Println("done", rep.Created)
	return 0
}

// accountsByDomain lists the notebook's accounts without their (random) ids.
func accountsByDomain(t *testing.T, s *store.Store) map[string]notebook.Account {
	t.Helper()
	list, err := store.List[notebook.Account](ctx, s, store.Query{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]notebook.Account{}
	for _, a := range list {
		if len(a.Domains) != 1 {
			t.Fatalf("account %q has domains %v", a.Name, a.Domains)
		}
		if _, dup := out[a.Domains[0]]; dup {
			t.Fatalf("two accounts at %s", a.Domains[0])
		}
		a.ID = ""
		out[a.Domains[0]] = a
	}
	return out
}

// A large import (its search postings left to the store's indexer, its
// writes split over several commits) ends record for record where the same
// rows imported a few at a time (postings written with each record) end:
// same accounts, same outbox, same search answers — and re-importing it
// changes nothing.
func TestLargeImportEqualsSmallBatchImports(t *testing.T) {
	const n = 3 * deferSearchFrom
	rows := salesforceReport(n)
	header, body := rows[0], rows[1:n+1]

	large := newStore(t)
	rep, err := Import(ctx, large, "report.csv", bytes.NewReader(csvOf(rows)))
	if err != nil || rep.Created != n || len(rep.Errors) != 0 {
		t.Fatalf("large import: %+v %v", rep.Errors, err)
	}
	if large.IndexLag() == 0 {
		t.Fatal("a large import leaves its search postings to the indexer; none were left")
	}
	small := newStore(t)
	const part = deferSearchFrom / 2
	for i := 0; i < n; i += part {
		chunk := append([][]string{header}, body[i:min(i+part, n)]...)
		rep, err := Import(ctx, small, "part.csv", bytes.NewReader(csvOf(chunk)))
		if err != nil || rep.Created != len(chunk)-1 {
			t.Fatalf("small import at row %d: %+v %v", i, rep, err)
		}
	}
	if small.IndexLag() != 0 {
		t.Fatalf("small imports are searchable at once; %d changes wait for the indexer", small.IndexLag())
	}
	a, b := accountsByDomain(t, large), accountsByDomain(t, small)
	if len(a) != n || len(b) != n {
		t.Fatalf("accounts: large %d, small %d, want %d", len(a), len(b), n)
	}
	for dom, x := range a {
		if y := b[dom]; !equalAccounts(x, y) {
			t.Fatalf("%s: large import made %+v, small imports %+v", dom, x, y)
		}
	}
	pa, _ := large.PendingCount(ctx)
	pb, _ := small.PendingCount(ctx)
	if pa != n || pb != n {
		t.Fatalf("outbox: large %d, small %d, want one mutation per account (%d)", pa, pb, n)
	}

	wait, cancel := contextWithTimeout(30 * time.Second)
	defer cancel()
	if err := large.WaitIndexed(wait); err != nil {
		t.Fatalf("the indexer did not catch up: %v", err)
	}
	for _, q := range []string{"company 000042", "company000700", "company"} {
		ha, _ := large.Search(ctx, q, 200)
		hb, _ := small.Search(ctx, q, 200)
		if len(ha) == 0 || len(ha) != len(hb) {
			t.Fatalf("search %q: large import %d hits, small imports %d", q, len(ha), len(hb))
		}
	}

	again, err := Import(ctx, large, "report.csv", bytes.NewReader(csvOf(rows)))
	if err != nil || again.Unchanged != n || again.Created+again.Updated != 0 {
		t.Fatalf("re-import changed something: %+v %v", again, err)
	}
	if p, _ := large.PendingCount(ctx); p != n || large.IndexLag() != 0 {
		t.Fatalf("re-import queued %d mutations, index lag %d", p-n, large.IndexLag())
	}
}

func equalAccounts(x, y notebook.Account) bool {
	return x.Name == y.Name && slices.Equal(x.Domains, y.Domains) && slices.Equal(x.CRMIDs, y.CRMIDs) &&
		x.ARR == y.ARR && x.Segment == y.Segment && x.Stage == y.Stage
}

// A large import is committed in parts (store.Batch), so it is not
// all-or-nothing: it is resumable. Killed with SIGKILL between two commits,
// it leaves whole records (each with its indexes, unique domain, outbox
// mutation and feed entry); the store opens, the indexer finishes their
// postings, and importing the file again creates exactly the rest.
func TestKilledImportLeavesAConsistentStoreThatAReimportCompletes(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	// 3,000 rows with long names are about 6 MB of writes: two commits of
	// the batch, so a kill can land between them (and the test stays quick
	// under -race)
	const n = 3000
	rows := salesforceReport(n)
	for _, r := range rows[1 : n+1] {
		r[0] += " " + strings.Repeat("x", 450)
	}
	var dir string
	file := filepath.Join(t.TempDir(), "report.csv")
	if err := os.WriteFile(file, csvOf(rows), 0o644); err != nil {
		t.Fatal(err)
	}
	// The child says when its first commit is durable; the kill follows at
	// once, while the second part is still being written (seconds, against
	// a kill's milliseconds). Timing the kill instead missed the window on
	// a loaded machine.
	midway := 0
	for round := 0; round < 3 && midway == 0; round++ {
		dir = t.TempDir()
		if err := runImportChild(t, dir, file, true); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		s, err := store.Open(store.Options{Dir: dir, Key: bytes.Repeat([]byte{1}, 32)})
		if err != nil {
			t.Fatalf("round %d: the store does not open after the kill: %v", round, err)
		}
		c, _ := s.Count(ctx, notebook.TypeAccount)
		s.Close()
		if c > 0 && c < n {
			midway = c
		}
	}
	if midway == 0 {
		t.Fatal("no kill landed between two of the import's commits")
	}

	s, err := store.Open(store.Options{Dir: dir, Key: bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		t.Fatalf("the store does not open after the kills: %v", err)
	}
	defer s.Close()
	before := len(accountsByDomain(t, s)) // fails on a duplicate or a half-written account
	if p, _ := s.PendingCount(ctx); p != before {
		t.Fatalf("%d accounts but %d outbox mutations: a record without its mutation (or the reverse)", before, p)
	}
	rep, err := ImportPath(ctx, s, file)
	if err != nil || rep.Created != n-before || rep.Unchanged != before || rep.Updated != 0 || len(rep.Errors) != 0 {
		t.Fatalf("after the kills %d accounts were in; the re-import did %+v %v", before, rep, err)
	}
	if got := len(accountsByDomain(t, s)); got != n {
		t.Fatalf("%d accounts after completing the import, want %d", got, n)
	}
	if p, _ := s.PendingCount(ctx); p != n {
		t.Fatalf("outbox %d, want one mutation per account (%d)", p, n)
	}
	wait, cancel := contextWithTimeout(2 * time.Minute)
	defer cancel()
	if err := s.WaitIndexed(wait); err != nil {
		t.Fatalf("the indexer did not catch up: %v", err)
	}
	for _, i := range []int{0, before / 2, max(before-1, 0), n - 1} {
		q := fmt.Sprintf("company%06d", i)
		if hits, _ := s.Search(ctx, q, 5); len(hits) != 1 {
			t.Fatalf("search %q after the kills and the re-import: %d hits", q, len(hits))
		}
	}
	t.Logf("a kill left %d of %d accounts; %d were in before the re-import", midway, n, before)
}

// runImportChild imports file into dir in a child process and kills it
// with SIGKILL after killAfter (0: lets it finish).
func runImportChild(t *testing.T, dir, file string, killAtFirstCommit bool) error {
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), importChildEnv+"="+dir, importChildEnv+"_FILE="+file)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	defer cmd.Wait()
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "importing" {
		cmd.Process.Kill()
		return fmt.Errorf("the child said %q", lines.Text())
	}
	for lines.Scan() {
		switch l := lines.Text(); {
		case l == "committed" && killAtFirstCommit:
			cmd.Process.Signal(syscall.SIGKILL)
		case strings.HasPrefix(l, "import failed"), strings.HasPrefix(l, "open failed"):
			return fmt.Errorf("the child: %s", l)
		}
	}
	return nil
}

func contextWithTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}
