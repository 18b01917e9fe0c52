package hub

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// Do-not-contact belongs to the contact's email address, not to the record
// (sync-protocol.md, "Conflict rules"): once set for an address it holds
// for every live or future contact with that address — through delete,
// recreate, merge or an email change — until product or admin clears it.
// Deleting a flagged contact and creating one with the same email and
// do_not_contact false, or moving the email to another record, used to
// bypass it.
//
// nsDoNotContact: "<normalised email>" → optOut. The address is trimmed
// and lower-cased (notebook.NormalizeEmail, or just that for a value that
// is not a plain address, so nothing escapes by being oddly written).
const nsDoNotContact = "dnc"

// nsTrash keeps what a delete of an account or contact removed: "<id>" →
// trashed, so product or admin can undo it (RestoreDeleted). The tombstone
// goes out as before.
const nsTrash = "trash"

type optOut struct {
	Set       bool      `json:"set"`
	SetBy     string    `json:"set_by,omitempty"`
	SetAt     time.Time `json:"set_at"`
	ContactID string    `json:"contact_id,omitempty"`
	ClearedBy string    `json:"cleared_by,omitempty"`
	ClearedAt time.Time `json:"cleared_at"`
}

type trashed struct {
	Record    hubdb.Record `json:"record"`
	DeletedBy string       `json:"deleted_by"`
	DeletedAt time.Time    `json:"deleted_at"`
}

func emailKey(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	if n := notebook.NormalizeEmail(s); n != "" {
		return n
	}
	return strings.ToLower(strings.TrimSpace(s))
}

func getOptOut(tx hubdb.Tx, email string) (optOut, error) {
	var o optOut
	raw, ok, err := tx.GetDoc(nsDoNotContact, email)
	if err != nil || !ok {
		return o, err
	}
	return o, json.Unmarshal(raw, &o)
}

func putOptOut(tx hubdb.Tx, email string, o optOut) error {
	raw, _ := json.Marshal(o)
	return tx.PutDoc(nsDoNotContact, email, raw)
}

// rememberOptOut records the address of a flagged contact (also one
// flagged before addresses were tracked).
func rememberOptOut(tx hubdb.Tx, c *change, rec hubdb.Record) error {
	email := emailKey(rec.Data["email"])
	if email == "" || !isTrue(rec.Data[fieldDoNotContact]) {
		return nil
	}
	o, err := getOptOut(tx, email)
	if err != nil || o.Set {
		return err
	}
	return putOptOut(tx, email, optOut{Set: true, SetBy: c.user.ID, SetAt: c.now.UTC(), ContactID: rec.ID})
}

// enforceDoNotContact runs on every contact write the merge decided:
// a flag set on the record is remembered for its address; a live contact
// whose address is flagged is flagged too, unless product or admin
// explicitly clears it (logged with who and when).
func (s *Server) enforceDoNotContact(tx hubdb.Tx, c *change, cur hubdb.Record, exists bool, o outcome) (outcome, error) {
	if exists {
		if err := rememberOptOut(tx, c, cur); err != nil { // the old address stays flagged through an email change
			return o, err
		}
	}
	v, patched := c.m.Fields[fieldDoNotContact]
	clearing := patched && !isTrue(v)
	if clearing && c.user.Role.ReadsAll() && o.rejected == nil && exists {
		return s.clearDoNotContact(tx, c, cur, o)
	}
	if o.write == nil || o.write.Deleted {
		return o, nil
	}
	rec := o.write
	email := emailKey(rec.Data["email"])
	if email == "" {
		return o, nil
	}
	opt, err := getOptOut(tx, email)
	if err != nil {
		return o, err
	}
	switch {
	case isTrue(rec.Data[fieldDoNotContact]):
		return o, rememberOptOut(tx, c, *rec)
	case !opt.Set:
		return o, nil
	case clearing:
		return reject(notebook.Forbidden, "do_not_contact: this contact's email address opted out; only product or admin may clear it"), nil
	}
	rec.Data[fieldDoNotContact] = json.RawMessage("true")
	rec.FieldHLC[fieldDoNotContact] = s.clock.Now().String()
	rec.FieldClient[fieldDoNotContact] = hubClientID
	return o, nil
}

