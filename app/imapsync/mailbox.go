package imapsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"fieldnotes/app/notebook"
)

// Mailbox is where pulled mail goes: the notebook's records plus a private
// key/value space for this package's state. It is shaped so a thin adapter
// over app/store fits: SaveEmail is store.Save(ctx, &e, store.LocalOnly())
// (local only: an email is synced only once linked as evidence), the Local*
// methods are the store's LocalGet/LocalPut/LocalDelete/LocalScan. Keys
// written here all start with "imap/".
type Mailbox interface {
	SaveEmail(ctx context.Context, e notebook.Email) error
	LocalGet(ctx context.Context, key string) ([]byte, error) // a notebook.NotFound error when absent
	LocalPut(ctx context.Context, key string, value []byte) error
	LocalDelete(ctx context.Context, key string) error
	LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
}

// FolderState is what we remember of one folder between pulls.
type FolderState struct {
	Folder        string `json:"folder"`
	UIDValidity   uint32 `json:"uid_validity"`
	UIDNext       uint32 `json:"uid_next"`
	HighestModSeq uint64 `json:"highest_modseq"`
	Messages      uint32 `json:"messages"`  // messages we know of (to spot expunges)
	Unseen        uint32 `json:"unseen"`    // servers without CONDSTORE: spot flag changes
	Directory     string `json:"directory"` // Matcher fingerprint the folder was judged with
}

// Summary is a seen message's envelope, kept for every message (relevant or
// not) so relevance can be re-evaluated when accounts are added without
// fetching anything again. It holds addresses, never bodies.
type Summary struct {
	UID       uint32   `json:"u"`
	MessageID string   `json:"m,omitempty"`
	Addrs     []string `json:"a,omitempty"` // from, sender, reply-to, to, cc (lower-case)
	Seen      bool     `json:"s,omitempty"`
	Relevant  bool     `json:"r,omitempty"`
	EmailID   string   `json:"e,omitempty"` // set once stored
}

// MessageState is the local, never-synced state of one stored email: where
// it lives on the server, read/unread, and the rep's "not relevant" mark.
type MessageState struct {
	EmailID   string     `json:"email_id"`
	MessageID string     `json:"message_id"`
	Locations []Location `json:"locations"`
	Seen      bool       `json:"seen"`
	Hidden    bool       `json:"hidden"` // marked not relevant: never shown, never fetched again
}

// Location is one copy of a message on the server.
type Location struct {
	Folder      string `json:"folder"`
	UIDValidity uint32 `json:"uid_validity"`
	UID         uint32 `json:"uid"`
}

// Body is the readable content of a stored email, kept locally only.
type Body struct {
	EmailID     string       `json:"email_id"`
	Text        string       `json:"text"`
	HTML        string       `json:"html"` // already sanitised; show through SrcDoc
	Attachments []Attachment `json:"attachments"`
	Problems    []string     `json:"problems,omitempty"`
	Truncated   bool         `json:"truncated,omitempty"`
}

// Key layout of the local space.
const (
	keyFolder  = "imap/folder/" // + folder → FolderState
	keySeen    = "imap/seen/"   // + folder + "/" + uidvalidity + "/" + chunk → []Summary
	keyMessage = "imap/msg/"    // + email id → MessageState
	keyBody    = "imap/body/"   // + email id → Body
	chunkUIDs  = 1024           // summaries per stored chunk
)

func seenPrefix(folder string, uidValidity uint32) string {
	return fmt.Sprintf("%s%s/%010d/", keySeen, folder, uidValidity)
}

func chunkKey(folder string, uidValidity, uid uint32) string {
	return fmt.Sprintf("%s%08d", seenPrefix(folder, uidValidity), uid/chunkUIDs)
}

// state is typed access to the local space.
type state struct{ mb Mailbox }

