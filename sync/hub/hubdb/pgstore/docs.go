package pgstore

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// docTx is the document half of a transaction (UpdateDocs, ViewDocs, or
// an Update's Tx). Reads run in the database transaction; puts and deletes
// are kept in memory (reads see them) and written at the end in three
// statements, sent with the transaction's other writes, so a transaction
// of thousands of documents costs one round trip rather than one each.
//
// A key that a transaction reads or writes is held with a transaction
// advisory lock on (namespace, key), which holds absent keys too: GetDoc
// takes it before it reads, so it sees the latest committed value; written
// keys are locked at the end, in key order. Two transactions taking keys
// in opposite orders deadlock; PostgreSQL breaks that by failing one,
// which UpdateDocs runs again.
type docTx struct {
	ctx      context.Context
	tx       pgx.Tx
	readOnly bool
	writes   int
	bytes    int
	pending  map[docName]*[]byte // written docs: the value, nil for deleted
}

type docName struct{ ns, key string }

// keyLockSQL holds (ns, key) until the transaction ends. A namespace has
// no '/', so ns/key names one key.
const keyLockSQL = "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2, 0))"

func (d *docTx) count(ns, key string, val []byte) error {
	if d.readOnly {
		return notebook.Errorf(notebook.Internal, "hubdb: write in a read-only document view")
	}
	d.writes++
	d.bytes += len(ns) + len(key) + len(val) + 3
	if d.writes > hubdb.MaxDocWrites || d.bytes > hubdb.MaxDocTxBytes {
		return hubdb.ErrTooBigDocTx()
	}
	return nil
}

func checkName(ns, key string) error {
	if err := hubdb.ValidNamespace(ns); err != nil {
		return err
	}
	return hubdb.ValidKey("key", key)
}

func (d *docTx) GetDoc(ns, key string) ([]byte, bool, error) {
	if err := checkName(ns, key); err != nil {
		return nil, false, err
	}
	if v, ok := d.pending[docName{ns, key}]; ok {
		if *v == nil {
			return nil, false, nil
		}
		return bytes.Clone(*v), true, nil
	}
	batch := &pgx.Batch{}
	if !d.readOnly {
		batch.Queue(keyLockSQL, ns, key)
	}
	var val []byte
	found := false
	batch.Queue("SELECT value FROM docs WHERE ns = $1 AND key = $2", ns, key).QueryRow(func(row pgx.Row) error {
		err := row.Scan(&val)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	if err := d.tx.SendBatch(d.ctx, batch).Close(); err != nil {
		return nil, false, classify(err, "read document")
	}
	if found && val == nil {
		val = []byte{}
	}
	return val, found, nil
}

func (d *docTx) ScanDocs(ns, from, to string, limit int) ([]hubdb.Doc, error) {
	if err := hubdb.ValidNamespace(ns); err != nil {
		return nil, err
	}
	if err := d.flushDocs(); err != nil { // the scan sees this transaction's writes
		return nil, err
	}
	sql := "SELECT key, value FROM docs WHERE ns = $1 AND key >= $2 AND ($3 = '' OR key < $3) ORDER BY key"
	args := []any{ns, from, to}
	if limit > 0 {
		sql += " LIMIT $4"
		args = append(args, limit)
	}
	rows, err := d.tx.Query(d.ctx, sql, args...)
	if err != nil {
		return nil, classify(err, "scan documents")
	}
	docs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hubdb.Doc, error) {
		var doc hubdb.Doc
		err := row.Scan(&doc.Key, &doc.Value)
		if doc.Value == nil {
			doc.Value = []byte{}
		}
		return doc, err
	})
	if len(docs) == 0 {
		docs = nil
	}
	return docs, classify(err, "scan documents")
}

func (d *docTx) PutDoc(ns, key string, val []byte) error {
	if err := checkName(ns, key); err != nil {
		return err
	}
	if len(val) > hubdb.MaxDocBytes {
		return notebook.Errorf(notebook.Invalid, "hubdb: document %s/%s is %d bytes; the limit is %d", ns, key[:min(len(key), 40)], len(val), hubdb.MaxDocBytes)
	}
	if err := d.count(ns, key, val); err != nil {
		return err
	}
	v := bytes.Clone(val)
	if v == nil {
		v = []byte{}
	}
	d.write(ns, key, v)
	return nil
}

func (d *docTx) DeleteDoc(ns, key string) error {
	if err := checkName(ns, key); err != nil {
		return err
	}
	if err := d.count(ns, key, nil); err != nil {
		return err
	}
	d.write(ns, key, nil)
	return nil
}

func (d *docTx) write(ns, key string, val []byte) {
	if d.pending == nil {
		d.pending = map[docName]*[]byte{}
	}
	d.pending[docName{ns, key}] = &val
}

