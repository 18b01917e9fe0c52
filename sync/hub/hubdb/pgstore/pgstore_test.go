package pgstore_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgstore"
	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/hub/hubdb/storetest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Run(m)) }

var (
	ctx   = context.Background()
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// open makes a store on a fresh database of the shared cluster.
func open(t *testing.T) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(ctx, pgstore.Options{URL: pgtest.Database(t), Migrate: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPostgresMeetsTheStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hubdb.Store { return open(t) })
}