func (s state) getJSON(ctx context.Context, key string, v any) (bool, error) {
	b, err := s.mb.LocalGet(ctx, key)
	if notebook.IsCode(err, notebook.NotFound) {
		return false, nil
	}
	if err != nil {
		return false, storeErr(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, notebook.Wrap(notebook.Internal, err, "the saved mail state under %s is damaged", key)
	}
	return true, nil
}

func (s state) putJSON(ctx context.Context, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return storeErr(s.mb.LocalPut(ctx, key, b))
}

// storeErr labels a failure of the local store, so it is never mistaken
// for (or reported as) a mail server problem.
func storeErr(err error) error {
	if err == nil {
		return nil
	}
	var nb *notebook.Error
	if errors.As(err, &nb) {
		return err
	}
	return notebook.Wrap(notebook.Internal, err, "could not save mail on this computer: %s", shortReason(err))
}

func (s state) folder(ctx context.Context, name string) (FolderState, error) {
	fs := FolderState{Folder: name}
	_, err := s.getJSON(ctx, keyFolder+name, &fs)
	return fs, err
}

func (s state) putFolder(ctx context.Context, fs FolderState) error {
	return s.putJSON(ctx, keyFolder+fs.Folder, fs)
}

func (s state) message(ctx context.Context, emailID string) (MessageState, bool, error) {
	var ms MessageState
	ok, err := s.getJSON(ctx, keyMessage+emailID, &ms)
	return ms, ok, err
}

func (s state) putMessage(ctx context.Context, ms MessageState) error {
	return s.putJSON(ctx, keyMessage+ms.EmailID, ms)
}

// summaries loads every remembered envelope of a folder generation, by UID.
func (s state) summaries(ctx context.Context, folder string, uidValidity uint32) (map[uint32]Summary, error) {
	out := map[uint32]Summary{}
	err := s.mb.LocalScan(ctx, seenPrefix(folder, uidValidity), func(_ string, v []byte) error {
		var chunk []Summary
		if err := json.Unmarshal(v, &chunk); err != nil {
			return nil // a damaged chunk is re-scanned from the server next time
		}
		for _, sm := range chunk {
			out[sm.UID] = sm
		}
		return nil
	})
	return out, err
}

// putSummaries merges changed summaries into their chunks and rewrites only
// the chunks touched. deleted UIDs are removed.
func (s state) putSummaries(ctx context.Context, folder string, uidValidity uint32, changed []Summary, deleted []uint32) error {
	byChunk := map[string][]Summary{}
	del := map[string][]uint32{}
	for _, sm := range changed {
		k := chunkKey(folder, uidValidity, sm.UID)
		byChunk[k] = append(byChunk[k], sm)
	}
	for _, uid := range deleted {
		k := chunkKey(folder, uidValidity, uid)
		del[k] = append(del[k], uid)
		if _, ok := byChunk[k]; !ok {
			byChunk[k] = nil
		}
	}
	keys := make([]string, 0, len(byChunk))
	for k := range byChunk {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := s.mergeChunk(ctx, k, byChunk[k], del[k]); err != nil {
			return err
		}
	}
	return nil
}

func (s state) mergeChunk(ctx context.Context, key string, changed []Summary, deleted []uint32) error {
	var chunk []Summary
	if _, err := s.getJSON(ctx, key, &chunk); err != nil && !notebook.IsCode(err, notebook.Internal) {
		return err
	}
	byUID := make(map[uint32]Summary, len(chunk)+len(changed))
	for _, sm := range chunk {
		byUID[sm.UID] = sm
	}
	for _, sm := range changed {
		byUID[sm.UID] = sm
	}
	for _, uid := range deleted {
		delete(byUID, uid)
	}
	if len(byUID) == 0 {
		return s.mb.LocalDelete(ctx, key)
	}
	merged := make([]Summary, 0, len(byUID))
	for _, sm := range byUID {
		merged = append(merged, sm)
	}
	sort.Slice(merged, func(i, j int) bool { return merged[i].UID < merged[j].UID })
	return s.putJSON(ctx, key, merged)
}

// dropGeneration forgets the envelopes of an old UIDVALIDITY.
func (s state) dropGeneration(ctx context.Context, folder string, uidValidity uint32) error {
	var keys []string
	err := s.mb.LocalScan(ctx, seenPrefix(folder, uidValidity), func(k string, _ []byte) error {
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.mb.LocalDelete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// GetBody returns the stored readable content of an email.
func GetBody(ctx context.Context, mb Mailbox, emailID string) (Body, error) {
	var b Body
	ok, err := state{mb}.getJSON(ctx, keyBody+emailID, &b)
	if err == nil && !ok {
		err = notebook.Errorf(notebook.NotFound, "the content of this email is not on this computer")
	}
	return b, err
}

// GetMessageState returns where an email lives and whether it is read or
// hidden.
func GetMessageState(ctx context.Context, mb Mailbox, emailID string) (MessageState, error) {
	ms, ok, err := state{mb}.message(ctx, emailID)
	if err == nil && !ok {
		err = notebook.Errorf(notebook.NotFound, "no mail state for email %s", emailID)
	}
	return ms, err
}

// MarkNotRelevant hides an email for good: it is never shown or fetched
// again, and its stored content is removed from this computer.
func MarkNotRelevant(ctx context.Context, mb Mailbox, emailID string) error {
	st := state{mb}
	ms, _, err := st.message(ctx, emailID)
	if err != nil {
		return err
	}
	ms.EmailID, ms.Hidden = emailID, true
	if err := st.putMessage(ctx, ms); err != nil {
		return err
	}
	return mb.LocalDelete(ctx, keyBody+emailID)
}

// MemMailbox is an in-memory Mailbox for tests, benchmarks and the CLI's
// dry runs. It is safe for concurrent use.
type MemMailbox struct {
	mu     sync.Mutex
	emails map[string]notebook.Email
	local  map[string][]byte
	saves  int
}

// NewMemMailbox returns an empty in-memory mailbox.
func NewMemMailbox() *MemMailbox {
	return &MemMailbox{emails: map[string]notebook.Email{}, local: map[string][]byte{}}
}

// SaveEmail validates and stores a record (an upsert by id).
func (m *MemMailbox) SaveEmail(_ context.Context, e notebook.Email) error {
	if err := e.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.emails[e.ID] = e
	m.saves++
	return nil
}

// LocalGet returns a copy of the value or a NotFound error.
func (m *MemMailbox) LocalGet(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.local[key]
	if !ok {
		return nil, notebook.Errorf(notebook.NotFound, "no local value %q", key)
	}
	return append([]byte(nil), v...), nil
}

// LocalPut stores a copy of value.
func (m *MemMailbox) LocalPut(_ context.Context, key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.local[key] = append([]byte(nil), value...)
	return nil
}

// LocalDelete removes a key (absent keys are fine).
func (m *MemMailbox) LocalDelete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.local, key)
	return nil
}

// LocalScan calls fn for every key with prefix, in key order, on a snapshot.
func (m *MemMailbox) LocalScan(_ context.Context, prefix string, fn func(key string, value []byte) error) error {
	m.mu.Lock()
	var keys []string
	for k := range m.local {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = m.local[k]
	}
	m.mu.Unlock()
	for i, k := range keys {
		if err := fn(k, vals[i]); err != nil {
			return err
		}
	}
	return nil
}

// Emails returns the stored records sorted by date then id.
func (m *MemMailbox) Emails() []notebook.Email {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]notebook.Email, 0, len(m.emails))
	for _, e := range m.emails {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Date.Equal(out[j].Date) {
			return out[i].Date.Before(out[j].Date)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Saves counts SaveEmail calls (tests check idempotence with it).
func (m *MemMailbox) Saves() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.saves
}