const (
	lockDocsSQL = `SELECT pg_advisory_xact_lock(hashtextextended(ns || '/' || key, 0))
		FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(ns, key, i) ORDER BY i`
	putDocsSQL = `INSERT INTO docs (ns, key, value) SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])
		ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value`
	deleteDocsSQL = `DELETE FROM docs d USING unnest($1::text[], $2::text[]) AS k(ns, key)
		WHERE d.ns = k.ns AND d.key = k.key`
)

// queueDocs adds the pending document writes to batch: lock every written
// key (in key order), then the puts, then the deletes.
func (d *docTx) queueDocs(batch *pgx.Batch) {
	if len(d.pending) == 0 {
		return
	}
	names := make([]docName, 0, len(d.pending))
	for n := range d.pending {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if names[i].ns != names[j].ns {
			return names[i].ns < names[j].ns
		}
		return names[i].key < names[j].key
	})
	var lockNS, lockKeys, putNS, putKeys, delNS, delKeys []string
	var putVals [][]byte
	for _, n := range names {
		lockNS, lockKeys = append(lockNS, n.ns), append(lockKeys, n.key)
		if v := *d.pending[n]; v != nil {
			putNS, putKeys, putVals = append(putNS, n.ns), append(putKeys, n.key), append(putVals, v)
		} else {
			delNS, delKeys = append(delNS, n.ns), append(delKeys, n.key)
		}
	}
	batch.Queue(lockDocsSQL, lockNS, lockKeys)
	if len(putNS) > 0 {
		batch.Queue(putDocsSQL, putNS, putKeys, putVals)
	}
	if len(delNS) > 0 {
		batch.Queue(deleteDocsSQL, delNS, delKeys)
	}
	d.pending = nil
}

// flushDocs writes the pending documents now (before a scan, and at the end
// of UpdateDocs).
func (d *docTx) flushDocs() error {
	batch := &pgx.Batch{}
	d.queueDocs(batch)
	if batch.Len() == 0 {
		return nil
	}
	return classify(d.tx.SendBatch(d.ctx, batch).Close(), "write documents")
}

// ViewDocs runs fn on one snapshot (REPEATABLE READ, read-only).
func (s *Store) ViewDocs(ctx context.Context, fn func(hubdb.DocReader) error) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return fn(&docTx{ctx: ctx, tx: tx, readOnly: true})
	})
	return classify(err, "read documents")
}

// docAttempts is how often UpdateDocs runs fn when PostgreSQL breaks a
// deadlock or a serialisation conflict by failing the transaction.
const docAttempts = 5

// UpdateDocs runs fn in one transaction and commits; fn runs again when
// the database failed the transaction to break a deadlock.
func (s *Store) UpdateDocs(ctx context.Context, fn func(hubdb.DocTx) error) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var err error
	for attempt := 1; attempt <= docAttempts; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			d := &docTx{ctx: ctx, tx: tx}
			if err := fn(d); err != nil {
				return err
			}
			return d.flushDocs()
		})
		if !retryable(err) {
			break
		}
		time.Sleep(time.Duration(attempt) * 5 * time.Millisecond)
	}
	return classify(err, "update documents")
}

// retryable: the database aborted the transaction to break a deadlock or
// a serialisation conflict; running it again may succeed.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// ---- work queues ----

func (d *docTx) Enqueue(queue string, job hubdb.NewJob) error {
	if err := hubdb.ValidNamespace(queue); err != nil {
		return err
	}
	if err := hubdb.ValidKey("job id", job.ID); err != nil {
		return err
	}
	if err := hubdb.ValidKey("job key", job.Key); err != nil {
		return err
	}
	if len(job.Payload) > hubdb.MaxDocBytes {
		return notebook.Errorf(notebook.Invalid, "hubdb: job %s is %d bytes; the limit is %d", job.ID, len(job.Payload), hubdb.MaxDocBytes)
	}
	if err := d.count(queue, job.ID, job.Payload); err != nil {
		return err
	}
	payload := job.Payload
	if payload == nil {
		payload = []byte{}
	}
	tag, err := d.tx.Exec(d.ctx, `INSERT INTO jobs (queue, id, key, payload) VALUES ($1, $2, $3, $4)
		ON CONFLICT (queue, id) DO NOTHING`, queue, job.ID, job.Key, payload)
	if err != nil {
		return classify(err, "enqueue")
	}
	if tag.RowsAffected() == 0 {
		return notebook.Errorf(notebook.Conflict, "hubdb: job %s already in queue %s", job.ID, queue)
	}
	return nil
}

func (d *docTx) DeleteJobs(queue, key string) error {
	if err := hubdb.ValidNamespace(queue); err != nil {
		return err
	}
	if err := hubdb.ValidKey("job key", key); err != nil {
		return err
	}
	tag, err := d.tx.Exec(d.ctx, "DELETE FROM jobs WHERE queue = $1 AND key = $2", queue, key)
	if err != nil {
		return classify(err, "delete jobs")
	}
	for i := int64(0); i < tag.RowsAffected(); i++ {
		if err := d.count(queue, key, nil); err != nil {
			return err
		}
	}
	return nil
}

