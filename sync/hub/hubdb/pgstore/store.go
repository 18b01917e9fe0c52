package pgstore

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// Options configure Open.
type Options struct {
	URL string // postgres://user:pass@host:5432/db?sslmode=…
	// Migrate applies missing migrations first (fieldhub serve does, under
	// an advisory lock); otherwise an old schema is refused with a message
	// naming the missing migration.
	Migrate  bool
	MaxConns int32 // pool size (default 16)
	Logger   *slog.Logger
	// OpTimeout bounds each store call, so an unreachable database makes a
	// request fail (503) instead of hanging (default 10 s).
	OpTimeout time.Duration
}

// Store is the PostgreSQL hubdb.Store.
type Store struct {
	pool    *pgxpool.Pool
	url     string
	epoch   string
	log     *slog.Logger
	timeout time.Duration
	wake    wakeCounters
}

var _ hubdb.Store = (*Store)(nil)

// Open connects, checks (or migrates) the schema and reads the epoch. An
// unreachable database is a notebook.Unavailable error saying so.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.MaxConns <= 0 {
		opts.MaxConns = 16
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = 10 * time.Second
	}
	pool, err := connect(ctx, opts.URL, opts.MaxConns)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, classify(err, "connect to the database "+Redact(opts.URL))
	}
	if opts.Migrate {
		if done, err := migrate(ctx, pool); err != nil {
			pool.Close()
			return nil, err
		} else if len(done) > 0 {
			opts.Logger.Info("database migrated", "applied", done)
		}
	} else if err := checkSchema(ctx, pool); err != nil {
		pool.Close()
		return nil, err
	}
	s := &Store{pool: pool, url: opts.URL, log: opts.Logger, timeout: opts.OpTimeout}
	if err := pool.QueryRow(ctx, "SELECT value FROM meta WHERE key = 'epoch'").Scan(&s.epoch); err != nil {
		pool.Close()
		return nil, classify(err, "read the hub epoch")
	}
	return s, nil
}

func connect(ctx context.Context, url string, maxConns int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, notebook.Errorf(notebook.Invalid, "--db: not a PostgreSQL URL (postgres://user@host:5432/dbname): %v", strings.ReplaceAll(err.Error(), url, Redact(url)))
	}
	cfg.MaxConns = maxConns
	cfg.ConnConfig.ConnectTimeout = 3 * time.Second
	cfg.HealthCheckPeriod = 5 * time.Second
	cfg.ConnConfig.RuntimeParams["application_name"] = "fieldhub"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, classify(err, "connect to the database "+Redact(url))
	}
	return pool, nil
}

// Redact hides the password of a database URL for messages and logs.
func Redact(url string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok {
		return "(the database URL)"
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return url
	}
	user, _, _ := strings.Cut(rest[:at], ":")
	return scheme + "://" + user + ":***@" + rest[at+1:]
}

// Close closes the pool.
func (s *Store) Close() error { s.pool.Close(); return nil }

// Epoch identifies this data set.
func (s *Store) Epoch() string { return s.epoch }

// Ping checks the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return classify(s.pool.Ping(ctx), "ping the database")
}

// op bounds one store call.
func (s *Store) op(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.timeout)
}

// classify turns a driver error into a notebook error: a database that
// cannot be reached (refused, reset, shutting down, timed out) is
// Unavailable, so the hub answers 503 and clients retry, as is a
// transaction the database aborted to break a deadlock; anything else is
// Internal. notebook errors pass through.
func classify(err error, what string) error {
	if err == nil {
		return nil
	}
	var ne *notebook.Error
	if errors.As(err, &ne) {
		return err
	}
	if unreachable(err) {
		return notebook.Wrap(notebook.Unavailable, err, "the hub's database is unreachable (%s: %v); try again shortly", what, err)
	}
	if retryable(err) { // a deadlock broken or a serialisation conflict: the same request will pass
		return notebook.Wrap(notebook.Unavailable, err, "the hub's database aborted a conflicting transaction (%s); try again", what)
	}
	return notebook.Wrap(notebook.Internal, err, "%s: %v", what, err)
}

func unreachable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		c := pgErr.Code
		return strings.HasPrefix(c, "08") || strings.HasPrefix(c, "53") || c == "57P01" || c == "57P02" || c == "57P03"
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connectErr), errors.As(err, &netErr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, context.DeadlineExceeded), pgconn.Timeout(err), pgconn.SafeToRetry(err):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "connection") || strings.Contains(msg, "closed pool")
}

// ---- users and clients ----

// usersLock serialises user creation across replicas (the email check).
const usersLock int64 = 0x6669656c64757372

