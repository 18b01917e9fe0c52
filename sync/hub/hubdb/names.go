package hubdb

// ValidNamespace checks a document namespace or queue name (1–64 bytes of
// [a-z0-9._-]), so every store refuses the same names with the same error.
func ValidNamespace(ns string) error { return validNamespace(ns) }

// ValidKey checks a document key or job id/key (1–512 bytes of UTF-8
// without NUL); what names it in the error ("key", "job id", …).
func ValidKey(what, key string) error { return validKey(what, key) }

// ErrTooBigDocTx is the error for a document transaction over MaxDocWrites
// or MaxDocTxBytes.
func ErrTooBigDocTx() error { return errTooBigDocTx() }

// Prefetcher is an optional capability of an Update's Tx: Prefetch reads
// the current versions of ids at once, so the Gets that follow cost no
// round trip each (PostgreSQL; Badger reads locally and lacks it). The
// hub calls it with a push's record ids before deciding the mutations.
type Prefetcher interface {
	Prefetch(ids []string) error
}

// Prefetch calls tx's Prefetch when it has one.
func Prefetch(tx Tx, ids []string) error {
	if p, ok := tx.(Prefetcher); ok && len(ids) > 1 {
		return p.Prefetch(ids)
	}
	return nil
}
