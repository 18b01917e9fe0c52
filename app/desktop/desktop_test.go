package desktop

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"
)

func TestDirDialogsAnswerLikeAUser(t *testing.T) {
	dir := t.TempDir()
	d := dirDialogs{dir: dir}
	if p, err := d.OpenFile(context.Background(), "", []string{"csv"}); err != nil || p != "" {
		t.Fatalf("empty dir must read as cancelled: %q %v", p, err)
	}
	old := filepath.Join(dir, "old.csv")
	os.WriteFile(old, []byte("a"), 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("a"), 0o600)
	newer := filepath.Join(dir, "new.CSV")
	os.WriteFile(newer, []byte("b"), 0o600)
	os.Chtimes(old, time.Now().Add(-time.Hour), time.Now().Add(-time.Hour))
	if p, _ := d.OpenFile(context.Background(), "", []string{"csv"}); p != newer {
		t.Fatalf("open = %q, want the newest csv %q", p, newer)
	}
	if p, _ := d.SaveFile(context.Background(), "", "../../etc/x.backup"); p != filepath.Join(dir, "x.backup") {
		t.Fatalf("save must stay in the dir: %q", p)
	}
}

func TestFrontendFSFindsIndex(t *testing.T) {
	embedded := fstest.MapFS{"frontend/dist/index.html": {Data: []byte("<html>")}}
	sub, err := frontendFS(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Open("index.html"); err != nil {
		t.Fatalf("index.html not at the root: %v", err)
	}
	if _, err := frontendFS(nil); err == nil {
		t.Fatal("nil assets must be an error")
	}
}
