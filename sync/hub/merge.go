package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sort"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// hubClientID marks fields the hub itself wrote (received_at, notes_conflicts).
const hubClientID = "hub"

// Hub-maintained data fields (sync/README.md).
const (
	fieldReceivedAt     = "received_at"     // evidence: hub time of first receipt
	fieldNotesConflicts = "notes_conflicts" // call: losing concurrent notes bodies
	fieldNotes          = "notes"
	fieldLinks          = "links"
	fieldDoNotContact   = "do_not_contact"
)

// change is one mutation being decided.
type change struct {
	user     hubdb.User
	clientID string
	m        syncproto.Mutation
	hlc      string // after clamping
	now      time.Time
}

// outcome of deciding a mutation: a record to write, or the current seq
// when nothing changes, or a rejection.
type outcome struct {
	write    *hubdb.Record
	seq      uint64
	rejected *notebook.Error
}

func reject(code notebook.Code, format string, args ...any) outcome {
	return outcome{rejected: notebook.Errorf(code, format, args...)}
}

// decide applies the scope, role and conflict rules to one mutation.
func (s *Server) decide(tx hubdb.Tx, c *change) (outcome, error) {
	if !notebook.ValidID(c.m.ID) {
		return reject(notebook.Invalid, "id: %q is not a valid record id (1-64 letters, digits, '-', '_')", c.m.ID), nil
	}
	hlc, rej := s.stampHLC(c.m.HLC)
	if rej != nil {
		return outcome{rejected: rej}, nil
	}
	c.hlc = hlc
	cur, exists, err := tx.Get(c.m.ID)
	if err != nil {
		return outcome{}, err
	}
	if exists && cur.Type != c.m.Type {
		if !canRead(c.user, cur.Scope) {
			return reject(notebook.Invalid, "%s", unusableID(c.m.ID)), nil
		}
		return reject(notebook.Invalid, "id: %s is already a %s; a record id names one record of one type, so give this %s a new id", c.m.ID, cur.Type, c.m.Type), nil
	}
	scope := targetScope(c, cur, exists)
	if o, ok := authorize(c, scope); !ok {
		return o, nil
	}
	if c.m.Op == syncproto.OpDelete {
		o := deleteRecord(c, cur, exists, scope)
		return o, trashOnDelete(tx, c, cur, exists, o)
	}
	if exists && cur.Deleted {
		return reject(notebook.NotFound, "%s %s was deleted; a delete wins over an edit", c.m.Type, c.m.ID), nil
	}
	o := s.upsert(c, cur, exists, scope)
	if c.m.Type == "contact" {
		return s.enforceDoNotContact(tx, c, cur, exists, o)
	}
	return o, nil
}

// stampHLC parses the mutation's HLC and re-stamps one more than
// MaxClockSkew ahead of the hub's clock with the hub's own.
func (s *Server) stampHLC(wire string) (string, *notebook.Error) {
	h, err := notebook.ParseHLC(wire)
	if err != nil {
		return "", notebook.Errorf(notebook.Invalid, "hlc: %q is not \"<13-digit ms>-<4 hex>\"", wire)
	}
	if h.Millis > s.now().Add(s.skew).UnixMilli() {
		return s.clock.Now().String(), nil
	}
	s.clock.Observe(h)
	return h.String(), nil
}

// canRead reports whether user may read scope.
func canRead(user hubdb.User, scope string) bool {
	return user.Role.ReadsAll() || scope == syncproto.OrgScope || scope == syncproto.UserScope(user.ID)
}

// unusableID is the one message for an id taken in a scope the caller
// cannot read: it says neither that the record exists nor what it is, so
// an error never tells a user about another user's records.
func unusableID(id string) string {
	return "id: " + id + " cannot be used for this record; give it a new id (a UUIDv7 or ULID, as notebooks make them)"
}

func targetScope(c *change, cur hubdb.Record, exists bool) string {
	switch {
	case syncproto.OrgScoped(c.m.Type):
		return syncproto.OrgScope
	case exists:
		return cur.Scope
	}
	return syncproto.UserScope(c.user.ID)
}