// clearDoNotContact is product's or admin's explicit clear: it wins over
// the hub's own re-flagging whatever the HLCs, and lifts the address's
// opt-out (recorded with who and when, and logged).
func (s *Server) clearDoNotContact(tx hubdb.Tx, c *change, cur hubdb.Record, o outcome) (outcome, error) {
	if cur.Deleted {
		return o, nil
	}
	rec := o.write
	if rec == nil {
		r := cloneOrNew(c, cur, true, cur.Scope)
		r.UpdatedBy, r.UpdatedAt = c.user.ID, c.now
		rec = &r
	}
	if isTrue(cur.Data[fieldDoNotContact]) || rec.Data[fieldDoNotContact] == nil || isTrue(rec.Data[fieldDoNotContact]) {
		rec.Data[fieldDoNotContact] = json.RawMessage("false")
		rec.FieldHLC[fieldDoNotContact] = s.clock.Now().String()
		rec.FieldClient[fieldDoNotContact] = c.clientID
	}
	if email := emailKey(rec.Data["email"]); email != "" {
		opt, err := getOptOut(tx, email)
		if err != nil {
			return o, err
		}
		if opt.Set {
			opt.Set, opt.ClearedBy, opt.ClearedAt = false, c.user.ID, c.now.UTC()
			s.log.Info("do_not_contact cleared for an address", "contact", rec.ID, "by", c.user.ID, "at", opt.ClearedAt)
			if err := putOptOut(tx, email, opt); err != nil {
				return o, err
			}
		}
	}
	return outcome{write: rec}, nil
}

// trashOnDelete keeps what a delete of an account or contact removes.
func trashOnDelete(tx hubdb.Tx, c *change, cur hubdb.Record, exists bool, o outcome) error {
	if !exists || cur.Deleted || o.write == nil || (cur.Type != "account" && cur.Type != "contact") {
		return nil
	}
	if err := rememberOptOut(tx, c, cur); err != nil {
		return err
	}
	raw, _ := json.Marshal(trashed{Record: cur, DeletedBy: c.user.ID, DeletedAt: c.now.UTC()})
	return tx.PutDoc(nsTrash, cur.ID, raw)
}

// RestoreDeleted undoes the delete of an account or contact (product or
// admin): the record comes back as it was before the delete, with a new
// seq, under the hub's own client id for that user. An ordinary upsert
// never does this: a delete still wins over edits.
func (s *Server) RestoreDeleted(ctx context.Context, user hubdb.User, id string) (syncproto.Result, error) {
	if !user.Role.ReadsAll() {
		return syncproto.Result{}, notebook.Errorf(notebook.Forbidden, "only product or admin may restore a deleted record")
	}
	clientID, err := s.hubClientID(ctx, "restore", user)
	if err != nil {
		return syncproto.Result{}, err
	}
	var res syncproto.Result
	err = s.store.Update(ctx, []string{syncproto.UserScope(user.ID), syncproto.OrgScope}, func(tx hubdb.Tx) error {
		cur, ok, err := tx.Get(id)
		if err != nil {
			return err
		}
		raw, inTrash, err := tx.GetDoc(nsTrash, id)
		if err != nil {
			return err
		}
		if !ok || !cur.Deleted || !inTrash {
			return notebook.Errorf(notebook.NotFound, "%s is not a deleted account or contact the hub kept", id)
		}
		var t trashed
		if err := json.Unmarshal(raw, &t); err != nil {
			return err
		}
		last, err := tx.LastMutationID(clientID)
		if err != nil {
			return err
		}
		rec := t.Record
		rec.Deleted, rec.UpdatedBy, rec.UpdatedAt = false, user.ID, s.now()
		if err := tx.Apply(clientID, last+1, &rec); err != nil {
			return err
		}
		res = syncproto.Result{MutationID: last + 1, Status: syncproto.StatusApplied, Seq: rec.Seq}
		s.log.Info("deleted record restored", "type", rec.Type, "id", id, "by", user.ID, "deleted_by", t.DeletedBy, "deleted_at", t.DeletedAt)
		return tx.DeleteDoc(nsTrash, id)
	})
	if err == nil {
		s.notify.publish(syncproto.OrgScope)
	}
	return res, err
}

// handleRestore is POST /v1/records/{id}/restore (product, admin).
func (s *Server) handleRestore(w http.ResponseWriter, r *http.Request) {
	res, err := s.RestoreDeleted(r.Context(), userFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "seq": res.Seq})
}
