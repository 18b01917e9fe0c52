package hubdb

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// Options configure OpenBadger.
type Options struct {
	Dir      string // data directory; ignored when InMemory
	InMemory bool   // tests and benchmarks: nothing touches the disk
	Logger   *slog.Logger
}

// Badger is the embedded Store.
type Badger struct {
	db     *badger.DB
	epoch  string
	log    *slog.Logger
	locks  scopeLocks
	userMu sync.Mutex // serialises user and client-binding writes (conflict detection is off)
	mu     sync.Mutex // serialises document transactions and queue operations (doc.go)
	watch  watchers
}

var _ Store = (*Badger)(nil)

// txnBudget is the bytes one Badger transaction takes before Update commits
// it and continues in a new one (Badger refuses transactions above ~10 MB).
const txnBudget = 4 << 20

// OpenBadger opens (or creates) the data directory. A directory held by
// another process is a notebook.Conflict error with a message saying so.
func OpenBadger(opts Options) (*Badger, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	bo := badger.DefaultOptions(opts.Dir).
		WithSyncWrites(true).
		WithDetectConflicts(false). // writers are serialised per scope by scopeLocks (see doc.go)
		WithLogger(badgerLogger{log}).
		WithNumVersionsToKeep(1)
	if opts.InMemory {
		bo = bo.WithInMemory(true).WithDir("").WithValueDir("")
	}
	db, err := badger.Open(bo)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, notebook.Wrap(notebook.Conflict, err, "data dir %s is in use by another process (is `fieldhub serve` running on it? stop it first)", opts.Dir)
		}
		return nil, notebook.Wrap(notebook.Internal, err, "open hub data dir %s: %v", opts.Dir, err)
	}
	b := &Badger{db: db, log: log}
	if b.epoch, err = b.loadEpoch(); err != nil {
		db.Close()
		return nil, err
	}
	return b, nil
}

func (b *Badger) loadEpoch() (string, error) {
	var epoch string
	err := b.db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte("m/epoch"))
		if err == nil {
			v, err := item.ValueCopy(nil)
			epoch = string(v)
			return err
		}
		if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		epoch = randomHex(8)
		return txn.Set([]byte("m/epoch"), []byte(epoch))
	})
	if err != nil {
		return "", notebook.Wrap(notebook.Internal, err, "read hub epoch: %v", err)
	}
	return epoch, nil
}

// Close closes the database.
func (b *Badger) Close() error { return b.db.Close() }

// Epoch identifies this data set.
func (b *Badger) Epoch() string { return b.epoch }

func randomHex(n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic("hubdb: no randomness: " + err.Error())
	}
	return hex.EncodeToString(buf)
}

func internal(err error, what string) error {
	if err == nil {
		return nil
	}
	var ne *notebook.Error
	if errors.As(err, &ne) {
		return err
	}
	return notebook.Wrap(notebook.Internal, err, "%s: %v", what, err)
}

// ---- users and clients ----

type clientState struct {
	UserID string `json:"user_id"`
	LastID uint64 `json:"last_mutation_id"`
}

// CreateUser stores u and the hash of its token.
func (b *Badger) CreateUser(ctx context.Context, u User, tokenHash [32]byte) error {
	b.userMu.Lock()
	defer b.userMu.Unlock()
	err := b.db.Update(func(txn *badger.Txn) error {
		users, err := listUsers(txn)
		if err != nil {
			return err
		}
		for _, other := range users {
			if !other.Revoked && strings.EqualFold(other.Email, u.Email) {
				return notebook.Errorf(notebook.Conflict, "a user with email %s exists (id %s); revoke it first", u.Email, other.ID)
			}
		}
		val, _ := json.Marshal(u)
		if err := txn.Set([]byte("u/"+u.ID), val); err != nil {
			return err
		}
		return txn.Set([]byte("t/"+hex.EncodeToString(tokenHash[:])), []byte(u.ID))
	})
	return internal(err, "create user")
}

// ListUsers returns every user, revoked ones included, oldest first.
func (b *Badger) ListUsers(ctx context.Context) ([]User, error) {
	var users []User
	err := b.db.View(func(txn *badger.Txn) (err error) {
		users, err = listUsers(txn)
		return err
	})
	sort.Slice(users, func(i, j int) bool { return users[i].CreatedAt.Before(users[j].CreatedAt) })
	return users, internal(err, "list users")
}

func listUsers(txn *badger.Txn) ([]User, error) {
	var users []User
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("u/"), PrefetchValues: true})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		var u User
		if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &u) }); err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

// RevokeUser marks the user revoked and deletes its token hash, so the
// token stops working at once.
func (b *Badger) RevokeUser(ctx context.Context, id string) error {
	b.userMu.Lock()
	defer b.userMu.Unlock()
	err := b.db.Update(func(txn *badger.Txn) error {
		var u User
		if err := getJSON(txn, "u/"+id, &u); err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				return notebook.Errorf(notebook.NotFound, "no user %q", id)
			}
			return err
		}
		u.Revoked = true
		val, _ := json.Marshal(u)
		if err := txn.Set([]byte("u/"+id), val); err != nil {
			return err
		}
		return deleteTokensOf(txn, id)
	})
	return internal(err, "revoke user")
}

