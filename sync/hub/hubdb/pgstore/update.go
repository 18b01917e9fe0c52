package pgstore

import (
	"context"
	"errors"
	"maps"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// ChangeChannel is the LISTEN/NOTIFY channel a commit that wrote records
// notifies, once per commit (PostgreSQL serialises commits that notify, so
// never once per record), with its time and the scopes it changed.
const ChangeChannel = "fieldhub_changes"

// pgTx is an Update transaction. Writes are kept in memory until the end,
// then sent in one round trip (records, client counters, scope heads and
// the change notification), so a push of 500 mutations costs a handful of
// round trips rather than three per mutation.
type pgTx struct {
	docTx
	heads   map[string]uint64 // locked scopes → head seq, advanced by Apply
	records map[string]*pending
	order   []string          // record ids in first-write order
	clients map[string]uint64 // client → last mutation id
	changed map[string]bool
	fetched map[string]*hubdb.Record // Prefetch: current versions, nil for never written
}

type pending struct {
	rec           hubdb.Record
	envelope, hub []byte
}

// Update locks the scopes' head rows (user scopes sorted, then org: one
// global order, so replicas cannot deadlock), runs fn, writes its effects
// and commits. The commit is durable (synchronous_commit) before it returns.
func (s *Store) Update(ctx context.Context, scopes []string, fn func(hubdb.Tx) error) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return classify(err, "begin update")
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }() // a no-op after Commit
	t := &pgTx{docTx: docTx{ctx: ctx, tx: tx}, records: map[string]*pending{}, clients: map[string]uint64{}, changed: map[string]bool{}}
	if t.heads, err = lockScopes(ctx, tx, scopes); err != nil {
		return classify(err, "lock scopes")
	}
	if err := fn(t); err != nil {
		return classify(err, "update")
	}
	if err := t.flush(); err != nil {
		return classify(err, "write push")
	}
	return classify(tx.Commit(ctx), "commit push")
}

// lockOrder sorts scopes the way every writer locks them: user scopes by
// name, org last (as the Badger store does).
func lockOrder(scopes []string) []string {
	out := append([]string(nil), scopes...)
	sort.Slice(out, func(i, j int) bool {
		oi, oj := out[i] == syncproto.OrgScope, out[j] == syncproto.OrgScope
		if oi != oj {
			return oj
		}
		return out[i] < out[j]
	})
	uniq := out[:0]
	for i, s := range out {
		if i == 0 || s != out[i-1] {
			uniq = append(uniq, s)
		}
	}
	return uniq
}

const lockScopesSQL = `SELECT scope, head FROM scopes WHERE scope = ANY($1)
	ORDER BY scope = 'org', scope FOR UPDATE`

// lockScopes takes the head rows' locks in lockOrder (FOR UPDATE locks rows
// in the ORDER BY's order), creating rows for scopes never written.
func lockScopes(ctx context.Context, tx pgx.Tx, scopes []string) (map[string]uint64, error) {
	ordered := lockOrder(scopes)
	heads, err := readHeads(ctx, tx, ordered)
	if err != nil || len(heads) == len(ordered) {
		return heads, err
	}
	if _, err := tx.Exec(ctx, "INSERT INTO scopes (scope) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", ordered); err != nil {
		return nil, err
	}
	return readHeads(ctx, tx, ordered)
}

func readHeads(ctx context.Context, tx pgx.Tx, scopes []string) (map[string]uint64, error) {
	rows, err := tx.Query(ctx, lockScopesSQL, scopes)
	if err != nil {
		return nil, err
	}
	heads := map[string]uint64{}
	var scope string
	var head int64
	_, err = pgx.ForEachRow(rows, []any{&scope, &head}, func() error { heads[scope] = uint64(head); return nil })
	return heads, err
}

// Prefetch reads the current versions of ids in one query; Get answers
// from them. The push's scopes are locked, so no version of theirs can
// change before this transaction ends.
func (t *pgTx) Prefetch(ids []string) error {
	rows, err := t.tx.Query(t.ctx, "SELECT envelope, hub FROM records WHERE id = ANY($1)", ids)
	if err != nil {
		return classify(err, "read records")
	}
	if t.fetched == nil {
		t.fetched = make(map[string]*hubdb.Record, len(ids))
	}
	for _, id := range ids {
		t.fetched[id] = nil
	}
	var env, hub []byte
	_, err = pgx.ForEachRow(rows, []any{&env, &hub}, func() error {
		rec, err := hubdb.DecodeParts(env, hub)
		if err == nil {
			t.fetched[rec.ID] = &rec
		}
		return err
	})
	return classify(err, "read records")
}

