package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/pgstore"
)

// dbEnv is the environment variable that names the PostgreSQL database
// when --db is not given (so the URL and its password stay out of `ps`).
const dbEnv = "FIELDHUB_DB"

// storeFlags choose the hub's store: --data DIR for the embedded Badger
// store (the default), or --db URL / $FIELDHUB_DB for PostgreSQL, which any
// number of `fieldhub serve` replicas and admin commands share at once.
type storeFlags struct {
	dir, db *string
}

func addStoreFlags(fs *flag.FlagSet, dataHelp string) storeFlags {
	return storeFlags{
		dir: fs.String("data", "", dataHelp),
		db:  fs.String("db", "", "PostgreSQL URL postgres://user@host/db (default $"+dbEnv+"); replaces --data"),
	}
}

// url is the PostgreSQL URL chosen, "" for Badger.
func (f storeFlags) url() (string, error) {
	switch {
	case *f.dir != "" && *f.db != "":
		return "", notebook.Errorf(notebook.Invalid, "--data and --db exclude each other: --data DIR is the embedded store, --db URL is PostgreSQL")
	case *f.db != "":
		return *f.db, nil
	case *f.dir == "":
		return os.Getenv(dbEnv), nil
	}
	return "", nil
}

// open opens the chosen store. serve migrates a PostgreSQL schema (under
// an advisory lock); the admin commands only check it.
func (f storeFlags) open(ctx context.Context, log *slog.Logger, migrate bool) (hubdb.Store, error) {
	url, err := f.url()
	if err != nil {
		return nil, err
	}
	if url == "" {
		if *f.dir == "" {
			return nil, notebook.Errorf(notebook.Invalid, "--data DIR or --db URL (or $%s) is required", dbEnv)
		}
		return openStore(*f.dir, log)
	}
	return pgstore.Open(ctx, pgstore.Options{URL: url, Migrate: migrate, Logger: log})
}

// openWaiting retries an unreachable database every second until it
// answers or ctx ends (serve --wait-db), logging once per attempt.
func (f storeFlags) openWaiting(ctx context.Context, log *slog.Logger) (hubdb.Store, error) {
	for {
		store, err := f.open(ctx, log, true)
		if !notebook.IsCode(err, notebook.Unavailable) {
			return store, err
		}
		log.Warn("waiting for the database", "err", err.Error())
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(time.Second):
		}
	}
}

// migrateCommand is `fieldhub migrate --db URL`: apply the schema
// migrations this binary carries that the database lacks.
func migrateCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "PostgreSQL URL (default $"+dbEnv+")")
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return exitUsage
	}
	if *db == "" {
		*db = os.Getenv(dbEnv)
	}
	if *db == "" {
		fmt.Fprintf(stderr, "fieldhub: migrate needs --db URL or $%s\n", dbEnv)
		return exitUsage
	}
	applied, err := pgstore.Migrate(context.Background(), *db)
	if err != nil {
		return fail(stderr, err)
	}
	if applied == nil {
		applied = []string{}
	}
	_ = json.NewEncoder(stdout).Encode(map[string]any{"applied": applied, "schema": pgstore.SchemaVersion()})
	return exitOK
}

// copyCommand is `fieldhub copy --from-data DIR --to-db URL`: move a
// stopped Badger hub into an empty PostgreSQL database, keeping its epoch,
// seqs, users, tokens and client counters, so notebooks keep syncing with
// their cursors and tokens as if nothing had happened.
func copyCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("copy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from-data", "", "data directory of a stopped Badger hub")
	to := fs.String("to-db", "", "PostgreSQL URL of an empty database (default $"+dbEnv+")")
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return exitUsage
	}
	if *to == "" {
		*to = os.Getenv(dbEnv)
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "fieldhub: copy needs --from-data DIR and --to-db URL")
		return exitUsage
	}
	if _, err := os.Stat(*from); err != nil {
		return fail(stderr, notebook.Errorf(notebook.NotFound, "--from-data %s: %v", *from, err))
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	src, err := openStore(*from, log)
	if err != nil {
		return fail(stderr, err)
	}
	defer src.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	dst, err := pgstore.Open(ctx, pgstore.Options{URL: *to, Migrate: true, Logger: log, OpTimeout: time.Hour})
	if err != nil {
		return fail(stderr, err)
	}
	defer dst.Close()
	n, err := dst.Import(ctx, src)
	if err != nil {
		return fail(stderr, err)
	}
	_ = json.NewEncoder(stdout).Encode(map[string]any{"copied": n, "epoch": src.Epoch()})
	return exitOK
}
