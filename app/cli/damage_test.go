package cli

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// twoTableNotebook makes a notebook whose accounts sit in two tables: "A"
// accounts in 000001.sst, "B" accounts in 000002.sst.
func twoTableNotebook(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "notebook")
	makeNotebook(t, dir, "A", 2000)
	makeNotebook(t, dir, "B", 1000)
	for _, name := range []string{"000001.sst", "000002.sst", "KEYREGISTRY"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("the notebook layout changed: %v", err)
		}
	}
	return dir
}

func dirDigest(t *testing.T, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	for _, e := range entries {
		if e.Name() == "LOCK" {
			continue
		}
		raw, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		fmt.Fprintf(h, "%s %x\n", e.Name(), sha256.Sum256(raw))
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// TestDamagedDataDirEndsInOneSentence: each kind of damage makes every
// command end with exit 1 and one sentence saying what is damaged, that
// nothing was changed and how to restore: no panic, no stack trace, the
// files untouched. The doctor then saves every record it can still read.
func TestDamagedDataDirEndsInOneSentence(t *testing.T) {
	cases := []struct {
		name    string
		damage  func(dir string) error
		says    string
		salvage int // records the doctor must still save (at least)
	}{
		{"missing KEYREGISTRY", func(dir string) error { return os.Remove(filepath.Join(dir, "KEYREGISTRY")) }, "KEYREGISTRY, is missing", 0},
		{"truncated table", func(dir string) error { return os.Truncate(filepath.Join(dir, "000002.sst"), 100000) }, "000002.sst is truncated", 2000},
		{"zeroed bytes", func(dir string) error {
			f, err := os.OpenFile(filepath.Join(dir, "000002.sst"), os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt(make([]byte, 4096), 20000)
			return err
		}, "000002.sst", 2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := twoTableNotebook(t)
			if err := tc.damage(dir); err != nil {
				t.Fatal(err)
			}
			before := dirDigest(t, dir)
			for _, args := range [][]string{{"export", "--out", filepath.Join(t.TempDir(), "x.ndjson")}, {"import", "/dev/null"}} {
				out, err := fieldnotesCmd(dir, args...).CombinedOutput()
				text := strings.TrimSpace(string(out))
				if err == nil || !strings.Contains(err.Error(), "exit status 1") {
					t.Fatalf("%s: want exit 1, got %v:\n%s", args[0], err, text)
				}
				if strings.Count(text, "\n") > 0 || strings.Contains(text, "goroutine") || strings.Contains(text, "panic") {
					t.Fatalf("%s: want one sentence, got:\n%s", args[0], text)
				}
				for _, want := range []string{"is damaged", tc.says, "nothing was changed", "restore FILE", "doctor --salvage"} {
					if !strings.Contains(text, want) {
						t.Errorf("%s: %q is missing from: %s", args[0], want, text)
					}
				}
			}
			salvage := t.TempDir()
			out, err := fieldnotesCmd(dir, "doctor", "--salvage", salvage).CombinedOutput()
			if err == nil || strings.Contains(string(out), "goroutine") {
				t.Fatalf("doctor on a damaged notebook: %v\n%s", err, out)
			}
			lines := countLines(t, filepath.Join(salvage, "records.ndjson"))
			if lines < tc.salvage {
				t.Fatalf("doctor saved %d records, want at least %d:\n%s", lines, tc.salvage, out)
			}
			t.Logf("doctor saved %d records:\n%s", lines, out)
			if after := dirDigest(t, dir); after != before {
				t.Fatal("the damaged notebook's files were changed")
			}
			if lines == 0 {
				return
			}
			// the salvage imports into a new notebook
			fresh := filepath.Join(t.TempDir(), "fresh")
			if out, err := fieldnotesCmd(fresh, "import", filepath.Join(salvage, "records.ndjson")).CombinedOutput(); err != nil {
				t.Fatalf("importing the salvage: %v\n%s", err, out)
			}
		})
	}
}

func TestDoctorOnAHealthyNotebook(t *testing.T) {
	dir := twoTableNotebook(t)
	out, err := fieldnotesCmd(dir, "doctor").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "healthy: 3000 records") {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		n++
	}
	return n
}
