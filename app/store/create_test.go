package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"fieldnotes/app/notebook"
)

// A first launch killed after Badger wrote MANIFEST but before KEYREGISTRY
// left a notebook that could never open ("damaged"); it held nothing, so the
// next Open creates it again. With a written log beside it, it is damage.
func TestCreationKilledBeforeTheKeyRegistryStartsAgain(t *testing.T) {
	made := t.TempDir()
	s, err := Open(Options{Dir: made, Key: testKey})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	manifest, err := os.ReadFile(filepath.Join(made, "MANIFEST"))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "MANIFEST"), manifest, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "00001.mem"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err = Open(Options{Dir: dir, Key: testKey})
	if err != nil {
		t.Fatalf("a notebook whose creation was interrupted does not open: %v", err)
	}
	id := notebook.NewID()
	if _, err := s.Save(context.Background(), notebook.Account{ID: id, Name: "After the crash", Domains: []string{"after.example"}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	damaged := t.TempDir()
	if err := os.WriteFile(filepath.Join(damaged, "MANIFEST"), manifest, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(damaged, "00001.mem"), []byte("written bytes"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: damaged, Key: testKey}); !notebook.IsCode(err, notebook.Damaged) {
		t.Fatalf("a written log without its key registry: %v, want damaged", err)
	}
	if _, err := os.Stat(filepath.Join(damaged, "MANIFEST")); err != nil {
		t.Fatalf("the damaged notebook's MANIFEST was touched: %v", err)
	}
}
