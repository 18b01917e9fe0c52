package bridge

import "context"

// LocalKV is the store's encrypted, never-synced key/value space. Mail and
// AI settings, local read marks and the rep's accept/reject decisions live
// here; *store.Store satisfies it.
type LocalKV interface {
	LocalGet(ctx context.Context, key string) ([]byte, error) // notebook.NotFound when absent
	LocalPut(ctx context.Context, key string, value []byte) error
	LocalDelete(ctx context.Context, key string) error
	LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
}

// Secrets keeps passwords and keys out of the store and out of logs
// (secrets.Vault in the app: the OS keyring, else the encrypted store).
type Secrets interface {
	Get(ctx context.Context, name string) (string, error) // "" when never set
	Set(ctx context.Context, name, value string) error    // "" deletes
}