// claimSQL leases the oldest live job of up to $3 keys. Rows another
// claimer holds are skipped (SKIP LOCKED); a row that changed while we
// waited is re-checked against the WHERE clause (READ COMMITTED), so a job
// just leased by another replica is never handed out twice.
const claimSQL = `WITH heads AS (
		SELECT DISTINCT ON (key) id FROM jobs WHERE queue = $1 AND NOT dead ORDER BY key, n),
	picked AS (
		SELECT j.id FROM jobs j JOIN heads h ON j.queue = $1 AND j.id = h.id
		WHERE NOT j.dead AND j.not_before <= now() AND (j.worker = '' OR j.lease_until <= now())
		ORDER BY j.key LIMIT $3
		FOR UPDATE OF j SKIP LOCKED)
	UPDATE jobs SET attempts = jobs.attempts + 1, worker = $2, lease_until = now() + make_interval(secs => $4)
	FROM picked WHERE jobs.queue = $1 AND jobs.id = picked.id
	RETURNING jobs.id, jobs.key, jobs.payload, jobs.attempts, jobs.created_at, jobs.last_error`

// Claim leases up to n due jobs of queue to worker, one per key.
func (s *Store) Claim(ctx context.Context, queue, worker string, n int, lease time.Duration) ([]hubdb.Job, error) {
	if err := hubdb.ValidNamespace(queue); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, claimSQL, queue, worker, n, lease.Seconds())
	if err != nil {
		return nil, classify(err, "claim jobs")
	}
	jobs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (hubdb.Job, error) {
		j := hubdb.Job{Queue: queue}
		err := row.Scan(&j.ID, &j.Key, &j.Payload, &j.Attempts, &j.CreatedAt, &j.LastError)
		j.CreatedAt = j.CreatedAt.UTC()
		return j, err
	})
	if len(jobs) == 0 {
		jobs = nil
	}
	return jobs, classify(err, "claim jobs")
}

// leased runs sql (which must match only a live job leased to worker:
// "… WHERE queue = $1 AND id = $2 AND worker = $3 AND NOT dead") and
// tells a job that is gone (NotFound) from one no longer leased to worker
// (Conflict).
func (s *Store) leased(ctx context.Context, queue, id, worker, sql string, args ...any) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	tag, err := s.pool.Exec(ctx, sql, append([]any{queue, id, worker}, args...)...)
	if err != nil {
		return classify(err, "update job")
	}
	if tag.RowsAffected() > 0 {
		return nil
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM jobs WHERE queue = $1 AND id = $2)", queue, id).Scan(&exists); err != nil {
		return classify(err, "update job")
	}
	if !exists {
		return notebook.Errorf(notebook.NotFound, "hubdb: no job %s in queue %s", id, queue)
	}
	return notebook.Errorf(notebook.Conflict, "hubdb: job %s is no longer leased to %s", id, worker)
}

const leasedWhere = " WHERE queue = $1 AND id = $2 AND worker = $3 AND NOT dead"

// Ack deletes a delivered job.
func (s *Store) Ack(ctx context.Context, queue, jobID, worker string) error {
	return s.leased(ctx, queue, jobID, worker, "DELETE FROM jobs"+leasedWhere)
}

// Retry makes the job due again after the delay (database clock).
func (s *Store) Retry(ctx context.Context, queue, jobID, worker string, after time.Duration, lastError string) error {
	return s.leased(ctx, queue, jobID, worker, `UPDATE jobs SET worker = '', lease_until = NULL, last_error = $4,
		not_before = now() + make_interval(secs => $5)`+leasedWhere, lastError, after.Seconds())
}

// Bury keeps the job as dead, never claimed again.
func (s *Store) Bury(ctx context.Context, queue, jobID, worker, lastError string) error {
	return s.leased(ctx, queue, jobID, worker, "UPDATE jobs SET dead = true, worker = '', lease_until = NULL, last_error = $4"+leasedWhere, lastError)
}

// QueueStats counts pending (including leased) and dead jobs per key.
func (s *Store) QueueStats(ctx context.Context, queue string) (map[string]hubdb.QueueStat, error) {
	if err := hubdb.ValidNamespace(queue); err != nil {
		return nil, err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.pool.Query(ctx, `SELECT key, count(*) FILTER (WHERE NOT dead), count(*) FILTER (WHERE dead)
		FROM jobs WHERE queue = $1 GROUP BY key`, queue)
	if err != nil {
		return nil, classify(err, "queue stats")
	}
	stats := map[string]hubdb.QueueStat{}
	var key string
	var st hubdb.QueueStat
	_, err = pgx.ForEachRow(rows, []any{&key, &st.Pending, &st.Dead}, func() error { stats[key] = st; return nil })
	return stats, classify(err, "queue stats")
}
