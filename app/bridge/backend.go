package bridge

import (
	"context"
	"io"
	"log/slog"
	"time"

	"fieldnotes/app/notebook"
)

// Backend is what the bridge needs from the notebook store. app/desktop
// adapts *store.Store to it; the store's generic List becomes List by type.
type Backend interface {
	Save(ctx context.Context, rec notebook.Record) (Saved, error)
	// SaveAll saves records that one user action changed together (a new
	// ranking) in one durable transaction: all of them or none.
	SaveAll(ctx context.Context, recs []notebook.Record) error
	Delete(ctx context.Context, t notebook.Type, id string) error
	Get(ctx context.Context, id string, dst notebook.Record) error
	// List returns records of type t as values (notebook.Account, not *Account).
	List(ctx context.Context, t notebook.Type, q Query) ([]notebook.Record, error)
	Search(ctx context.Context, q string, limit int) ([]Hit, error)
	// IndexLag is how many stored changes search cannot find yet (the index
	// of a large first sync is built in the background).
	IndexLag() uint64
	Count(ctx context.Context, t notebook.Type) (int, error)
	PendingCount(ctx context.Context) (int, error)
	Dir() string
	Encrypted() bool
	Backup(ctx context.Context, w io.Writer) error
	// Restore replaces the notebook with a backup; open may be called more
	// than once (the store verifies the whole file before it replaces anything).
	Restore(ctx context.Context, open func() (io.ReadCloser, error)) error
}

// Saved reports a durable commit: Seq is the change-feed sequence.
type Saved struct {
	Seq     uint64
	Changed []string
	Created bool
}

// Query narrows a List; empty fields mean "any".
type Query struct {
	AccountID, HypothesisID, CallID, ContactID, StudyID string
	OpportunityID                                       string // evidence said in a deal
	Newest                                              bool
	Limit                                               int
}

// Hit is one full-text search result.
type Hit struct {
	Type    notebook.Type
	ID      string
	Title   string
	Snippet string
	Score   float64
}

// Emitter sends an event to every connected frontend (Wails runtime.EventsEmit
// in the app, a recorder in tests).
type Emitter interface {
	Emit(name string, data any)
}

// Dialogs opens native file choosers. The e2e build swaps in one that answers
// with fixed paths, because a native dialog in the Xvfb window is out of a
// browser test's reach. An empty path means the user cancelled.
type Dialogs interface {
	OpenFile(ctx context.Context, title string, extensions []string) (string, error)
	SaveFile(ctx context.Context, title, defaultName string) (string, error)
}

// Transfer imports and exports files (app/transfer in the app).
type Transfer interface {
	// Import imports path; mapping (header → field) nil means the mapping
	// remembered for this header set, if any.
	Import(ctx context.Context, path string, mapping map[string]string) (ImportReport, error)
	// Preview plans importing path without writing anything.
	Preview(ctx context.Context, path string, mapping map[string]string) (ImportPreview, error)
	Export(ctx context.Context, format, path string) (int, error)
}

// Deps is everything the bound structs share.
type Deps struct {
	Store     Backend
	Emit      Emitter
	Dialogs   Dialogs
	Transfer  Transfer
	Log       *slog.Logger
	Now       func() time.Time
	Author    string            // local user id stamped on evidence and calls
	Role      notebook.Audience // sales or cs; "" sees every hypothesis
	KeySource string            // where the data key came from (keyring, env, file)
	Sync      func() SyncState  // nil until a sync engine runs
	Mail      *MailDeps         // nil: the Mail area answers "not available" (mail.go)
	Assist    *AssistDeps       // nil: the Assist area answers "not available" (assist.go)
	SyncArea  *SyncDeps         // nil: the Sync area answers "not available" (sync.go)
	Updates   *UpdateDeps       // nil: the Updates area answers "not available" (update.go)
	// SeedDemo writes the demo notebook (app/demo, as `fieldnotes demo`) and
	// says what it wrote; nil: the welcome cannot offer the demo.
	SeedDemo func(ctx context.Context) (string, error)
	// StartLink is the fieldnotes:// link the app was started with, or "".
	StartLink string
	// Links, when set, replaces StartLink: the window hands over the links
	// later launches of the app were given (handoff.go).
	Links *Links
}

func (d *Deps) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC()
	}
	return time.Now().UTC()
}

func (d *Deps) emit(name string, data any) {
	if d.Emit != nil {
		d.Emit.Emit(name, data)
	}
}

// listOf lists records of one type as their concrete value type.
func listOf[T notebook.Record](ctx context.Context, b Backend, t notebook.Type, q Query) ([]T, error) {
	recs, err := b.List(ctx, t, q)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(recs))
	for _, r := range recs {
		switch v := any(r).(type) {
		case T:
			out = append(out, v)
		case *T:
			out = append(out, *v)
		}
	}
	return out, nil
}
