package store

import (
	"context"
	"errors"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// LocalGet reads local-only service state ("mail/…", "assist/…",
// "settings/…"); NotFound when absent. It is encrypted like everything else
// and never synced.
func (s *Store) LocalGet(ctx context.Context, key string) ([]byte, error) {
	var out []byte
	err := s.viewDB(func(txn *badger.Txn) (err error) {
		out, err = getLocal(txn, key)
		return err
	})
	return out, internal(err, "reading local state")
}

// getLocal reads one local value in txn; NotFound when absent.
func getLocal(txn *badger.Txn, key string) ([]byte, error) {
	item, err := txn.Get(localKey(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, notebook.Errorf(notebook.NotFound, "no local value %s", key)
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// LocalPut writes local-only state, fsynced.
func (s *Store) LocalPut(ctx context.Context, key string, value []byte) error {
	if key == "" {
		return notebook.Errorf(notebook.Invalid, "a local key cannot be empty")
	}
	return internal(s.updateDB(func(txn *badger.Txn) error { return txn.Set(localKey(key), value) }), "writing local state")
}

// LocalDelete removes local-only state (absent keys are fine).
func (s *Store) LocalDelete(ctx context.Context, key string) error {
	return internal(s.updateDB(func(txn *badger.Txn) error { return txn.Delete(localKey(key)) }), "deleting local state")
}

// LocalScan calls fn for every local key starting with prefix, in key order.
func (s *Store) LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error {
	err := s.viewDB(func(txn *badger.Txn) error { return scanLocal(ctx, txn, prefix, fn) })
	return internal(err, "scanning local state")
}

func scanLocal(ctx context.Context, txn *badger.Txn, prefix string, fn func(key string, value []byte) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = localKey(prefix)
	it := txn.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(strings.TrimPrefix(string(it.Item().Key()), prefixLocal), v); err != nil {
			return err
		}
	}
	return nil
}
