package fileout

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"fieldnotes/app/notebook"
)

func text(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestNewAndExistingRegularFiles(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.csv")
	if err := Write(p, 0o600, text("one")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, p); got != "one" {
		t.Fatalf("content %q", got)
	}
	if err := os.Chmod(p, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, 0o600, text("two")); err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(p)
	if got := read(t, p); got != "two" || info.Mode().Perm() != 0o644 {
		t.Fatalf("content %q mode %v: want two, the file's own 0644", got, info.Mode())
	}
	noLeftovers(t, dir)
}

func TestFailedWriteKeepsTheOldFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "backup")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := io.ErrShortWrite
	err := Write(p, 0o600, func(w io.Writer) error { io.WriteString(w, "half"); return boom })
	if err != boom {
		t.Fatalf("err = %v", err)
	}
	if got := read(t, p); got != "old" {
		t.Fatalf("content %q, want the old file untouched", got)
	}
	noLeftovers(t, dir)
}

func TestSymlinkTargetIsWrittenAndTheLinkStays(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "real.txt")
	link := filepath.Join(dir, "link.txt")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.txt", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, 0o600, text("new")); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Lstat(link); info.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced by a file")
	}
	if got := read(t, target); got != "new" {
		t.Fatalf("target content %q", got)
	}
	// A dangling link creates its target, as `>` does.
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink("made.txt", dangling); err != nil {
		t.Fatal(err)
	}
	if err := Write(dangling, 0o600, text("made")); err != nil {
		t.Fatal(err)
	}
	if got := read(t, filepath.Join(dir, "made.txt")); got != "made" {
		t.Fatalf("dangling target content %q", got)
	}
}

func TestSymlinkLoopIsAnError(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.Symlink(b, a)
	os.Symlink(a, b)
	if err := Write(a, 0o600, text("x")); err == nil || !strings.Contains(err.Error(), "symbolic links") {
		t.Fatalf("err = %v", err)
	}
}

func TestFIFOIsWrittenIntoNotReplaced(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(fifo)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := Write(fifo, 0o600, text("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "through the pipe" {
		t.Fatalf("reader got %q", s)
	}
	if info, _ := os.Lstat(fifo); info.Mode()&fs.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO became %v", info.Mode())
	}
}

func TestDeviceIsWrittenIntoNotReplaced(t *testing.T) {
	if err := Write(os.DevNull, 0o600, text("discard me")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Lstat(os.DevNull)
	if err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is now %v (%v): it must stay a character device", os.DevNull, info.Mode(), err)
	}
}

func TestDirectoryIsRefused(t *testing.T) {
	dir := t.TempDir()
	err := Write(dir, 0o600, text("x"))
	if !notebook.IsCode(err, notebook.Invalid) || err.Error() != "cannot write "+dir+": it is a directory" {
		t.Fatalf("err = %v", err)
	}
}
