package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"fieldnotes/app/notebook"
)

// Options configure Open.
type Options struct {
	Dir      string       // data directory; ignored when InMemory
	InMemory bool         // keep everything in memory (tests)
	Key      []byte       // 32-byte AES-256 key; required unless InMemory
	Logger   *slog.Logger // nil: slog.Default()
	Author   string       // local user id, the updated_by of local edits
}

// Store is the local notebook database. All methods are safe for concurrent use.
type Store struct {
	dbMu     sync.RWMutex // readers hold it shared; Restore holds it to swap db
	db       *badger.DB
	opts     Options
	log      *slog.Logger
	clock    *notebook.Clock
	clientID string

	writeMu    sync.Mutex // serialises writers; guards the counters below
	lastFeed   uint64
	lastMut    uint64
	sealedUpTo uint64 // outbox entries ≤ this were handed to sync and are never modified
	indexed    uint64 // feed position up to which search postings are written (index.go)

	indexLag     atomic.Uint64 // lastFeed - indexed, readable without writeMu
	lastDeferred atomic.Int64  // unix ns of the last page whose postings were deferred
	indexQuiet   atomic.Int64  // time.Duration the indexer lets a pull run first
	indexWake    chan struct{}
	indexStop    chan struct{}
	indexDone    chan struct{}

	subsMu sync.Mutex
	subs   map[int]*subscriber
	nextID int
}

// Open opens (or creates) the store. Another process holding the directory
// gets a notebook.Conflict error that says so, not a Badger stack trace.
func Open(opts Options) (*Store, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if !opts.InMemory && len(opts.Key) != 32 {
		return nil, notebook.Errorf(notebook.Invalid, "the store needs a 32-byte encryption key, got %d bytes", len(opts.Key))
	}
	if !opts.InMemory {
		if err := recoverInterruptedRestore(opts.Dir, opts.Logger); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
			return nil, notebook.Wrap(notebook.Internal, err, "cannot create the data directory %s: %v", opts.Dir, err)
		}
		forgetUnfinishedCreate(opts.Dir, opts.Logger)
		if err := preflight(opts.Dir, opts.Key); err != nil {
			return nil, err
		}
		removeEmptyLogs(opts.Dir, opts.Logger)
	}
	db, err := openBadger(opts, opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, opts: opts, log: opts.Logger, subs: map[int]*subscriber{}}
	if err := s.init(); err != nil {
		db.Close()
		return nil, s.readErr(err)
	}
	s.startIndexer()
	return s, nil
}

// openBadger opens the Badger database in dir with the store's settings;
// damage found on the way is a clear error, never a panic.
func openBadger(opts Options, dir string) (db *badger.DB, err error) {
	bo := badger.DefaultOptions(dir).
		WithInMemory(opts.InMemory).
		WithSyncWrites(true).
		WithNumVersionsToKeep(1).
		WithNumMemtables(3).
		WithNumCompactors(2).
		WithChecksumVerificationMode(options.OnBlockRead). // see damage.go
		WithLogger(badgerLogger{opts.Logger})
	if opts.InMemory {
		bo = bo.WithDir("").WithValueDir("")
	}
	if len(opts.Key) > 0 {
		bo = bo.WithEncryptionKey(opts.Key).WithIndexCacheSize(32 << 20)
	}
	db, err = badger.Open(bo)
	if err != nil {
		return nil, openError(dir, err)
	}
	return db, nil
}

// removeEmptyLogs deletes zero-length value-log and memtable files. Badger
// creates such a file and then writes its header; killed in between, it
// leaves an empty file that its next Open refuses ("Create a new file").
// An empty file holds no write, so removing it loses nothing.
func removeEmptyLogs(dir string, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".vlog") && !strings.HasSuffix(name, ".mem") {
			continue
		}
		if info, err := e.Info(); err == nil && info.Size() == 0 {
			log.Warn("store: removing an empty log file left by a crash", "file", name)
			_ = os.Remove(filepath.Join(dir, name))
		}
	}
}

