package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// cliChildEnv makes the test binary act as the fieldnotes command: the
// process runs Main with its arguments, exactly as the real binary does.
const cliChildEnv = "FIELDNOTES_TEST_RUN_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(cliChildEnv) != "" {
		os.Exit(Main(os.Args[1:], func(Window) error { return nil }))
	}
	os.Exit(m.Run())
}

// fieldnotesCmd is a `fieldnotes --data dir args…` process.
func fieldnotesCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"--data", dir}, args...)...)
	cmd.Env = append(os.Environ(), cliChildEnv+"=1", "FIELDNOTES_KEY="+testKeyHex, "FIELDNOTES_NO_KEYRING=1")
	return cmd
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var testKeyHex = strings.Repeat("cd", 32)

// makeNotebook fills dir with n accounts named "<tag> i" and returns its backup.
func makeNotebook(t *testing.T, dir, tag string, n int) string {
	t.Helper()
	s, err := store.Open(store.Options{Dir: dir, Key: keyBytes(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.Batch(context.Background(), func(b *store.Batch) error {
		for i := 0; i < n; i++ {
			a := notebook.Account{ID: fmt.Sprintf("%s-%05d", tag, i), Name: fmt.Sprintf("%s %d", tag, i), Segment: strings.Repeat("x", 200)}
			if _, err := b.Save(&a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), tag+".fnbackup")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return path
}

func keyBytes(t *testing.T) []byte {
	t.Helper()
	return []byte(strings.Repeat("\xcd", 32))
}

// notebookState opens dir the way the app does and says which notebook it
// holds: "A" or "B" when every account is that notebook's, else a
// description of the mix.
func notebookState(t *testing.T, dir string, sizes map[string]int) string {
	t.Helper()
	s, err := store.Open(store.Options{Dir: dir, Key: keyBytes(t), Logger: quiet})
	if err != nil {
		return "does not open: " + err.Error()
	}
	defer s.Close()
	tags := map[string]int{}
	err = s.Envelopes(context.Background(), notebook.TypeAccount, func(env store.Envelope) error {
		tags[strings.SplitN(env.ID, "-", 2)[0]]++
		return nil
	})
	if err != nil {
		return "does not read: " + err.Error()
	}
	for tag, n := range sizes {
		if tags[tag] == n && len(tags) == 1 {
			return tag
		}
	}
	return fmt.Sprintf("a mix: %v", tags)
}

// TestRestoreKilledAtRandomLeavesOldOrNew kills `fieldnotes restore` with
// SIGKILL at random moments, 30+ times, alternating two backups, and checks
// the notebook afterwards is always exactly one of them: never empty, never
// a mix.
func TestRestoreKilledAtRandomLeavesOldOrNew(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	sizes := map[string]int{"A": 3000, "B": 2000} // small enough for 30+ kills in CI, large enough that a restore takes a while
	backups := map[string]string{
		"A": makeNotebook(t, t.TempDir(), "A", sizes["A"]),
		"B": makeNotebook(t, t.TempDir(), "B", sizes["B"]),
	}
	dir := filepath.Join(t.TempDir(), "notebook")
	if out, err := fieldnotesCmd(dir, "restore", backups["A"]).CombinedOutput(); err != nil {
		t.Fatalf("first restore: %v\n%s", err, out)
	}
	var full time.Duration // the longer of the two, so random kills span a whole restore
	for _, tag := range []string{"B", "A", "B"} {
		start := time.Now()
		if out, err := fieldnotesCmd(dir, "restore", backups[tag]).CombinedOutput(); err != nil {
			t.Fatalf("timed restore: %v\n%s", err, out)
		}
		full = max(full, time.Since(start))
	}
	current := notebookState(t, dir, sizes)
	if current != "B" {
		t.Fatalf("after an uninterrupted restore of B the notebook is %s", current)
	}
	rnd := rand.New(rand.NewPCG(15, 10))
	killed, finished, swapped := 0, 0, 0
	for round := 0; killed < 32 && round < 120; round++ {
		target := map[string]string{"A": "B", "B": "A"}[current]
		cmd := fieldnotesCmd(dir, "restore", backups[target])
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rnd.Int64N(int64(full) * 6 / 5))) // past the end too: some finish
		_ = cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err != nil {
			killed++
		} else {
			finished++
		}
		got := notebookState(t, dir, sizes)
		if got != current && got != target {
			t.Fatalf("round %d: restoring %s over %s killed after a random delay left %s", round, target, current, got)
		}
		if got != current {
			swapped++
		}
		current = got
	}
	t.Logf("restore takes %s; %d killed mid-way, %d finished first, %d left the restored notebook", full, killed, finished, swapped)
	if killed < 30 {
		t.Fatalf("only %d of the rounds killed a running restore", killed)
	}
}