// authorize applies the scope table: hypothesis and study are product's;
// account, contact and opportunity everyone's; the rest only their owner's.
func authorize(c *change, scope string) (outcome, bool) {
	t := c.m.Type
	switch {
	case (t == "hypothesis" || t == "study") && !c.user.Role.ReadsAll():
		return reject(notebook.Forbidden, "only product or admin may write a %s", t), false
	case scope != syncproto.OrgScope && scope != syncproto.UserScope(c.user.ID) && !canRead(c.user, scope):
		return reject(notebook.Forbidden, "%s", unusableID(c.m.ID)), false
	case scope != syncproto.OrgScope && scope != syncproto.UserScope(c.user.ID):
		return reject(notebook.Forbidden, "%s %s belongs to another user; only its owner may change it", t, c.m.ID), false
	}
	return outcome{}, true
}

func deleteRecord(c *change, cur hubdb.Record, exists bool, scope string) outcome {
	if exists && cur.Deleted {
		return outcome{seq: cur.Seq}
	}
	if !exists { // nothing to delete: storing a tombstone would reserve the id for good
		return outcome{}
	}
	// A tombstone carries no data: the record's content leaves every
	// replica with it, and delete wins over any later edit regardless of HLC.
	rec := hubdb.Record{ID: c.m.ID, Type: c.m.Type, Scope: scope, Deleted: true,
		Data: map[string]json.RawMessage{}, FieldHLC: map[string]string{},
		UpdatedBy: c.user.ID, UpdatedAt: c.now, CreatedBy: c.user.ID, CreatedAt: c.now}
	if exists {
		rec.CreatedBy, rec.CreatedAt = cur.CreatedBy, cur.CreatedAt
	}
	return outcome{write: &rec}
}

// upsert merges the patch field by field and validates the result.
func (s *Server) upsert(c *change, cur hubdb.Record, exists bool, scope string) outcome {
	rec := cloneOrNew(c, cur, exists, scope)
	patch, rej := cleanPatch(c)
	if rej != nil {
		return outcome{rejected: rej}
	}
	changed := !exists
	var r *notebook.Error
	switch c.m.Type {
	case "contact":
		r = checkDoNotContact(c, cur, patch)
	case "evidence":
		changed, r = s.mergeEvidence(c, cur, exists, &rec, patch)
		changed = changed || !exists
	case "call":
		changed = s.mergeNotes(c, exists, &rec, patch) || changed
	}
	if r != nil {
		return outcome{rejected: r}
	}
	for _, f := range sortedKeys(patch) {
		changed = setIfWins(&rec, f, patch[f], c.hlc, c.clientID) || changed
	}
	if !changed {
		return outcome{seq: cur.Seq}
	}
	if r := checkRecordSize(rec.Type, rec.Data); r != nil {
		return outcome{rejected: r}
	}
	if err := validateData(rec.Type, rec.ID, rec.Data); err != nil {
		return outcome{rejected: err}
	}
	rec.UpdatedBy, rec.UpdatedAt = c.user.ID, c.now
	return outcome{write: &rec}
}

func cloneOrNew(c *change, cur hubdb.Record, exists bool, scope string) hubdb.Record {
	if !exists {
		return hubdb.Record{ID: c.m.ID, Type: c.m.Type, Scope: scope, Data: map[string]json.RawMessage{},
			FieldHLC: map[string]string{}, FieldClient: map[string]string{}, CreatedBy: c.user.ID, CreatedAt: c.now}
	}
	rec := cur
	rec.Data = maps.Clone(cur.Data)
	rec.FieldHLC = maps.Clone(cur.FieldHLC)
	rec.FieldClient = maps.Clone(cur.FieldClient)
	for _, m := range []*map[string]string{&rec.FieldHLC, &rec.FieldClient} {
		if *m == nil {
			*m = map[string]string{}
		}
	}
	if rec.Data == nil {
		rec.Data = map[string]json.RawMessage{}
	}
	return rec
}

