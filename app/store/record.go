package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// Envelope is a stored record in the shape of sync-protocol.md: the data
// fields by name (including fields this version does not know, kept
// untouched), the HLC that last wrote each field, and the hub's seq once the
// record has been synced.
type Envelope struct {
	ID            string                     `json:"id"`
	Type          notebook.Type              `json:"type"`
	Scope         string                     `json:"scope,omitempty"`
	Seq           uint64                     `json:"seq,omitempty"`
	Deleted       bool                       `json:"deleted"`
	SchemaVersion int                        `json:"schema_version"`
	Data          map[string]json.RawMessage `json:"data"`
	FieldHLC      map[string]string          `json:"field_hlc,omitempty"`
	UpdatedBy     string                     `json:"updated_by,omitempty"`
	UpdatedAt     time.Time                  `json:"updated_at"`
	LocalOnly     bool                       `json:"local_only,omitempty"` // never queued for sync (e.g. unlinked email)
}

// Decode fills dst (a pointer to a record of the envelope's type) from Data.
func (e Envelope) Decode(dst notebook.Record) error {
	if err := decodeData(e.Data, dst); err != nil {
		return notebook.Wrap(notebook.Invalid, err, "%s %s holds data this app cannot read: %v", e.Type, e.ID, err)
	}
	return setID(dst, e.ID)
}

// setID writes id into dst through JSON so the store needs no per-type code.
func setID(dst notebook.Record, id string) error {
	return json.Unmarshal([]byte(`{"id":`+quote(id)+`}`), dst)
}

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// fieldsOf turns a record into its data fields (without "id").
func fieldsOf(rec notebook.Record) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	delete(fields, "id")
	return fields, nil
}

// SaveOption changes how Save treats one edit.
type SaveOption func(*saveConfig)

type saveConfig struct {
	localOnly bool
	origin    string
}

// LocalOnly keeps the edit on this device: no outbox mutation. Used for
// emails that are not linked as evidence; nothing irrelevant leaves the laptop.
func LocalOnly() SaveOption { return func(c *saveConfig) { c.localOnly = true } }

// FromImport marks the change as coming from an import (shown in events).
func FromImport() SaveOption { return func(c *saveConfig) { c.origin = "import" } }

// Saved reports what a Save did. Changed is empty when nothing changed.
type Saved struct {
	Seq        uint64   `json:"seq"`
	MutationID uint64   `json:"mutation_id"`
	Changed    []string `json:"changed"`
	Created    bool     `json:"created"`
}