func (t *pgTx) Get(id string) (hubdb.Record, bool, error) {
	if p, ok := t.records[id]; ok {
		return p.rec, true, nil
	}
	if rec, ok := t.fetched[id]; ok {
		if rec == nil {
			return hubdb.Record{}, false, nil
		}
		return cloneRecord(*rec), true, nil
	}
	var env, hub []byte
	err := t.tx.QueryRow(t.ctx, "SELECT envelope, hub FROM records WHERE id = $1", id).Scan(&env, &hub)
	if errors.Is(err, pgx.ErrNoRows) {
		return hubdb.Record{}, false, nil
	}
	if err != nil {
		return hubdb.Record{}, false, classify(err, "read record")
	}
	rec, err := hubdb.DecodeParts(env, hub)
	return rec, err == nil, classify(err, "decode record")
}

func (t *pgTx) LastMutationID(clientID string) (uint64, error) {
	if n, ok := t.clients[clientID]; ok {
		return n, nil
	}
	var n int64
	err := t.tx.QueryRow(t.ctx, "SELECT last_mutation_id FROM clients WHERE client_id = $1", clientID).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return uint64(n), classify(err, "read client state")
}

func (t *pgTx) Apply(clientID string, lastID uint64, rec *hubdb.Record) error {
	head, locked := uint64(0), false
	if rec != nil {
		if head, locked = t.heads[rec.Scope]; !locked {
			return notebook.Errorf(notebook.Internal, "hubdb: write to scope %s outside the locked scopes", rec.Scope)
		}
	}
	t.clients[clientID] = lastID
	if rec == nil {
		return nil
	}
	rec.Seq = head + 1
	t.heads[rec.Scope] = rec.Seq
	env, hub, err := hubdb.EncodeParts(rec)
	if err != nil {
		return classify(err, "encode record")
	}
	if _, seen := t.records[rec.ID]; !seen {
		t.order = append(t.order, rec.ID)
	}
	t.records[rec.ID] = &pending{rec: *rec, envelope: env, hub: hub}
	t.changed[rec.Scope] = true
	return nil
}

const (
	upsertRecordsSQL = `INSERT INTO records (id, scope, seq, deleted, updated_at, envelope, hub)
		SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::boolean[], $5::timestamptz[], $6::bytea[], $7::bytea[])
		ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, seq = excluded.seq, deleted = excluded.deleted,
			updated_at = excluded.updated_at, envelope = excluded.envelope, hub = excluded.hub`
	upsertClientsSQL = `INSERT INTO clients (client_id, user_id, last_mutation_id)
		SELECT c, '', n FROM unnest($1::text[], $2::bigint[]) AS v(c, n)
		ON CONFLICT (client_id) DO UPDATE SET last_mutation_id = excluded.last_mutation_id`
	updateHeadsSQL = `UPDATE scopes SET head = v.head FROM unnest($1::text[], $2::bigint[]) AS v(scope, head)
		WHERE scopes.scope = v.scope`
)

// flush sends the transaction's writes in one batch.
func (t *pgTx) flush() error {
	batch := &pgx.Batch{}
	t.queueDocs(batch)
	if len(t.records) > 0 {
		n := len(t.order)
		ids, scopes, seqs := make([]string, n), make([]string, n), make([]int64, n)
		deleted, updated := make([]bool, n), make([]time.Time, n)
		envs, hubs := make([][]byte, n), make([][]byte, n)
		for i, id := range t.order {
			p := t.records[id]
			ids[i], scopes[i], seqs[i], deleted[i] = id, p.rec.Scope, int64(p.rec.Seq), p.rec.Deleted
			updated[i] = p.rec.UpdatedAt.UTC().Truncate(time.Millisecond)
			envs[i], hubs[i] = p.envelope, p.hub
		}
		batch.Queue(upsertRecordsSQL, ids, scopes, seqs, deleted, updated, envs, hubs)
		var changed, heads []string
		var headSeqs []int64
		for scope := range t.changed {
			changed = append(changed, scope)
			heads, headSeqs = append(heads, scope), append(headSeqs, int64(t.heads[scope]))
		}
		sort.Strings(changed)
		batch.Queue(updateHeadsSQL, heads, headSeqs)
		batch.Queue("SELECT pg_notify($1, $2)", ChangeChannel, notifyPayload(time.Now(), changed))
	}
	if len(t.clients) > 0 {
		var clients []string
		var lasts []int64
		for c, n := range t.clients {
			clients, lasts = append(clients, c), append(lasts, int64(n))
		}
		batch.Queue(upsertClientsSQL, clients, lasts)
	}
	if batch.Len() == 0 {
		return nil
	}
	return t.tx.SendBatch(t.ctx, batch).Close()
}

// cloneRecord copies the maps a caller may change (the merge rules patch
// a record's Data in place).
func cloneRecord(r hubdb.Record) hubdb.Record {
	r.Data = maps.Clone(r.Data)
	r.FieldHLC = maps.Clone(r.FieldHLC)
	r.FieldClient = maps.Clone(r.FieldClient)
	return r
}