// cleanPatch compacts the values and drops what the client may not set:
// "id" (the envelope carries it) and the hub-maintained received_at.
func cleanPatch(c *change) (map[string]json.RawMessage, *notebook.Error) {
	patch := make(map[string]json.RawMessage, len(c.m.Fields))
	for f, v := range c.m.Fields {
		if f == "" {
			return nil, notebook.Errorf(notebook.Invalid, "fields: a field has an empty name")
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return nil, notebook.Errorf(notebook.Invalid, "%s: not valid JSON", f)
		}
		if r := checkFieldValue(f, buf.Bytes()); r != nil {
			return nil, r
		}
		patch[f] = buf.Bytes()
	}
	if id, ok := patch["id"]; ok {
		var s string
		if json.Unmarshal(id, &s) != nil || s != c.m.ID {
			return nil, notebook.Errorf(notebook.Invalid, "id: the data's id %s differs from the mutation's id %q", id, c.m.ID)
		}
		delete(patch, "id")
	}
	if c.m.Type == "evidence" {
		delete(patch, fieldReceivedAt)
	}
	return patch, nil
}

// setIfWins writes one field when the mutation's HLC wins per-field LWW
// (ties go to the larger client_id, so every replica picks the same one).
func setIfWins(rec *hubdb.Record, field string, value json.RawMessage, hlc, clientID string) bool {
	if cur, ok := rec.Data[field]; ok && bytes.Equal(cur, value) {
		return false
	}
	if !lwwWins(hlc, clientID, rec.FieldHLC[field], rec.FieldClient[field]) {
		return false
	}
	rec.Data[field] = value
	rec.FieldHLC[field] = hlc
	rec.FieldClient[field] = clientID
	return true
}

func lwwWins(hlc, client, curHLC, curClient string) bool {
	return hlc > curHLC || hlc == curHLC && client > curClient
}

// checkDoNotContact keeps do_not_contact sticky: once true, only product
// or admin may clear it.
func checkDoNotContact(c *change, cur hubdb.Record, patch map[string]json.RawMessage) *notebook.Error {
	v, ok := patch[fieldDoNotContact]
	if !ok || !isTrue(cur.Data[fieldDoNotContact]) || isTrue(v) || c.user.Role.ReadsAll() {
		return nil
	}
	return notebook.Errorf(notebook.Forbidden, "do_not_contact: is set on contact %s; only product or admin may clear it", c.m.ID)
}

func isTrue(v json.RawMessage) bool { return string(v) == "true" }

// mergeEvidence enforces immutable content with an author's grace window
// and merges links as an add-wins set. It removes the links from patch.
func (s *Server) mergeEvidence(c *change, cur hubdb.Record, exists bool, rec *hubdb.Record, patch map[string]json.RawMessage) (bool, *notebook.Error) {
	changed := false
	if !exists {
		rec.Data[fieldReceivedAt], _ = json.Marshal(c.now.UTC().Format(hubdb.TimeFormat))
		rec.FieldHLC[fieldReceivedAt] = s.clock.Now().String()
		rec.FieldClient[fieldReceivedAt] = hubClientID
	}
	if v, ok := patch[fieldLinks]; ok {
		delete(patch, fieldLinks)
		added, err := unionLinks(rec, v, c)
		if err != nil {
			return false, err
		}
		changed = added
	}
	if !exists {
		return changed, nil
	}
	editable := s.withinEditWindow(cur, c.now)
	for _, f := range sortedKeys(patch) {
		old, had := cur.Data[f]
		if !had || isEmptyJSON(old) || bytes.Equal(old, patch[f]) || editable {
			continue
		}
		return false, notebook.Errorf(notebook.Conflict, "%s: evidence content is immutable once it reached the hub; record a correction as a new evidence item", f)
	}
	return changed, nil
}

// withinEditWindow reports whether the hub receives an edit within the
// edit window after it first received the evidence — typing that an
// autosave split into several mutations is still part of its creation.
// Both times are the hub's own: a client's HLC says nothing here, since a
// client can backdate it at will.
func (s *Server) withinEditWindow(cur hubdb.Record, now time.Time) bool {
	var received string
	if json.Unmarshal(cur.Data[fieldReceivedAt], &received) != nil {
		return false
	}
	at, err := time.Parse(hubdb.TimeFormat, received)
	return err == nil && !now.After(at.Add(s.window))
}

