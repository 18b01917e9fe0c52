package pgstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"fieldnotes/app/notebook"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one embedded, forward-only schema step: migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string // "0001_initial"
	sql     string
}

func (m migration) String() string { return m.name }

// migrations lists the embedded steps in version order.
func migrations() []migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic("pgstore: embedded migrations: " + err.Error())
	}
	var out []migration
	for _, e := range entries {
		name := strings.TrimSuffix(e.Name(), ".sql")
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			panic("pgstore: migration file without a number: " + e.Name())
		}
		body, _ := migrationFiles.ReadFile("migrations/" + e.Name())
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// migrateLock is the advisory lock key taken while migrating, so two
// replicas starting together apply each step once ("fieldhub" in ASCII).
const migrateLock int64 = 0x6669656c64687562

// Migrate applies the embedded migrations the database lacks, each in its
// own transaction, holding an advisory lock so concurrent callers wait for
// each other. It returns the names of the steps it applied.
func Migrate(ctx context.Context, url string) ([]string, error) {
	pool, err := connect(ctx, url, 2)
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	return migrate(ctx, pool)
}

func migrate(ctx context.Context, pool *pgxpool.Pool) ([]string, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, classify(err, "connect to migrate")
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return nil, classify(err, "take the migration lock")
	}
	defer func() { // best effort: the session lock also ends when the connection goes back
		_, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock)
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, classify(err, "create schema_migrations")
	}
	applied, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}
	if err := newerThanUs(applied); err != nil {
		return nil, err
	}
	var done []string
	for _, m := range migrations() {
		if _, ok := applied[m.version]; ok {
			continue
		}
		err := pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name)
			return err
		})
		if err != nil {
			return done, notebook.Wrap(notebook.Internal, err, "migration %s failed (nothing of it was applied): %v", m.name, err)
		}
		done = append(done, m.name)
	}
	return done, nil
}

func appliedMigrations(ctx context.Context, conn *pgx.Conn) (map[int]string, error) {
	rows, err := conn.Query(ctx, "SELECT version, name FROM schema_migrations")
	if err != nil {
		return nil, classify(err, "read schema_migrations")
	}
	applied := map[int]string{}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return nil, classify(err, "read schema_migrations")
		}
		applied[v] = name
	}
	return applied, classify(rows.Err(), "read schema_migrations")
}

// newerThanUs refuses a database migrated by a newer fieldhub: this binary
// does not know what those steps changed.
func newerThanUs(applied map[int]string) error {
	known := map[int]bool{}
	for _, m := range migrations() {
		known[m.version] = true
	}
	for v, name := range applied {
		if !known[v] {
			return notebook.Errorf(notebook.Conflict, "the database has schema migration %s, which this fieldhub does not know: a newer fieldhub migrated it; run that version (or newer) instead", name)
		}
	}
	return nil
}

// checkSchema tells a database that needs `fieldhub migrate` (or is newer
// than this binary) from one that is ready, naming the migration.
func checkSchema(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return classify(err, "connect")
	}
	defer conn.Release()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return classify(err, "check the schema")
	}
	all := migrations()
	if !exists {
		return notebook.Errorf(notebook.Conflict, "the database has no fieldhub schema (migration %s is missing): run `fieldhub migrate --db URL` first", all[0].name)
	}
	applied, err := appliedMigrations(ctx, conn.Conn())
	if err != nil {
		return err
	}
	if err := newerThanUs(applied); err != nil {
		return err
	}
	for _, m := range all {
		if _, ok := applied[m.version]; !ok {
			return notebook.Errorf(notebook.Conflict, "the database schema is old: migration %s is not applied; run `fieldhub migrate --db URL`", m.name)
		}
	}
	return nil
}

// SchemaVersion is the newest migration this binary carries.
func SchemaVersion() string {
	all := migrations()
	return fmt.Sprint(all[len(all)-1].name)
}
