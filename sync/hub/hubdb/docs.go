package hubdb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// ---- names ----

func validNamespace(ns string) error {
	if len(ns) == 0 || len(ns) > 64 {
		return notebook.Errorf(notebook.Invalid, "hubdb: namespace %q: want 1-64 bytes", ns)
	}
	for i := 0; i < len(ns); i++ {
		c := ns[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return notebook.Errorf(notebook.Invalid, "hubdb: namespace %q: only a-z 0-9 . _ -", ns)
		}
	}
	return nil
}

func validKey(what, key string) error {
	if len(key) == 0 || len(key) > 512 || !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		return notebook.Errorf(notebook.Invalid, "hubdb: %s %q: want 1-512 bytes of UTF-8 without NUL", what, truncateKey(key))
	}
	return nil
}

func truncateKey(k string) string {
	if len(k) > 40 {
		return k[:40] + "…"
	}
	return k
}

func docKey(ns, key string) []byte { return []byte("d/" + ns + "\x00" + key) }

// ---- document transactions ----

// docTxn is the document half of a Badger transaction (UpdateDocs, or an
// Update's Tx). lazyLock: take b.mu on first use (Update) rather than
// before fn runs (UpdateDocs, which takes it itself).
type docTxn struct {
	b        *Badger
	txn      *badger.Txn
	lazyLock bool
	locked   bool
	writes   int
	bytes    int
	readOnly bool
}

func (d *docTxn) lock() {
	if d.lazyLock && !d.locked {
		d.b.mu.Lock()
		d.locked = true
	}
}

func (d *docTxn) unlock() {
	if d.locked {
		d.b.mu.Unlock()
		d.locked = false
	}
}

func (d *docTxn) count(k, v []byte) error {
	if d.readOnly {
		return notebook.Errorf(notebook.Internal, "hubdb: write in a read-only document view")
	}
	d.writes++
	d.bytes += len(k) + len(v)
	if d.writes > MaxDocWrites || d.bytes > MaxDocTxBytes {
		return errTooBigDocTx()
	}
	return nil
}

func errTooBigDocTx() error {
	return notebook.Errorf(notebook.Invalid, "hubdb: document transaction over %d writes or %d bytes; split the work", MaxDocWrites, MaxDocTxBytes)
}

func (d *docTxn) GetDoc(ns, key string) ([]byte, bool, error) {
	if err := firstErr(validNamespace(ns), validKey("key", key)); err != nil {
		return nil, false, err
	}
	d.lock()
	item, err := d.txn.Get(docKey(ns, key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, internal(err, "read document")
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, internal(err, "read document")
}

func (d *docTxn) ScanDocs(ns, from, to string, limit int) ([]Doc, error) {
	if err := validNamespace(ns); err != nil {
		return nil, err
	}
	d.lock()
	prefix := []byte("d/" + ns + "\x00")
	it := d.txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 100})
	defer it.Close()
	var out []Doc
	for it.Seek(append(bytes.Clone(prefix), from...)); it.Valid(); it.Next() {
		key := string(it.Item().Key()[len(prefix):])
		if to != "" && key >= to || limit > 0 && len(out) >= limit {
			break
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, internal(err, "scan documents")
		}
		out = append(out, Doc{Key: key, Value: v})
	}
	return out, nil
}

func (d *docTxn) PutDoc(ns, key string, val []byte) error {
	if err := firstErr(validNamespace(ns), validKey("key", key)); err != nil {
		return err
	}
	if len(val) > MaxDocBytes {
		return notebook.Errorf(notebook.Invalid, "hubdb: document %s/%s is %d bytes; the limit is %d", ns, truncateKey(key), len(val), MaxDocBytes)
	}
	d.lock()
	k := docKey(ns, key)
	if err := d.count(k, val); err != nil {
		return err
	}
	return internal(d.txn.Set(k, bytes.Clone(val)), "write document")
}