func unionLinks(rec *hubdb.Record, v json.RawMessage, c *change) (bool, *notebook.Error) {
	var incoming, have []string
	if err := json.Unmarshal(v, &incoming); err != nil {
		return false, notebook.Errorf(notebook.Invalid, "invalid evidence: links: want a list of record ids")
	}
	_ = json.Unmarshal(rec.Data[fieldLinks], &have)
	merged := have
	for _, id := range incoming {
		if !slices.Contains(merged, id) {
			merged = append(merged, id)
		}
	}
	if len(merged) == len(have) && rec.Data[fieldLinks] != nil {
		return false, nil
	}
	if merged == nil {
		merged = []string{}
	}
	rec.Data[fieldLinks], _ = json.Marshal(merged)
	if c.hlc > rec.FieldHLC[fieldLinks] {
		rec.FieldHLC[fieldLinks], rec.FieldClient[fieldLinks] = c.hlc, c.clientID
	}
	return true, nil
}

// isEmptyJSON reports whether a value counts as "not filled in yet".
func isEmptyJSON(v json.RawMessage) bool {
	switch string(v) {
	case "", "null", `""`, "0", "[]", "{}", "false":
		return true
	}
	return false
}

// NotesConflict is one losing notes body kept on the call (sync/README.md).
type NotesConflict struct {
	Text     json.RawMessage `json:"text"`
	HLC      string          `json:"hlc"`
	ClientID string          `json:"client_id"`
	KeptAt   string          `json:"kept_at"`
}

// mergeNotes keeps the loser of two concurrent notes edits as a conflict
// copy. An edit is concurrent when the device's base HLC for notes is not
// the hub's current one and another device wrote the current one.
func (s *Server) mergeNotes(c *change, exists bool, rec *hubdb.Record, patch map[string]json.RawMessage) bool {
	incoming, ok := patch[fieldNotes]
	base, hasBase := c.m.Base[fieldNotes]
	current := rec.Data[fieldNotes]
	if !ok || !exists || !hasBase || isEmptyJSON(current) || bytes.Equal(current, incoming) ||
		base == rec.FieldHLC[fieldNotes] || rec.FieldClient[fieldNotes] == c.clientID {
		return false
	}
	loser := NotesConflict{Text: incoming, HLC: c.hlc, ClientID: c.clientID}
	if lwwWins(c.hlc, c.clientID, rec.FieldHLC[fieldNotes], rec.FieldClient[fieldNotes]) {
		loser = NotesConflict{Text: current, HLC: rec.FieldHLC[fieldNotes], ClientID: rec.FieldClient[fieldNotes]}
		rec.Data[fieldNotes], rec.FieldHLC[fieldNotes], rec.FieldClient[fieldNotes] = incoming, c.hlc, c.clientID
	}
	delete(patch, fieldNotes)
	loser.KeptAt = c.now.UTC().Format(hubdb.TimeFormat)
	var list []NotesConflict
	_ = json.Unmarshal(rec.Data[fieldNotesConflicts], &list)
	list = append(list, loser)
	rec.Data[fieldNotesConflicts], _ = json.Marshal(list)
	rec.FieldHLC[fieldNotesConflicts] = s.clock.Now().String()
	rec.FieldClient[fieldNotesConflicts] = hubClientID
	return true
}

// validateData decodes the merged data into app/notebook's typed record
// and validates it; the error names the field.
func validateData(typ, id string, data map[string]json.RawMessage) *notebook.Error {
	withID := maps.Clone(data)
	withID["id"], _ = json.Marshal(id)
	raw, _ := json.Marshal(withID)
	rec := notebook.NewRecord(notebook.Type(typ))
	if err := json.Unmarshal(raw, rec); err != nil {
		return notebook.Errorf(notebook.Invalid, "invalid %s: %s", typ, wrongField(typ, withID))
	}
	var ne *notebook.Error
	if err := rec.Validate(); err != nil {
		if errors.As(err, &ne) {
			return ne
		}
		return notebook.Errorf(notebook.Invalid, "invalid %s: %v", typ, err)
	}
	return nil
}

// wrongField finds the first field (by name) whose value does not decode
// into the typed record, and says why.
func wrongField(typ string, data map[string]json.RawMessage) string {
	for _, f := range sortedKeys(data) {
		one, _ := json.Marshal(map[string]json.RawMessage{f: data[f]})
		if err := json.Unmarshal(one, notebook.NewRecord(notebook.Type(typ))); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return f + ": want " + te.Type.String() + ", got JSON " + te.Value
			}
			return f + ": " + err.Error()
		}
	}
	return "the fields do not fit the record"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