// Save validates rec and writes it as one fsynced transaction: the record,
// its index entries and search postings, a change-feed entry and (unless
// LocalOnly) an outbox mutation naming exactly the changed fields. Saving a
// record unchanged does nothing.
func (s *Store) Save(ctx context.Context, rec notebook.Record, opts ...SaveOption) (Saved, error) {
	if err := ctxErr(ctx); err != nil {
		return Saved{}, err
	}
	fields, cfg, err := prepareSave(rec, opts)
	if err != nil {
		return Saved{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var saved Saved
	var change Change
	err = s.update(func(w *writer) (err error) {
		saved, change, err = w.save(rec, fields, cfg)
		return err
	})
	if err != nil {
		return Saved{}, internal(err, "saving the "+string(rec.RecordType()))
	}
	if saved.Seq > 0 {
		s.publish(change)
	}
	return saved, nil
}

// prepareSave does what Save and Batch.Save do before a transaction:
// options, validation and the record's data fields.
func prepareSave(rec notebook.Record, opts []SaveOption) (map[string]json.RawMessage, saveConfig, error) {
	cfg := saveConfig{origin: "local"}
	for _, o := range opts {
		o(&cfg)
	}
	if err := rec.Validate(); err != nil {
		return nil, cfg, err
	}
	fields, err := fieldsOf(rec)
	if err != nil {
		return nil, cfg, internal(err, "encoding the record")
	}
	return fields, cfg, nil
}

// save is Save's work inside a transaction: what it did, and the change to
// publish once the transaction commits (Seq 0: nothing changed).
func (w *writer) save(rec notebook.Record, fields map[string]json.RawMessage, cfg saveConfig) (Saved, Change, error) {
	t, id := rec.RecordType(), rec.RecordID()
	old, exists, err := w.load(t, id)
	if err != nil {
		return Saved{}, Change{}, err
	}
	if exists && old.Deleted {
		return Saved{}, Change{}, notebook.Errorf(notebook.NotFound, "this %s was deleted (perhaps on another device)", t)
	}
	keys := deriveKeys(rec, !w.deferPostings)
	if err := w.checkUnique(rec, keys.uniques); err != nil {
		return Saved{}, Change{}, err
	}
	changed := changedFields(old.Data, fields)
	if len(changed) == 0 {
		return Saved{}, Change{}, nil
	}
	if err := w.copyOnWrite(old, exists); err != nil {
		return Saved{}, Change{}, err
	}
	hlc := w.s.clock.Now()
	next := Envelope{ID: id, Type: t, Data: map[string]json.RawMessage{}, FieldHLC: map[string]string{}, LocalOnly: cfg.localOnly}
	if exists {
		next = old.clone()
	}
	stamp := hlc.String()
	for _, f := range changed {
		next.Data[f], next.FieldHLC[f] = fields[f], stamp
	}
	next.SchemaVersion, next.UpdatedBy, next.UpdatedAt = SchemaVersion, w.s.opts.Author, time.Now().UTC()
	if !cfg.localOnly && next.LocalOnly { // a local-only record starts syncing: send all of it
		next.LocalOnly = false
		changed = sortedKeys(next.Data)
	}
	if err := w.putDerived(old, exists, next, keys); err != nil {
		return Saved{}, Change{}, err
	}
	saved := Saved{Changed: changed, Created: !exists}
	if !next.LocalOnly {
		m := Mutation{Op: OpUpsert, Type: t, ID: id, Fields: pick(next.Data, changed), HLC: stamp}
		if t == notebook.TypeCall && slices.Contains(changed, "notes") {
			m.Base = map[string]string{"notes": w.serverHLC(t, id, "notes")}
		}
		if saved.MutationID, err = w.appendOutbox(m); err != nil {
			return Saved{}, Change{}, err
		}
	}
	change := Change{Type: t, ID: id, Op: OpUpsert, Origin: cfg.origin}
	saved.Seq, err = w.appendFeed(&change)
	return saved, change, err
}

// Delete tombstones a record (delete wins over later edits from elsewhere)
// and queues a delete mutation.
func (s *Store) Delete(ctx context.Context, t notebook.Type, id string) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	var change Change
	err := s.update(func(w *writer) error {
		old, exists, err := w.load(t, id)
		if err != nil {
			return err
		}
		if !exists || old.Deleted {
			return notebook.Errorf(notebook.NotFound, "no %s with id %s", t, id)
		}
		if err := w.copyOnWrite(old, exists); err != nil {
			return err
		}
		hlc := s.clock.Now()
		next := old.clone()
		next.Deleted, next.UpdatedAt, next.UpdatedBy = true, time.Now().UTC(), s.opts.Author
		if err := w.put(old, true, next); err != nil {
			return err
		}
		if !old.LocalOnly {
			if _, err := w.appendOutbox(Mutation{Op: OpDelete, Type: t, ID: id, HLC: hlc.String()}); err != nil {
				return err
			}
		}
		change = Change{Type: t, ID: id, Op: OpDelete, Origin: "local"}
		_, err = w.appendFeed(&change)
		return err
	})
	if err != nil {
		return internal(err, "deleting the "+string(t))
	}
	s.publish(change)
	return nil
}

// Get loads the record with id into dst, a pointer whose type names the kind
// of record. Deleted records are NotFound.
func (s *Store) Get(ctx context.Context, id string, dst notebook.Record) error {
	if err := ctxErr(ctx); err != nil {
		return err
	}
	return s.viewDB(func(txn *badger.Txn) error {
		return getInto(txn, dst.RecordType(), id, dst)
	})
}

// Envelope returns the stored envelope of a record, tombstones included.
func (s *Store) Envelope(ctx context.Context, t notebook.Type, id string) (Envelope, error) {
	var env Envelope
	err := s.viewDB(func(txn *badger.Txn) error {
		e, ok, err := loadEnvelope(txn, t, id)
		if err == nil && !ok {
			err = notebook.Errorf(notebook.NotFound, "no %s with id %s", t, id)
		}
		env = e
		return err
	})
	return env, err
}

func getInto(txn *badger.Txn, t notebook.Type, id string, dst notebook.Record) error {
	item, err := txn.Get(recordKey(t, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return notebook.Errorf(notebook.NotFound, "no %s with id %s", t, id)
	}
	if err != nil {
		return internal(err, "reading a "+string(t))
	}
	return decodeItem(item, t, id, dst)
}

// decodeItem fills dst from a stored record value. It decodes the data
// object straight into the typed record, not through Envelope's map of
// fields first (Envelope.Decode): the same result for half the decoding,
// which listing 100k accounts for an import spent most of its time on.
func decodeItem(item *badger.Item, t notebook.Type, id string, dst notebook.Record) error {
	var head struct {
		Deleted bool            `json:"deleted"`
		Data    json.RawMessage `json:"data"`
	}
	var dataErr error
	err := item.Value(func(v []byte) error {
		if err := json.Unmarshal(v, &head); err != nil {
			return err
		}
		if !head.Deleted {
			dataErr = json.Unmarshal(head.Data, dst)
		}
		return nil
	})
	if err != nil {
		return internal(err, "reading a "+string(t))
	}
	if head.Deleted {
		return notebook.Errorf(notebook.NotFound, "no %s with id %s", t, id)
	}
	if dataErr != nil {
		return notebook.Wrap(notebook.Invalid, dataErr, "%s %s holds data this app cannot read: %v", t, id, dataErr)
	}
	return setID(dst, id)
}

func loadEnvelope(txn *badger.Txn, t notebook.Type, id string) (Envelope, bool, error) {
	item, err := txn.Get(recordKey(t, id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return Envelope{}, false, nil
	}
	if err != nil {
		return Envelope{}, false, err
	}
	var env Envelope
	err = item.Value(func(v []byte) error { return json.Unmarshal(v, &env) })
	return env, err == nil, err
}

func (e Envelope) clone() Envelope {
	c := e
	c.Data = make(map[string]json.RawMessage, len(e.Data))
	for k, v := range e.Data {
		c.Data[k] = v
	}
	c.FieldHLC = make(map[string]string, len(e.FieldHLC))
	for k, v := range e.FieldHLC {
		c.FieldHLC[k] = v
	}
	return c
}

// changedFields lists the fields of next whose JSON differs from old's.
func changedFields(old, next map[string]json.RawMessage) []string {
	var changed []string
	for _, f := range sortedKeys(next) {
		if !jsonEqual(old[f], next[f]) {
			changed = append(changed, f)
		}
	}
	return changed
}

// jsonEqual compares two field values as encoding/json writes them (compact,
// canonical); differently formatted equal values count as a change, which
// only costs a redundant field in a mutation. null equals absent.
func jsonEqual(a, b json.RawMessage) bool {
	return bytes.Equal(a, b) || isNull(a) && isNull(b)
}

func isNull(b []byte) bool { return len(b) == 0 || string(b) == "null" }

func pick(data map[string]json.RawMessage, names []string) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(names))
	for _, n := range names {
		out[n] = data[n]
	}
	return out
}