func (d *docTxn) DeleteDoc(ns, key string) error {
	if err := firstErr(validNamespace(ns), validKey("key", key)); err != nil {
		return err
	}
	d.lock()
	k := docKey(ns, key)
	if err := d.count(k, nil); err != nil {
		return err
	}
	return internal(d.txn.Delete(k), "delete document")
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ViewDocs runs fn on one snapshot.
func (b *Badger) ViewDocs(ctx context.Context, fn func(DocReader) error) error {
	txn := b.db.NewTransaction(false)
	defer txn.Discard()
	return fn(&docTxn{b: b, txn: txn, readOnly: true})
}

// UpdateDocs runs fn under the document mutex and commits, fsynced.
func (b *Badger) UpdateDocs(ctx context.Context, fn func(DocTx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	d := &docTxn{b: b, txn: b.db.NewTransaction(true)}
	defer d.txn.Discard()
	if err := fn(d); err != nil {
		return err
	}
	return internal(d.txn.Commit(), "commit documents")
}

// ---- jobs ----

// jobState is a job as stored.
type jobState struct {
	ID         string    `json:"id"`
	Key        string    `json:"key"`
	Payload    []byte    `json:"payload"`
	Attempts   int       `json:"attempts"`
	CreatedAt  time.Time `json:"created_at"`
	NotBefore  time.Time `json:"not_before"`
	LastError  string    `json:"last_error,omitempty"`
	Worker     string    `json:"worker,omitempty"`
	LeaseUntil time.Time `json:"lease_until"`
}

type jobIndex struct {
	Key  string `json:"key"`
	N    uint64 `json:"n"`
	Dead bool   `json:"dead,omitempty"`
}

func jobKey(prefix, queue, key string, n uint64) []byte {
	return append([]byte(prefix+queue+"\x00"+key+"\x00"), seqBytes(n)...)
}

func jobIndexKey(queue, id string) []byte { return []byte("i/" + queue + "\x00" + id) }

func (d *docTxn) Enqueue(queue string, job NewJob) error {
	if err := firstErr(validNamespace(queue), validKey("job id", job.ID), validKey("job key", job.Key)); err != nil {
		return err
	}
	if len(job.Payload) > MaxDocBytes {
		return notebook.Errorf(notebook.Invalid, "hubdb: job %s is %d bytes; the limit is %d", job.ID, len(job.Payload), MaxDocBytes)
	}
	d.lock()
	ik := jobIndexKey(queue, job.ID)
	if _, err := d.txn.Get(ik); err == nil {
		return notebook.Errorf(notebook.Conflict, "hubdb: job %s already in queue %s", job.ID, queue)
	} else if !errors.Is(err, badger.ErrKeyNotFound) {
		return internal(err, "enqueue")
	}
	n, err := readUint(d.txn, "m/jobseq")
	if err != nil {
		return internal(err, "enqueue")
	}
	n++
	now := time.Now().UTC()
	val, _ := json.Marshal(jobState{ID: job.ID, Key: job.Key, Payload: job.Payload, CreatedAt: now, NotBefore: now})
	idx, _ := json.Marshal(jobIndex{Key: job.Key, N: n})
	k := jobKey("j/", queue, job.Key, n)
	if err := d.count(k, val); err != nil {
		return err
	}
	return internal(firstErr(d.txn.Set([]byte("m/jobseq"), seqBytes(n)), d.txn.Set(k, val), d.txn.Set(ik, idx)), "enqueue")
}

func (d *docTxn) DeleteJobs(queue, key string) error {
	if err := firstErr(validNamespace(queue), validKey("job key", key)); err != nil {
		return err
	}
	d.lock()
	for _, prefix := range []string{"j/", "k/"} {
		p := []byte(prefix + queue + "\x00" + key + "\x00")
		var doomed [][]byte
		var ids []string
		it := d.txn.NewIterator(badger.IteratorOptions{Prefix: p, PrefetchValues: true})
		for it.Rewind(); it.Valid(); it.Next() {
			var js jobState
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &js) }); err != nil {
				it.Close()
				return internal(err, "delete jobs")
			}
			doomed = append(doomed, it.Item().KeyCopy(nil))
			ids = append(ids, js.ID)
		}
		it.Close()
		for i, k := range doomed {
			if err := d.count(k, nil); err != nil {
				return err
			}
			if err := firstErr(d.txn.Delete(k), d.txn.Delete(jobIndexKey(queue, ids[i]))); err != nil {
				return internal(err, "delete jobs")
			}
		}
	}
	return nil
}

// Claim leases the oldest due job of up to n keys.
func (b *Badger) Claim(ctx context.Context, queue, worker string, n int, lease time.Duration) ([]Job, error) {
	if err := validNamespace(queue); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []Job
	err := b.db.Update(func(txn *badger.Txn) error {
		now := time.Now().UTC()
		prefix := []byte("j/" + queue + "\x00")
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true})
		defer it.Close()
		lastKey := ""
		type claimed struct {
			k  []byte
			js jobState
		}
		var picks []claimed
		for it.Rewind(); it.Valid() && len(picks) < n; it.Next() {
			var js jobState
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &js) }); err != nil {
				return err
			}
			if js.Key == lastKey {
				continue // not the key's oldest job
			}
			lastKey = js.Key
			if js.Worker != "" && js.LeaseUntil.After(now) || js.NotBefore.After(now) {
				continue
			}
			js.Attempts++
			js.Worker, js.LeaseUntil = worker, now.Add(lease)
			picks = append(picks, claimed{it.Item().KeyCopy(nil), js})
		}
		for _, p := range picks {
			val, _ := json.Marshal(p.js)
			if err := txn.Set(p.k, val); err != nil {
				return err
			}
			out = append(out, Job{ID: p.js.ID, Queue: queue, Key: p.js.Key, Payload: p.js.Payload, Attempts: p.js.Attempts,
				CreatedAt: p.js.CreatedAt, LastError: p.js.LastError})
		}
		return nil
	})
	return out, internal(err, "claim jobs")
}

