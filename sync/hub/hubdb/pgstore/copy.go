package pgstore

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// Import copies a whole data set from src into this database in one
// transaction: epoch, users with their token hashes, clients with their
// counters, scope heads and horizons, records with their seqs, documents
// and jobs, so
// notebooks keep their tokens and cursors. The database must hold no hub
// data yet (a fresh `fieldhub migrate`); it returns how many records it
// copied.
func (s *Store) Import(ctx context.Context, src hubdb.Dumper) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	sink := &importSink{ctx: ctx}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		sink.tx = tx
		var used bool
		if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM scopes) OR EXISTS (SELECT 1 FROM clients)").Scan(&used); err != nil {
			return err
		}
		if used {
			return notebook.Errorf(notebook.Conflict, "the target database already holds hub data; copy into an empty database (createdb, then fieldhub migrate)")
		}
		if err := src.Dump(ctx, sink); err != nil {
			return err
		}
		return sink.flush()
	})
	if err != nil {
		return 0, classify(err, "copy into PostgreSQL")
	}
	s.epoch = sink.epoch
	return sink.records, nil
}

type importSink struct {
	ctx     context.Context
	tx      pgx.Tx
	epoch   string
	rows    [][]any
	records int
}

func (k *importSink) Epoch(epoch string) error {
	k.epoch = epoch
	_, err := k.tx.Exec(k.ctx, "UPDATE meta SET value = $1 WHERE key = 'epoch'", epoch)
	return err
}

func (k *importSink) User(u hubdb.User, hashes [][32]byte) error {
	if _, err := k.tx.Exec(k.ctx, "INSERT INTO users (id, email, role, created_at, revoked) VALUES ($1, $2, $3, $4, $5)",
		u.ID, u.Email, string(u.Role), u.CreatedAt, u.Revoked); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := k.tx.Exec(k.ctx, "INSERT INTO tokens (hash, user_id) VALUES ($1, $2)", h[:], u.ID); err != nil {
			return err
		}
	}
	return nil
}

func (k *importSink) Client(clientID, userID string, last uint64) error {
	_, err := k.tx.Exec(k.ctx, "INSERT INTO clients (client_id, user_id, last_mutation_id) VALUES ($1, $2, $3)", clientID, userID, int64(last))
	return err
}

func (k *importSink) Scope(scope string, head, horizon uint64) error {
	_, err := k.tx.Exec(k.ctx, "INSERT INTO scopes (scope, head, horizon) VALUES ($1, $2, $3)", scope, int64(head), int64(horizon))
	return err
}

func (k *importSink) Doc(ns, key string, val []byte) error {
	if err := k.flush(); err != nil { // the records come first
		return err
	}
	_, err := k.tx.Exec(k.ctx, "INSERT INTO docs (ns, key, value) VALUES ($1, $2, $3)", ns, key, val)
	return err
}

func (k *importSink) Job(j hubdb.Job, dead bool) error {
	payload := j.Payload
	if payload == nil {
		payload = []byte{}
	}
	_, err := k.tx.Exec(k.ctx, `INSERT INTO jobs (queue, id, key, payload, attempts, created_at, last_error, dead)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, j.Queue, j.ID, j.Key, payload, j.Attempts, j.CreatedAt, j.LastError, dead)
	return err
}

// importBatch is how many records one COPY sends.
const importBatch = 5000

func (k *importSink) Record(rec hubdb.Record) error {
	env, hub, err := hubdb.EncodeParts(&rec)
	if err != nil {
		return err
	}
	k.rows = append(k.rows, []any{rec.ID, rec.Scope, int64(rec.Seq), rec.Deleted, rec.UpdatedAt.UTC().Truncate(time.Millisecond), env, hub})
	k.records++
	if len(k.rows) >= importBatch {
		return k.flush()
	}
	return nil
}

func (k *importSink) flush() error {
	if len(k.rows) == 0 {
		return nil
	}
	_, err := k.tx.CopyFrom(k.ctx, pgx.Identifier{"records"}, []string{"id", "scope", "seq", "deleted", "updated_at", "envelope", "hub"}, pgx.CopyFromRows(k.rows))
	k.rows = k.rows[:0]
	return err
}
