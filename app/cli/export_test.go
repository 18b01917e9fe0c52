package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func noWindow(Window) error { return nil }

// Run as root, `fieldnotes export --out /dev/null` once replaced the system's
// /dev/null with a regular file; a symlink given to --out was replaced by a
// file the same way. Both must be written into.
func TestExportWritesIntoDevicesAndThroughSymlinks(t *testing.T) {
	t.Setenv("FIELDNOTES_NO_KEYRING", "1")
	data := filepath.Join(t.TempDir(), "data")
	if code := Main([]string{"--data", data, "demo"}, noWindow); code != 0 {
		t.Fatalf("demo exit %d", code)
	}

	if code := Main([]string{"--data", data, "export", "--out", os.DevNull}, noWindow); code != 0 {
		t.Fatalf("export to %s: exit %d", os.DevNull, code)
	}
	if info, err := os.Lstat(os.DevNull); err != nil || info.Mode()&fs.ModeCharDevice == 0 {
		t.Fatalf("%s is now %v (%v), want a character device", os.DevNull, info.Mode(), err)
	}

	dir := t.TempDir()
	real, link := filepath.Join(dir, "real.ndjson"), filepath.Join(dir, "latest.ndjson")
	if err := os.Symlink("real.ndjson", link); err != nil {
		t.Fatal(err)
	}
	if code := Main([]string{"--data", data, "export", "--out", link}, noWindow); code != 0 {
		t.Fatalf("export to a symlink: exit %d", code)
	}
	if info, _ := os.Lstat(link); info.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the symlink was replaced by a regular file")
	}
	b, err := os.ReadFile(real)
	if err != nil || !strings.Contains(string(b), `"type":"account"`) {
		t.Fatalf("the link's target holds %d bytes (%v), want the export", len(b), err)
	}
}