// forgetUnfinishedCreate removes the MANIFEST of a notebook whose creation
// was killed: Badger writes MANIFEST before KEYREGISTRY, so a first launch
// killed between the two leaves a MANIFEST, no key registry, no table and
// no written log — a notebook that never held a record, which preflight
// would otherwise call damaged for good. Anything more (a table, a log
// with bytes in it) is left for preflight to report: that is damage.
func forgetUnfinishedCreate(dir string, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	manifest := false
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "KEYREGISTRY":
			return
		case name == "MANIFEST":
			manifest = true
		case name == "LOCK":
		case strings.HasSuffix(name, ".vlog"), strings.HasSuffix(name, ".mem"):
			if info, err := e.Info(); err != nil || info.Size() > 0 {
				return
			}
		default:
			return // a table or anything else: not a bare start
		}
	}
	if manifest {
		log.Warn("store: the notebook's creation was interrupted before it held anything; creating it again", "dir", dir)
		_ = os.Remove(filepath.Join(dir, "MANIFEST"))
	}
}

func openError(dir string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Another process is using this Badger database"):
		return notebook.Wrap(notebook.Conflict, err, "the data directory %s is in use by another Fieldnotes process (the app or a command); close it and try again", dir)
	case strings.Contains(msg, "Encryption key mismatch"), strings.Contains(msg, "Invalid encryption key"):
		return notebook.Wrap(notebook.Forbidden, err, "the encryption key does not open the data in %s (was it restored from another machine? set FIELDNOTES_KEY to the original key)", dir)
	}
	if holdsNotebook(dir) && !errors.Is(err, os.ErrPermission) {
		return damaged(dir, "Badger cannot open it: "+msg, err)
	}
	return notebook.Wrap(notebook.Internal, err, "cannot open the data in %s: %v", dir, err)
}

// init runs migrations and loads the counters every write continues from.
func (s *Store) init() error {
	if err := s.migrate(); err != nil {
		return err
	}
	return s.updateDB(func(txn *badger.Txn) error {
		id, err := getString(txn, keyClientID)
		if err != nil {
			return err
		}
		if id == "" {
			id = newClientID()
			if err := txn.Set([]byte(keyClientID), []byte(id)); err != nil {
				return err
			}
		}
		s.clientID = id
		if s.lastFeed, err = getUint(txn, keyFeed); err != nil {
			return err
		}
		if s.lastMut, err = getUint(txn, keyMutation); err != nil {
			return err
		}
		s.sealedUpTo = s.lastMut // after a restart nothing pending may be rewritten: it may be on the wire
		if s.indexed, err = getUint(txn, keyIndexed); err != nil {
			return err
		}
		if _, err := txn.Get([]byte(keyIndexed)); errors.Is(err, badger.ErrKeyNotFound) {
			s.indexed = s.lastFeed // absent: the index is complete
		}
		s.indexLag.Store(s.lastFeed - s.indexed)
		hlc, err := getString(txn, keyHLC)
		if err != nil {
			return err
		}
		last, _ := notebook.ParseHLC(hlc)
		s.clock = notebook.NewClock(last, nil)
		return nil
	})
}

// viewDB runs a read transaction on the current database.
func (s *Store) viewDB(fn func(txn *badger.Txn) error) error {
	s.dbMu.RLock()
	defer s.dbMu.RUnlock()
	return s.readErr(s.db.View(fn))
}

// updateDB runs a read-write transaction on the current database.
func (s *Store) updateDB(fn func(txn *badger.Txn) error) error {
	s.dbMu.RLock()
	defer s.dbMu.RUnlock()
	return s.readErr(s.db.Update(fn))
}

func newClientID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "c_" + hex.EncodeToString(b[:])
}

// Close flushes and closes the database.
func (s *Store) Close() error {
	s.subsMu.Lock()
	for id, sub := range s.subs {
		close(sub.ch)
		delete(s.subs, id)
	}
	s.subsMu.Unlock()
	s.stopIndexer()
	return s.db.Close()
}

