package hub

import (
	"encoding/json"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
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
// trashed, so product or admin can undo it (an upsert by them restores
// the record, then applies the patch). The tombstone goes out as before.
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
	v, patched := c.m.Fields[fieldDoNotContact]
	clearing := patched && !isTrue(v)
	switch {
	case isTrue(rec.Data[fieldDoNotContact]):
		return o, rememberOptOut(tx, c, *rec)
	case !opt.Set:
		return o, nil
	case clearing && c.user.Role.ReadsAll():
		opt.Set, opt.ClearedBy, opt.ClearedAt = false, c.user.ID, c.now.UTC()
		s.log.Info("do_not_contact cleared for an address", "contact", rec.ID, "by", c.user.ID, "at", opt.ClearedAt)
		return o, putOptOut(tx, email, opt)
	case clearing:
		return reject(notebook.Forbidden, "do_not_contact: this contact's email address opted out; only product or admin may clear it"), nil
	}
	rec.Data[fieldDoNotContact] = json.RawMessage("true")
	rec.FieldHLC[fieldDoNotContact] = s.clock.Now().String()
	rec.FieldClient[fieldDoNotContact] = hubClientID
	return o, nil
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

// restoreFromTrash undoes the delete of an account or contact for product
// or admin: the record comes back as it was, and the patch then applies.
func (s *Server) restoreFromTrash(tx hubdb.Tx, c *change, cur hubdb.Record) (hubdb.Record, bool, error) {
	if !c.user.Role.ReadsAll() || (cur.Type != "account" && cur.Type != "contact") {
		return cur, false, nil
	}
	raw, ok, err := tx.GetDoc(nsTrash, cur.ID)
	if err != nil || !ok {
		return cur, false, err
	}
	var t trashed
	if err := json.Unmarshal(raw, &t); err != nil {
		return cur, false, err
	}
	restored := t.Record
	restored.Seq, restored.Deleted = cur.Seq, false
	s.log.Info("deleted record restored", "type", cur.Type, "id", cur.ID, "by", c.user.ID, "deleted_by", t.DeletedBy, "deleted_at", t.DeletedAt)
	return restored, true, tx.DeleteDoc(nsTrash, cur.ID)
}
