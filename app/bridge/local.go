package bridge

import "fieldnotes/app/mailstore"

// LocalKV is the store's encrypted, never-synced key/value space. Mail and
// AI settings, local read marks and the rep's accept/reject decisions live
// here; *store.Store satisfies it. It is mailstore's (the same methods
// assist.KV asks for).
type LocalKV = mailstore.KV

// Secrets keeps passwords and keys out of the store and out of logs
// (secrets.Vault in the app: the OS keyring, else the encrypted store).
type Secrets = mailstore.Secrets
