package store

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldnotes/app/notebook"
)

// crashChildEnv makes the test binary act as the writer child.
const crashChildEnv = "FIELDNOTES_CRASH_CHILD_DIR"

// TestMain lets the crash test re-run this binary as a child that writes
// edits until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir, os.Getenv("FIELDNOTES_CRASH_ROUND"))
		return
	}
	os.Exit(m.Run())
}

// crashChild saves call-note edits forever, printing "saved <n>" only after
// Save returned — the moment the UI would show "saved".
func crashChild(dir, round string) {
	s, err := Open(Options{Dir: dir, Key: testKey})
	if err != nil {
		fmt.Println("open failed:", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	for n := 1; ; n++ {
		call := notebook.Call{ID: fmt.Sprintf("r%s-call-%d", round, n%7), AccountID: "acct", StartedAt: t0, Notes: fmt.Sprintf("edit %d", n)}
		if _, err := s.Save(ctx, &call); err != nil {
			fmt.Fprintln(out, "error:", err)
			out.Flush()
			os.Exit(1)
		}
		ev := notebook.Evidence{ID: fmt.Sprintf("r%s-ev-%d", round, n), HypothesisID: "h", Signal: notebook.SignalSupports, CapturedAt: t0, Quote: fmt.Sprintf("quote %d", n)}
		if _, err := s.Save(ctx, &ev); err != nil {
			fmt.Fprintln(out, "error:", err)
			out.Flush()
			os.Exit(1)
		}
		fmt.Fprintf(out, "saved %d\n", n)
		out.Flush()
	}
}

// TestKill9NeverLosesASavedEdit kills a writing child with SIGKILL at random
// moments, 50 times over one data dir, and checks every edit it reported
// saved is there and the store opens cleanly each time.
func TestKill9NeverLosesASavedEdit(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	dir := t.TempDir()
	rnd := rand.New(rand.NewPCG(1, 2))
	savedByRound := map[int][]int{}
	total := 0
	for round := 0; round < 50; round++ {
		savedByRound[round] = runAndKill(t, dir, round, time.Duration(20+rnd.IntN(150))*time.Millisecond)
		total += len(savedByRound[round])
		s, err := Open(Options{Dir: dir, Key: testKey})
		if err != nil {
			t.Fatalf("round %d: store does not open after kill -9: %v", round, err)
		}
		for r, saved := range savedByRound {
			checkSaved(t, s, r, saved)
		}
		s.Close()
	}
	t.Logf("50 kill -9 rounds, %d saves confirmed and all found", total)
}

// checkSaved asserts every edit round r reported saved is in s: each
// evidence item, and each call's notes at least as new as the last saved edit.
func checkSaved(t *testing.T, s *Store, r int, saved []int) {
	t.Helper()
	highest := map[int]int{}
	for _, n := range saved {
		var ev notebook.Evidence
		if err := s.Get(ctx, fmt.Sprintf("r%d-ev-%d", r, n), &ev); err != nil || ev.Quote != fmt.Sprintf("quote %d", n) {
			t.Fatalf("round %d: evidence %d reported saved but lost: %v", r, n, err)
		}
		highest[n%7] = max(highest[n%7], n)
	}
	for slot, n := range highest {
		var c notebook.Call
		if err := s.Get(ctx, fmt.Sprintf("r%d-call-%d", r, slot), &c); err != nil {
			t.Fatalf("round %d: call %d lost: %v", r, slot, err)
		}
		if got, _ := strconv.Atoi(strings.TrimPrefix(c.Notes, "edit ")); got < n {
			t.Fatalf("round %d: call %d has %q, but edit %d was reported saved", r, slot, c.Notes, n)
		}
	}
}

// runAndKill starts the child, lets it write for d, SIGKILLs it and returns
// the edits it reported saved. Ids carry the round, so rounds never collide.
func runAndKill(t *testing.T, dir string, round int, d time.Duration) []int {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, fmt.Sprintf("FIELDNOTES_CRASH_ROUND=%d", round))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1<<16)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	time.Sleep(d)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	var saved []int
	for line := range lines {
		if n, ok := strings.CutPrefix(line, "saved "); ok {
			v, _ := strconv.Atoi(n)
			saved = append(saved, v)
		} else if strings.HasPrefix(line, "error") || strings.HasPrefix(line, "open failed") {
			t.Fatalf("child: %s", line)
		}
	}
	_ = cmd.Wait()
	return saved
}
