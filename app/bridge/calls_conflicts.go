package bridge

import (
	"context"

	"fieldnotes/app/notebook"
)

// DismissConflict removes one conflict copy of a call's notes (the one
// written at hlc by clientID), or every copy when hlc is "". The rep has
// kept their notes or taken the other text over with SaveNotes first; the
// shorter list then syncs as plain last-writer-wins (`notes_conflicts: []`
// once none is left).
func (c *Calls) DismissConflict(id, hlc, clientID string) (r SaveResult, err error) {
	defer guard(c.d.Log, "Calls.DismissConflict", &err)
	ctx := context.Background()
	var call notebook.Call
	if err := c.d.Store.Get(ctx, id, &call); err != nil {
		return r, err
	}
	keep := []notebook.NotesConflict{}
	if call.NotesConflicts != nil && hlc != "" {
		for _, x := range *call.NotesConflicts {
			if x.HLC != hlc || x.ClientID != clientID {
				keep = append(keep, x)
			}
		}
	}
	return c.update(id, func(call *notebook.Call) error { call.NotesConflicts = &keep; return nil })
}
