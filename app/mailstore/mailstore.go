package mailstore

import (
	"context"
	"encoding/json"
	"slices"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// KV is the store's encrypted, never-synced key/value space, where the
// mail settings and imapsync's per-folder state live; *store.Store and
// *Store satisfy it.
type KV interface {
	LocalGet(ctx context.Context, key string) ([]byte, error) // notebook.NotFound when absent
	LocalPut(ctx context.Context, key string, value []byte) error
	LocalDelete(ctx context.Context, key string) error
	LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
}

// Secrets keeps the mail password out of the store and out of logs
// (secrets.Vault in the app: the OS keyring, else the encrypted store).
type Secrets interface {
	Get(ctx context.Context, name string) (string, error) // "" when never set
	Set(ctx context.Context, name, value string) error    // "" deletes
}

// Store adapts the notebook store to what imapsync needs (Mailbox and
// Directory): the one adapter the window's mail service, `fieldnotes mail
// sync` and the Mail area all use.
type Store struct{ st *store.Store }

// New wraps st.
func New(st *store.Store) *Store { return &Store{st} }

// SaveEmail stores a pulled email local-only, so nothing irrelevant ever
// leaves the laptop. An email already in the notebook keeps what the rep did
// with it (links, and its synced state once linked as evidence: the store
// keeps syncing a record that left LocalOnly). An email the rep marked "not
// relevant" (a tombstone) is never brought back.
func (m *Store) SaveEmail(ctx context.Context, e notebook.Email) error {
	env, err := m.st.Envelope(ctx, notebook.TypeEmail, e.ID)
	if err != nil && !notebook.IsCode(err, notebook.NotFound) {
		return err
	}
	next, keep := emailToStore(e, env, err == nil)
	if !keep {
		return nil
	}
	_, err = m.st.Save(ctx, &next, store.LocalOnly())
	return err
}

// emailToStore decides what a pulled email becomes given what is stored:
// merged with the rep's links, or nothing for one hidden as not relevant.
func emailToStore(fresh notebook.Email, stored store.Envelope, exists bool) (notebook.Email, bool) {
	if !exists {
		return fresh, true
	}
	if stored.Deleted {
		return notebook.Email{}, false
	}
	var old notebook.Email
	if stored.Decode(&old) != nil {
		return fresh, true
	}
	return mergeEmail(old, fresh), true
}

// Batch stores a whole body FETCH batch in a few commits instead of three
// fsyncs per email (imapsync.BatchMailbox).
func (m *Store) Batch(ctx context.Context, fn func(tx imapsync.Mailbox) error) error {
	return m.st.Batch(ctx, func(b *store.Batch) error { return fn(batchMailbox{b}) })
}

// batchMailbox is the Mailbox view of one store.Batch.
type batchMailbox struct{ b *store.Batch }

func (t batchMailbox) SaveEmail(_ context.Context, e notebook.Email) error {
	env, exists, err := t.b.Envelope(notebook.TypeEmail, e.ID)
	if err != nil {
		return err
	}
	next, keep := emailToStore(e, env, exists)
	if !keep {
		return nil
	}
	_, err = t.b.Save(&next, store.LocalOnly())
	return err
}

func (t batchMailbox) LocalGet(_ context.Context, key string) ([]byte, error) {
	return t.b.LocalGet(key)
}
func (t batchMailbox) LocalPut(_ context.Context, key string, v []byte) error {
	return t.b.LocalPut(key, v)
}
func (t batchMailbox) LocalDelete(_ context.Context, key string) error { return t.b.LocalDelete(key) }
func (t batchMailbox) LocalScan(_ context.Context, prefix string, fn func(string, []byte) error) error {
	return t.b.LocalScan(prefix, fn)
}

// mergeEmail keeps the rep's links and contacts when the server copy is
// stored again (another folder, a UIDVALIDITY change).
func mergeEmail(old, fresh notebook.Email) notebook.Email {
	fresh.Links = union(old.Links, fresh.Links)
	fresh.ContactIDs = union(old.ContactIDs, fresh.ContactIDs)
	if fresh.AccountID == "" {
		fresh.AccountID = old.AccountID
	}
	return fresh
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Save stores an email edited by the rep: share makes it sync (linked as
// evidence); otherwise it keeps whatever state it had.
func (m *Store) Save(ctx context.Context, e notebook.Email, share bool) error {
	if share {
		_, err := m.st.Save(ctx, &e)
		return err
	}
	_, err := m.st.Save(ctx, &e, store.LocalOnly())
	return err
}

// Shared reports whether an email is synced to the hub (linked as evidence).
func (m *Store) Shared(ctx context.Context, id string) bool {
	env, err := m.st.Envelope(ctx, notebook.TypeEmail, id)
	return err == nil && !env.Deleted && !env.LocalOnly
}

// Hide removes a local-only email from the notebook (and so from search)
// after imapsync marked it hidden. The tombstone of a local-only record
// queues nothing for the hub.
func (m *Store) Hide(ctx context.Context, id string) error {
	err := m.st.Delete(ctx, notebook.TypeEmail, id)
	if notebook.IsCode(err, notebook.NotFound) {
		return nil
	}
	return err
}

// LocalGet reads the store's local space.
func (m *Store) LocalGet(ctx context.Context, key string) ([]byte, error) {
	return m.st.LocalGet(ctx, key)
}

// LocalPut writes the store's local space (fsynced).
func (m *Store) LocalPut(ctx context.Context, key string, value []byte) error {
	return m.st.LocalPut(ctx, key, value)
}

// LocalDelete removes a local key.
func (m *Store) LocalDelete(ctx context.Context, key string) error {
	return m.st.LocalDelete(ctx, key)
}

// LocalScan walks local keys with a prefix.
func (m *Store) LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error {
	return m.st.LocalScan(ctx, prefix, fn)
}

// Accounts lists every account (their domains decide relevance).
func (m *Store) Accounts(ctx context.Context) ([]notebook.Account, error) {
	return store.List[notebook.Account](ctx, m.st, store.Query{})
}

// Contacts lists every contact (their addresses decide relevance).
func (m *Store) Contacts(ctx context.Context) ([]notebook.Contact, error) {
	return store.List[notebook.Contact](ctx, m.st, store.Query{})
}

var (
	_ imapsync.Mailbox   = (*Store)(nil)
	_ imapsync.Directory = (*Store)(nil)
	_ KV                 = (*Store)(nil)
)

// The local key of the mail settings and the secret name of the password.
const (
	SettingsKey  = "settings/mail"
	PasswordName = "imap-password"
)

// LoadSettings reads the saved mail settings and the password from the
// vault. configured is false when the rep never saved any.
func LoadSettings(ctx context.Context, kv KV, sec Secrets) (s imapsync.Settings, configured bool, err error) {
	raw, err := kv.LocalGet(ctx, SettingsKey)
	if notebook.IsCode(err, notebook.NotFound) {
		return s, false, nil
	}
	if err != nil {
		return s, false, err
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return s, false, notebook.Wrap(notebook.Internal, err, "the saved mail settings cannot be read; save them again")
	}
	if sec != nil {
		if s.Password, err = sec.Get(ctx, PasswordName); err != nil {
			return s, true, err
		}
	}
	return s, s.Host != "", nil
}

// SaveSettings writes the settings and, when password is not nil, the
// password (an empty one deletes it).
func SaveSettings(ctx context.Context, kv KV, sec Secrets, s imapsync.Settings, password *string) error {
	raw, err := json.Marshal(s) // Password is json:"-"
	if err != nil {
		return err
	}
	if password != nil {
		if sec == nil {
			return notebook.Errorf(notebook.NotSetUp, "passwords cannot be stored in this build")
		}
		if err := sec.Set(ctx, PasswordName, *password); err != nil {
			return err
		}
	}
	return kv.LocalPut(ctx, SettingsKey, raw)
}

var _ imapsync.BatchMailbox = (*Store)(nil)