// CreateUser stores u and the hash of its token; a live user with the same
// email (case-insensitive) is a Conflict.
func (s *Store) CreateUser(ctx context.Context, u hubdb.User, tokenHash [32]byte) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", usersLock); err != nil {
			return err
		}
		var other string
		err := tx.QueryRow(ctx, "SELECT id FROM users WHERE lower(email) = lower($1) AND NOT revoked", u.Email).Scan(&other)
		if err == nil {
			return notebook.Errorf(notebook.Conflict, "a user with email %s exists (id %s); revoke it first", u.Email, other)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, "INSERT INTO users (id, email, role, created_at, revoked) VALUES ($1, $2, $3, $4, $5)",
			u.ID, u.Email, string(u.Role), u.CreatedAt, u.Revoked); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO tokens (hash, user_id) VALUES ($1, $2)", tokenHash[:], u.ID)
		return err
	})
	return classify(err, "create user")
}

// SetUserToken replaces a user's tokens with one new token and stores u
// (so a revoked user comes back with the same id and client bindings).
func (s *Store) SetUserToken(ctx context.Context, u hubdb.User, tokenHash [32]byte) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", usersLock); err != nil {
			return err
		}
		var other string
		err := tx.QueryRow(ctx, "SELECT id FROM users WHERE lower(email) = lower($1) AND NOT revoked AND id <> $2", u.Email, u.ID).Scan(&other)
		if err == nil {
			return notebook.Errorf(notebook.Conflict, "a user with email %s exists (id %s); revoke it first", u.Email, other)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		tag, err := tx.Exec(ctx, "UPDATE users SET email = $2, role = $3, revoked = $4 WHERE id = $1", u.ID, u.Email, string(u.Role), u.Revoked)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notebook.Errorf(notebook.NotFound, "no user %q", u.ID)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM tokens WHERE user_id = $1", u.ID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "INSERT INTO tokens (hash, user_id) VALUES ($1, $2)", tokenHash[:], u.ID)
		return err
	})
	return classify(err, "set user token")
}

// ListUsers returns every user, revoked ones included, oldest first.
func (s *Store) ListUsers(ctx context.Context) ([]hubdb.User, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, "SELECT id, email, role, created_at, revoked FROM users ORDER BY created_at, id")
	if err != nil {
		return nil, classify(err, "list users")
	}
	users, err := pgx.CollectRows(rows, scanUser)
	return users, classify(err, "list users")
}

func scanUser(row pgx.CollectableRow) (hubdb.User, error) {
	var u hubdb.User
	var role string
	err := row.Scan(&u.ID, &u.Email, &role, &u.CreatedAt, &u.Revoked)
	u.Role, u.CreatedAt = hubdb.Role(role), u.CreatedAt.UTC()
	return u, err
}

// RevokeUser marks the user revoked and deletes its token hashes, so its
// tokens stop working at once on every replica.
func (s *Store) RevokeUser(ctx context.Context, id string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, "UPDATE users SET revoked = true WHERE id = $1", id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return notebook.Errorf(notebook.NotFound, "no user %q", id)
		}
		_, err = tx.Exec(ctx, "DELETE FROM tokens WHERE user_id = $1", id)
		return err
	})
	return classify(err, "revoke user")
}

// UserByToken finds the live user with this token hash (NotFound otherwise).
func (s *Store) UserByToken(ctx context.Context, tokenHash [32]byte) (hubdb.User, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.email, u.role, u.created_at, u.revoked
		FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1 AND NOT u.revoked`, tokenHash[:])
	if err != nil {
		return hubdb.User{}, classify(err, "look up token")
	}
	u, err := pgx.CollectExactlyOneRow(rows, scanUser)
	if errors.Is(err, pgx.ErrNoRows) {
		return hubdb.User{}, notebook.Errorf(notebook.NotFound, "unknown or revoked token")
	}
	return u, classify(err, "look up token")
}

// BindClient binds clientID to userID on first use; a client bound to
// another user is Forbidden.
func (s *Store) BindClient(ctx context.Context, clientID, userID string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var owner string
	err := s.pool.QueryRow(ctx, `WITH ins AS (
			INSERT INTO clients (client_id, user_id) VALUES ($1, $2) ON CONFLICT (client_id) DO NOTHING RETURNING user_id)
		SELECT user_id FROM ins UNION ALL SELECT user_id FROM clients WHERE client_id = $1 LIMIT 1`, clientID, userID).Scan(&owner)
	if errors.Is(err, pgx.ErrNoRows) { // a concurrent first bind committed after our snapshot
		err = s.pool.QueryRow(ctx, "SELECT user_id FROM clients WHERE client_id = $1", clientID).Scan(&owner)
	}
	if err != nil {
		return classify(err, "bind client")
	}
	if owner != userID {
		return notebook.Errorf(notebook.Forbidden, "client_id %s belongs to another user; each installation needs its own client_id", clientID)
	}
	return nil
}