// leased runs change on the job if worker holds it; change returns the
// new state (nil: delete) and whether it is now dead.
func (b *Badger) leased(queue, id, worker string, change func(*jobState) (*jobState, bool)) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	err := b.db.Update(func(txn *badger.Txn) error {
		var idx jobIndex
		switch err := getJSON(txn, string(jobIndexKey(queue, id)), &idx); {
		case errors.Is(err, badger.ErrKeyNotFound):
			return notebook.Errorf(notebook.NotFound, "hubdb: no job %s in queue %s", id, queue)
		case err != nil:
			return err
		}
		k := jobKey("j/", queue, idx.Key, idx.N)
		var js jobState
		if err := getJSON(txn, string(k), &js); err != nil || idx.Dead || js.Worker != worker {
			if err != nil && !errors.Is(err, badger.ErrKeyNotFound) {
				return err
			}
			return notebook.Errorf(notebook.Conflict, "hubdb: job %s is no longer leased to %s", id, worker)
		}
		next, dead := change(&js)
		if next == nil {
			return firstErr(txn.Delete(k), txn.Delete(jobIndexKey(queue, id)))
		}
		val, _ := json.Marshal(next)
		if !dead {
			return txn.Set(k, val)
		}
		idx.Dead = true
		ival, _ := json.Marshal(idx)
		return firstErr(txn.Delete(k), txn.Set(jobKey("k/", queue, idx.Key, idx.N), val), txn.Set(jobIndexKey(queue, id), ival))
	})
	return internal(err, "update job")
}

// Ack deletes a delivered job.
func (b *Badger) Ack(ctx context.Context, queue, jobID, worker string) error {
	return b.leased(queue, jobID, worker, func(*jobState) (*jobState, bool) { return nil, false })
}

// Retry makes the job due again after the delay.
func (b *Badger) Retry(ctx context.Context, queue, jobID, worker string, after time.Duration, lastError string) error {
	return b.leased(queue, jobID, worker, func(js *jobState) (*jobState, bool) {
		js.Worker, js.LeaseUntil, js.LastError = "", time.Time{}, lastError
		js.NotBefore = time.Now().UTC().Add(after)
		return js, false
	})
}

// Bury keeps the job as dead.
func (b *Badger) Bury(ctx context.Context, queue, jobID, worker, lastError string) error {
	return b.leased(queue, jobID, worker, func(js *jobState) (*jobState, bool) {
		js.Worker, js.LeaseUntil, js.LastError = "", time.Time{}, lastError
		return js, true
	})
}

// QueueStats counts pending and dead jobs per key.
func (b *Badger) QueueStats(ctx context.Context, queue string) (map[string]QueueStat, error) {
	if err := validNamespace(queue); err != nil {
		return nil, err
	}
	stats := map[string]QueueStat{}
	err := b.db.View(func(txn *badger.Txn) error {
		for _, prefix := range []string{"j/", "k/"} {
			p := []byte(prefix + queue + "\x00")
			it := txn.NewIterator(badger.IteratorOptions{Prefix: p})
			for it.Rewind(); it.Valid(); it.Next() {
				rest := it.Item().Key()[len(p):]
				key := string(rest[:len(rest)-9]) // "<key>\x00<n BE>"
				st := stats[key]
				if prefix == "j/" {
					st.Pending++
				} else {
					st.Dead++
				}
				stats[key] = st
			}
			it.Close()
		}
		return nil
	})
	return stats, internal(err, "queue stats")
}

// ---- change hints ----

// watchers fans commit hints out to Watch channels in this process.
type watchers struct {
	mu   sync.Mutex
	list map[*watcher]struct{}
}

type watcher struct {
	ch   chan []string
	lost bool // a hint was dropped: send nil ("anything") before the next
}

// Watch returns hints of the scopes each Update commit wrote.
func (b *Badger) Watch(ctx context.Context) <-chan []string {
	w := &watcher{ch: make(chan []string, 16)}
	b.watch.mu.Lock()
	if b.watch.list == nil {
		b.watch.list = map[*watcher]struct{}{}
	}
	b.watch.list[w] = struct{}{}
	b.watch.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.watch.mu.Lock()
		delete(b.watch.list, w)
		close(w.ch)
		b.watch.mu.Unlock()
	}()
	return w.ch
}

func (ws *watchers) publish(scopes []string) {
	if len(scopes) == 0 {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for w := range ws.list {
		if w.lost {
			select {
			case w.ch <- nil:
				w.lost = false
			default:
				continue
			}
		}
		select {
		case w.ch <- scopes:
		default:
			w.lost = true
		}
	}
}