// SetUserToken replaces the user's record and tokens in one transaction.
func (b *Badger) SetUserToken(ctx context.Context, u User, tokenHash [32]byte) error {
	b.userMu.Lock()
	defer b.userMu.Unlock()
	err := b.db.Update(func(txn *badger.Txn) error {
		var old User
		if err := getJSON(txn, "u/"+u.ID, &old); err != nil {
			if errors.Is(err, badger.ErrKeyNotFound) {
				return notebook.Errorf(notebook.NotFound, "no user %q", u.ID)
			}
			return err
		}
		users, err := listUsers(txn)
		if err != nil {
			return err
		}
		for _, other := range users {
			if other.ID != u.ID && !other.Revoked && strings.EqualFold(other.Email, u.Email) {
				return notebook.Errorf(notebook.Conflict, "a user with email %s exists (id %s); revoke it first", u.Email, other.ID)
			}
		}
		if err := deleteTokensOf(txn, u.ID); err != nil {
			return err
		}
		val, _ := json.Marshal(u)
		if err := txn.Set([]byte("u/"+u.ID), val); err != nil {
			return err
		}
		return txn.Set([]byte("t/"+hex.EncodeToString(tokenHash[:])), []byte(u.ID))
	})
	return internal(err, "set user token")
}

func deleteTokensOf(txn *badger.Txn, userID string) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("t/"), PrefetchValues: true})
	var doomed [][]byte
	for it.Rewind(); it.Valid(); it.Next() {
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			it.Close()
			return err
		}
		if string(v) == userID {
			doomed = append(doomed, it.Item().KeyCopy(nil))
		}
	}
	it.Close()
	for _, k := range doomed {
		if err := txn.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// UserByToken finds the live user with this token hash (NotFound otherwise).
func (b *Badger) UserByToken(ctx context.Context, tokenHash [32]byte) (User, error) {
	var u User
	err := b.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte("t/" + hex.EncodeToString(tokenHash[:])))
		if err != nil {
			return err
		}
		id, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		return getJSON(txn, "u/"+string(id), &u)
	})
	if errors.Is(err, badger.ErrKeyNotFound) || err == nil && u.Revoked {
		return User{}, notebook.Errorf(notebook.NotFound, "unknown or revoked token")
	}
	return u, internal(err, "look up token")
}

// BindClient binds clientID to userID on first use.
func (b *Badger) BindClient(ctx context.Context, clientID, userID string) error {
	b.userMu.Lock()
	defer b.userMu.Unlock()
	err := b.db.Update(func(txn *badger.Txn) error {
		var cs clientState
		err := getJSON(txn, "c/"+clientID, &cs)
		switch {
		case err == nil && cs.UserID == userID:
			return nil
		case err == nil:
			return notebook.Errorf(notebook.Forbidden, "client_id %s belongs to another user; each installation needs its own client_id", clientID)
		case !errors.Is(err, badger.ErrKeyNotFound):
			return err
		}
		val, _ := json.Marshal(clientState{UserID: userID})
		return txn.Set([]byte("c/"+clientID), val)
	})
	return internal(err, "bind client")
}

func getJSON(txn *badger.Txn, key string, v any) error {
	item, err := txn.Get([]byte(key))
	if err != nil {
		return err
	}
	return item.Value(func(val []byte) error { return json.Unmarshal(val, v) })
}

// ---- scope locks ----

type scopeLocks struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

func (l *scopeLocks) get(scope string) *sync.Mutex {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]*sync.Mutex{}
	}
	m := l.m[scope]
	if m == nil {
		m = &sync.Mutex{}
		l.m[scope] = m
	}
	return m
}

// lock takes the scopes' mutexes in one global order (user scopes sorted,
// then org) so that two Updates can never wait on each other in a cycle.
func (l *scopeLocks) lock(scopes []string) (unlock func()) {
	ordered := append([]string(nil), scopes...)
	sort.Slice(ordered, func(i, j int) bool {
		oi, oj := ordered[i] == syncproto.OrgScope, ordered[j] == syncproto.OrgScope
		if oi != oj {
			return oj
		}
		return ordered[i] < ordered[j]
	})
	var held []*sync.Mutex
	for i, s := range ordered {
		if i > 0 && s == ordered[i-1] {
			continue
		}
		m := l.get(s)
		m.Lock()
		held = append(held, m)
	}
	return func() {
		for i := len(held) - 1; i >= 0; i-- {
			held[i].Unlock()
		}
	}
}

// ---- badger logger ----

type badgerLogger struct{ log *slog.Logger }

func (l badgerLogger) Errorf(f string, a ...any) {
	l.log.Error("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (l badgerLogger) Warningf(f string, a ...any) {
	l.log.Warn("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (l badgerLogger) Infof(string, ...any)  {}
func (l badgerLogger) Debugf(string, ...any) {}

func seqBytes(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func recordKey(scope string, seq uint64) []byte {
	return append([]byte("s/"+scope+"\x00"), seqBytes(seq)...)
}