// Dir is the data directory ("" in memory).
func (s *Store) Dir() string { return s.opts.Dir }

// Encrypted reports whether data is encrypted at rest.
func (s *Store) Encrypted() bool { return len(s.opts.Key) > 0 }

// ClientID identifies this installation to the sync hub.
func (s *Store) ClientID() string { return s.clientID }

// Clock is the store's hybrid logical clock (sync observes remote HLCs on it).
func (s *Store) Clock() *notebook.Clock { return s.clock }

func getString(txn *badger.Txn, key string) (string, error) {
	item, err := txn.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	v, err := item.ValueCopy(nil)
	return string(v), err
}

func getUint(txn *badger.Txn, key string) (uint64, error) {
	v, err := getString(txn, key)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("corrupt counter %s=%q: %w", key, v, err)
	}
	return n, nil
}

func setUint(txn *badger.Txn, key string, n uint64) error {
	return txn.Set([]byte(key), []byte(strconv.FormatUint(n, 10)))
}

func internal(err error, what string) error {
	if err == nil {
		return nil
	}
	var ne *notebook.Error
	if errors.As(err, &ne) {
		return err
	}
	return notebook.Wrap(notebook.Internal, err, "the local store failed while %s: %v", what, err)
}

// badgerLogger sends Badger's own logging to slog at one level lower than
// Badger thinks, because its INFO lines are routine compaction chatter.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	b.l.Error("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (b badgerLogger) Warningf(f string, a ...any) {
	b.l.Warn("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (b badgerLogger) Infof(f string, a ...any) {
	b.l.Debug("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (b badgerLogger) Debugf(string, ...any) {}

// migrations[i] upgrades the schema from version i to i+1. Forward only:
// data from a newer app is refused rather than misread.
var migrations = []func(txn *badger.Txn) error{
	func(*badger.Txn) error { return nil }, // v1: the initial layout
	reindexContacts,                        // v2: contacts indexed by study
	reindexNames,                           // v3: search terms fold accents (Schäfer ← Schafer, Schaefer)
}

func reindexContacts(txn *badger.Txn) error { return reindex(txn, notebook.TypeContact) }

// reindexNames re-derives the records people look up by name; their search
// terms are folded now. Old accented terms stay and do no harm: queries are
// folded, so they match nothing but their own prefixes.
func reindexNames(txn *badger.Txn) error {
	for _, t := range []notebook.Type{notebook.TypeAccount, notebook.TypeContact, notebook.TypeStudy} {
		if err := reindex(txn, t); err != nil {
			return err
		}
	}
	return nil
}

// reindex writes the index entries records of type t imply now; entries
// already there are simply written again.
func reindex(txn *badger.Txn, t notebook.Type) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = recordPrefix(t)
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var env Envelope
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &env) }); err != nil {
			return err
		}
		if env.Deleted {
			continue
		}
		for k := range derive(env).keys {
			if err := txn.Set([]byte(k), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// SchemaVersion is the layout this code writes.
var SchemaVersion = len(migrations)

func (s *Store) migrate() error {
	for {
		var done bool
		err := s.updateDB(func(txn *badger.Txn) error {
			v, err := getUint(txn, keySchema)
			if err != nil {
				return err
			}
			if int(v) > SchemaVersion {
				return notebook.Errorf(notebook.Conflict, "this data was written by a newer Fieldnotes (schema %d; this app knows %d); update the app", v, SchemaVersion)
			}
			if int(v) == SchemaVersion {
				done = true
				return nil
			}
			if err := migrations[v](txn); err != nil {
				return fmt.Errorf("migration to schema %d: %w", v+1, err)
			}
			s.log.Debug("store migrated", "schema", v+1)
			return setUint(txn, keySchema, v+1)
		})
		if err != nil {
			return internal(err, "upgrading the data")
		}
		if done {
			return nil
		}
	}
}

// ctxErr turns a cancelled context into a clear error before any work starts.
func ctxErr(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return notebook.Wrap(notebook.Internal, err, "cancelled")
	}
	return nil
}
