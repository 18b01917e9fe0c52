package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"fieldnotes/sync/hub/hubdb"
)

// Pull reads one page from one snapshot (a REPEATABLE READ, read-only
// transaction): scopes in name order, records in seq order within a scope,
// at most q.Limit records and about q.MaxBytes of envelopes — the same
// paging as the Badger store.
func (s *Store) Pull(ctx context.Context, q hubdb.PullQuery) (hubdb.PullPage, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	page := hubdb.PullPage{Next: map[string]uint64{}}
	if q.MaxBytes <= 0 {
		q.MaxBytes = hubdb.DefaultPageBytes
	}
	for sc, n := range q.After {
		page.Next[sc] = n
	}
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		heads, _, err := readScopes(ctx, tx, q.Scopes)
		if err != nil {
			return err
		}
		scopes := q.Scopes
		if scopes == nil {
			for sc := range heads {
				scopes = append(scopes, sc)
			}
		}
		sort.Strings(scopes)
		budget := pageBudget{records: q.Limit, bytes: q.MaxBytes}
		for _, scope := range scopes {
			if heads[scope] <= page.Next[scope] {
				continue
			}
			if budget.full(len(page.Records)) {
				page.HasMore = true
				break
			}
			if err := pullScope(ctx, tx, scope, &budget, &page); err != nil {
				return err
			}
		}
		if q.ClientID != "" {
			var last int64
			err := tx.QueryRow(ctx, "SELECT last_mutation_id FROM clients WHERE client_id = $1", q.ClientID).Scan(&last)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			page.LastMutationID = uint64(last)
		}
		return nil
	})
	return page, classify(err, "pull")
}

type pageBudget struct{ records, bytes int }

func (b *pageBudget) full(n int) bool { return n >= b.records || n > 0 && b.bytes <= 0 }

// pullScope reads the scope's records after the cursor, one more than the
// page can take, so has_more is exact.
func pullScope(ctx context.Context, tx pgx.Tx, scope string, budget *pageBudget, page *hubdb.PullPage) error {
	room := budget.records - len(page.Records)
	rows, err := tx.Query(ctx, "SELECT seq, envelope FROM records WHERE scope = $1 AND seq > $2 ORDER BY seq LIMIT $3",
		scope, int64(page.Next[scope]), room+1)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if budget.full(len(page.Records)) {
			page.HasMore = true
			return nil
		}
		var seq int64
		var env []byte
		if err := rows.Scan(&seq, &env); err != nil {
			return err
		}
		page.Records = append(page.Records, json.RawMessage(env))
		budget.bytes -= len(env)
		page.Next[scope] = uint64(seq)
	}
	return rows.Err()
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// readScopes returns heads (scopes with a record ever written) and
// horizons (scopes with tombstones purged), like the Badger store's maps.
func readScopes(ctx context.Context, q querier, only []string) (heads, horizons map[string]uint64, err error) {
	sql, args := "SELECT scope, head, horizon FROM scopes", []any{}
	if only != nil {
		sql, args = sql+" WHERE scope = ANY($1)", []any{only}
	}
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, nil, err
	}
	heads, horizons = map[string]uint64{}, map[string]uint64{}
	var scope string
	var head, horizon int64
	_, err = pgx.ForEachRow(rows, []any{&scope, &head, &horizon}, func() error {
		if head > 0 {
			heads[scope] = uint64(head)
		}
		if horizon > 0 {
			horizons[scope] = uint64(horizon)
		}
		return nil
	})
	return heads, horizons, err
}

// Heads returns every scope's head seq and tombstone horizon.
func (s *Store) Heads(ctx context.Context) (heads, horizons map[string]uint64, err error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	heads, horizons, err = readScopes(ctx, s.pool, nil)
	return heads, horizons, classify(err, "read scope heads")
}

// PurgeTombstones deletes tombstones last written before cutoff, one scope
// per transaction under the scope's row lock, and raises the scope's
// horizon to the highest purged seq so that older cursors get 410.
func (s *Store) PurgeTombstones(ctx context.Context, cutoff time.Time) (int, error) {
	heads, _, err := s.Heads(ctx)
	if err != nil {
		return 0, err
	}
	total := 0
	for scope := range heads {
		n, err := s.purgeScope(ctx, scope, cutoff)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (s *Store) purgeScope(ctx context.Context, scope string, cutoff time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*s.timeout)
	defer cancel()
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT 1 FROM scopes WHERE scope = $1 FOR UPDATE", scope); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `WITH gone AS (
				DELETE FROM records WHERE scope = $1 AND deleted AND updated_at < $2 RETURNING seq),
			raised AS (
				UPDATE scopes SET horizon = GREATEST(horizon, (SELECT max(seq) FROM gone))
				WHERE scope = $1 AND EXISTS (SELECT 1 FROM gone))
			SELECT count(*) FROM gone`, scope, cutoff).Scan(&n)
	})
	return n, classify(err, "purge tombstones")
}
