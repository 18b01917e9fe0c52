package store

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

// writeBackup seeds a notebook and returns the path of its backup.
func writeBackup(t *testing.T) (string, notebook.Hypothesis) {
	t.Helper()
	src := openDisk(t, t.TempDir())
	_, h := seed(t, src)
	path := filepath.Join(t.TempDir(), "notebook.fnbackup")
	f := must(os.Create(path))
	noErr(t, src.Backup(ctx, f))
	noErr(t, f.Close())
	return path, h
}

// TestRestoreRefusesTrailingJunk: the sealed format knows where it ends, so
// bytes after the final chunk mean the file is not what was written.
func TestRestoreRefusesTrailingJunk(t *testing.T) {
	path, _ := writeBackup(t)
	f := must(os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0))
	must(f.WriteString("appended junk"))
	noErr(t, f.Close())

	dst := openDisk(t, t.TempDir())
	kept := notebook.Account{ID: notebook.NewID(), Name: "Kept"}
	must(dst.Save(ctx, &kept))
	err := dst.Restore(ctx, func() (io.ReadCloser, error) { return os.Open(path) })
	if !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "after its end") {
		t.Fatalf("a backup with trailing junk: %v", err)
	}
	noErr(t, dst.Get(ctx, kept.ID, &notebook.Account{}))
}

// TestOpenPutsBackTheNotebookARestoreMovedAside: a crash between the two
// renames of a restore leaves no notebook under the data dir (or an empty
// one the app created); Open puts the old one back, never opens it empty.
func TestOpenPutsBackTheNotebookARestoreMovedAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "notebook")
	s := must(Open(Options{Dir: dir, Key: testKey}))
	a, _ := seed(t, s)
	noErr(t, s.Close())
	noErr(t, os.Rename(dir, dir+restoreOldSuffix))
	noErr(t, os.MkdirAll(dir+restoreNewSuffix, 0o700))
	noErr(t, os.MkdirAll(dir, 0o700)) // what the desktop app does before Open
	s = openDisk(t, dir)
	noErr(t, s.Get(ctx, a.ID, &notebook.Account{}))
	for _, left := range []string{restoreOldSuffix, restoreNewSuffix} {
		if _, err := os.Stat(dir + left); err == nil {
			t.Errorf("%s is still there", dir+left)
		}
	}
}

// FuzzCheckTable: the table footer check reads untrusted bytes (a damaged
// data dir); it must answer, never panic, whatever the file holds.
func FuzzCheckTable(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 0, 4})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 8, 1, 0, 0, 0, 2})
	f.Add(append(make([]byte, 100), 0, 0, 0, 10, 0, 0, 0, 6))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(dir, "000001.sst")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		_ = checkTable(path)
	})
}
