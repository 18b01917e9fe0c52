package assist

import (
	"context"
	"sort"
	"strings"
	"sync"

	"fieldnotes/app/notebook"
)

// QueueStore is the durable, local, never-synced key/value space the queue
// lives in. *store.Store's encrypted local keys (LocalGet/LocalPut/
// LocalDelete/LocalScan, docs/contracts.md) fit it as they are. Writes must
// be durable when LocalPut returns; LocalGet returns a notebook.NotFound
// error for a missing key.
type QueueStore interface {
	LocalGet(ctx context.Context, key string) ([]byte, error)
	LocalPut(ctx context.Context, key string, value []byte) error
	LocalDelete(ctx context.Context, key string) error
	LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
}

// Keys this package uses in the QueueStore.
const (
	jobKeyPrefix = "assist/job/"
	usageKey     = "assist/usage"
)

// MemoryStore is an in-memory QueueStore for tests and for running without
// a data directory. It copies values in and out, like a real store.
type MemoryStore struct {
	mu   sync.Mutex
	data map[string][]byte
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{data: map[string][]byte{}} }

// LocalGet returns a copy of the value, or a notebook.NotFound error.
func (m *MemoryStore) LocalGet(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.data[key]
	if !ok {
		return nil, notebook.Errorf(notebook.NotFound, "no local value %q", key)
	}
	return append([]byte(nil), v...), nil
}

// LocalPut stores a copy of value.
func (m *MemoryStore) LocalPut(_ context.Context, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data[key] = append([]byte(nil), value...)
	return nil
}

// LocalDelete removes key; a missing key is not an error.
func (m *MemoryStore) LocalDelete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.data, key)
	return nil
}

// LocalScan calls fn for each key with the prefix, in key order, on a
// snapshot (fn may write to the store).
func (m *MemoryStore) LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error {
	m.mu.Lock()
	keys := make([]string, 0, len(m.data))
	snapshot := make(map[string][]byte)
	for k, v := range m.data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
			snapshot[k] = append([]byte(nil), v...)
		}
	}
	m.mu.Unlock()
	sort.Strings(keys)
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(k, snapshot[k]); err != nil {
			return err
		}
	}
	return nil
}

// Keys lists every stored key (tests).
func (m *MemoryStore) Keys() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.data))
	for k := range m.data {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
