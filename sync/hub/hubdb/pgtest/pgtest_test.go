package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Run(m)) }

// A cluster accepts connections, survives a stop/start on its port, and
// gives each caller its own database.
func TestClusterStartsStopsAndCreatesDatabases(t *testing.T) {
	c := Own(t)
	psql := func() error {
		return exec.Command(filepath.Join(c.bin, "psql"), "-h", "127.0.0.1", "-p", strconv.Itoa(c.Port), "-U", "postgres", "-c", "select 1", "postgres").Run()
	}
	if err := psql(); err != nil {
		t.Fatalf("psql before stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if psql() == nil {
		t.Fatal("a stopped cluster still answers")
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	if err := psql(); err != nil {
		t.Fatalf("psql after restart: %v", err)
	}
	a, err := c.CreateDatabase()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.CreateDatabase()
	if a == b {
		t.Fatalf("two databases share the URL %s", a)
	}
}
