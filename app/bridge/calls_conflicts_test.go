package bridge

import (
	"context"
	"testing"

	"fieldnotes/app/notebook"
)

func TestNotesConflictsShownAndDismissed(t *testing.T) {
	w := newWorld(t)
	calls := NewCalls(w.d)
	call, err := calls.Start(w.acct.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	v, _ := calls.View(call.ID)
	if v.Call.NotesConflicts == nil || len(v.Call.NotesConflicts) != 0 {
		t.Fatalf("no conflicts must be [], got %#v", v.Call.NotesConflicts)
	}
	// What a pull writes when the hub kept two losing bodies.
	var rec notebook.Call
	if err := w.d.Store.Get(context.Background(), call.ID, &rec); err != nil {
		t.Fatal(err)
	}
	copies := []notebook.NotesConflict{{Text: "laptop text", HLC: "1", ClientID: "c_laptop", KeptAt: "2026-11-22T10:01:02Z"},
		{Text: "phone text", HLC: "2", ClientID: "c_phone", KeptAt: "2026-11-22T10:02:02Z"}}
	rec.NotesConflicts = &copies
	if _, err := w.d.Store.Save(context.Background(), &rec); err != nil {
		t.Fatal(err)
	}
	if _, err := calls.SaveNotes(call.ID, "desk text"); err != nil { // an edit keeps the copies
		t.Fatal(err)
	}
	v, _ = calls.View(call.ID)
	if len(v.Call.NotesConflicts) != 2 || v.Call.NotesConflicts[0].Text != "laptop text" {
		t.Fatalf("conflicts = %#v", v.Call.NotesConflicts)
	}
	if _, err := calls.DismissConflict(call.ID, "1", "c_laptop"); err != nil {
		t.Fatal(err)
	}
	v, _ = calls.View(call.ID)
	if len(v.Call.NotesConflicts) != 1 || v.Call.NotesConflicts[0].ClientID != "c_phone" {
		t.Fatalf("after one dismissal: %#v", v.Call.NotesConflicts)
	}
	if _, err := calls.DismissConflict(call.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	v, _ = calls.View(call.ID)
	if len(v.Call.NotesConflicts) != 0 || v.Call.Notes != "desk text" {
		t.Fatalf("after dismissing all: %#v", v.Call)
	}
	if _, err := calls.DismissConflict("no-such-call", "", ""); code(err) != notebook.NotFound {
		t.Fatalf("unknown call: %v", err)
	}
}
