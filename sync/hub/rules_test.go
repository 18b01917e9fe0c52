package hub_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

func TestScopesNeverLeak(t *testing.T) {
	e := newEnv(t)
	acc, callA, evA, mailA := id(), id(), id(), id()
	hyp := id()
	wantStatus(t, pushOne(t, e.pm, synctest.Upsert(1, "hypothesis", hyp, hlc(), map[string]any{"statement": "Teams pay for X"})), "applied", "")
	res := push(t, e.repA, account(1, acc), call(2, callA, acc, "secret notes"), evidence(3, evA, hyp, nil),
		synctest.Upsert(4, "email", mailA, hlc(), map[string]any{"message_id": "<m@x>", "subject": "pricing"}))
	for _, r := range res {
		wantStatus(t, r, "applied", "")
	}
	pushOne(t, e.repB, call(1, id(), acc, "B's own"))

	userA, userB := e.users[e.repA], e.users[e.repB]
	for _, rec := range pullAll(t, e.repB) {
		if rec.Scope != "org" && rec.Scope != "user:"+userB {
			t.Fatalf("rep B pulled %s %s from scope %s", rec.Type, rec.ID, rec.Scope)
		}
	}
	seenByA := pullAll(t, e.repA)
	for _, want := range []string{acc, callA, evA, mailA, hyp} {
		if _, ok := seenByA[want]; !ok {
			t.Fatalf("rep A misses its own %s", want)
		}
	}
	for _, c := range []*synctest.WireClient{e.pm, e.admin} {
		all := pullAll(t, c)
		if len(all) != 6 || all[callA].Scope != "user:"+userA {
			t.Fatalf("product/admin pulled %d records", len(all))
		}
	}
	// B can neither edit nor delete A's records, and cannot plant one in A's scope.
	r := push(t, e.repB, call(2, callA, acc, "overwrite"), synctest.Delete(3, "evidence", evA, hlc()))
	wantStatus(t, r[0], "rejected", "forbidden")
	wantStatus(t, r[1], "rejected", "forbidden")
	// Product reads A's call but may not write it either (only the owner writes).
	wantStatus(t, pushOne(t, e.pm, call(2, callA, acc, "pm edit")), "rejected", "forbidden")
	if field(t, pullAll(t, e.repA)[callA], "notes") != "secret notes" {
		t.Fatal("A's notes changed")
	}
}

func TestLongPollNeverWakesWithOthersRecords(t *testing.T) {
	e := newEnv(t)
	_, cursor, _ := e.repB.PullAll(ctx, "")
	done := make(chan syncproto.PullResponse, 1)
	go func() {
		page, _, _ := e.repB.Pull(ctx, cursor, 0, 700*time.Millisecond)
		done <- page
	}()
	time.Sleep(100 * time.Millisecond)
	pushOne(t, e.repA, call(1, id(), id(), "private"))
	if page := <-done; len(page.Records) != 0 {
		t.Fatalf("rep B's long-poll returned %d records of rep A", len(page.Records))
	}
}

func TestPerFieldLastWriterWins(t *testing.T) {
	e := newEnv(t)
	acc := id()
	older := hlc()
	newer := hlc()
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(1, "account", acc, newer, map[string]any{"name": "New name", "segment": "smb"})), "applied", "")
	// B's edit was made earlier (older HLC): its name loses, its new field lands.
	wantStatus(t, pushOne(t, e.repB, synctest.Upsert(1, "account", acc, older, map[string]any{"name": "Old name", "stage": "customer"})), "applied", "")
	got := pullAll(t, e.pm)[acc]
	if field(t, got, "name") != "New name" || field(t, got, "stage") != "customer" || field(t, got, "segment") != "smb" {
		t.Fatalf("data %s", mustJSON(got.Data))
	}
}

func TestFutureHLCIsClamped(t *testing.T) {
	e := newEnv(t)
	acc := id()
	in2031 := synctest.HLCAt(time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), 0)
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(1, "account", acc, in2031, map[string]any{"name": "From the future"})), "applied", "")
	got := pullAll(t, e.pm)[acc]
	if got.FieldHLC["name"] >= synctest.HLCAt(time.Now().Add(5*time.Minute), 0) {
		t.Fatalf("HLC %s not clamped", got.FieldHLC["name"])
	}
	time.Sleep(2 * time.Millisecond)
	wantStatus(t, pushOne(t, e.repB, synctest.Upsert(1, "account", acc, hlc(), map[string]any{"name": "Present"})), "applied", "")
	if field(t, pullAll(t, e.pm)[acc], "name") != "Present" {
		t.Fatal("a clock set to 2031 still wins")
	}
}

func TestDoNotContactIsSticky(t *testing.T) {
	e := newEnv(t)
	c := id()
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(1, "contact", c, hlc(), map[string]any{"email": "ana@acme.com", "do_not_contact": true})), "applied", "")
	r := pushOne(t, e.repB, synctest.Upsert(1, "contact", c, hlc(), map[string]any{"do_not_contact": false}))
	wantStatus(t, r, "rejected", "forbidden")
	wantStatus(t, pushOne(t, e.repB, synctest.Upsert(2, "contact", c, hlc(), map[string]any{"title": "CTO"})), "applied", "")
	if field(t, pullAll(t, e.repA)[c], "do_not_contact") != true {
		t.Fatal("a field rep cleared do_not_contact")
	}
	wantStatus(t, pushOne(t, e.pm, synctest.Upsert(1, "contact", c, hlc(), map[string]any{"do_not_contact": false})), "applied", "")
	if field(t, pullAll(t, e.repA)[c], "do_not_contact") != false {
		t.Fatal("product could not clear do_not_contact")
	}
}

func TestConcurrentNotesKeepAConflictCopy(t *testing.T) {
	e := newEnv(t)
	laptop, desktop := e.repA, e.device(e.repA)
	callID, acc := id(), id()
	wantStatus(t, pushOne(t, laptop, call(1, callID, acc, "v1")), "applied", "")
	base := pullAll(t, desktop)[callID].FieldHLC["notes"]

	// The laptop edits on top of v1, then the desktop edits on top of v1 too.
	m := call(2, callID, acc, "laptop text")
	m.Base = map[string]string{"notes": base}
	wantStatus(t, pushOne(t, laptop, m), "applied", "")
	m = call(1, callID, acc, "desktop text")
	m.Base = map[string]string{"notes": base}
	wantStatus(t, pushOne(t, desktop, m), "applied", "")

	got := pullAll(t, laptop)[callID]
	if field(t, got, "notes") != "desktop text" {
		t.Fatalf("notes %v: the newer edit should win", field(t, got, "notes"))
	}
	var conflicts []map[string]any
	json.Unmarshal(got.Data["notes_conflicts"], &conflicts)
	if len(conflicts) != 1 || conflicts[0]["text"] != "laptop text" || conflicts[0]["client_id"] != laptop.ClientID {
		t.Fatalf("conflicts %s", got.Data["notes_conflicts"])
	}

	// A successive edit of the same device (its own version as base) is no conflict.
	m = call(2, callID, acc, "desktop text, more")
	m.Base = map[string]string{"notes": got.FieldHLC["notes"]}
	wantStatus(t, pushOne(t, desktop, m), "applied", "")
	// Neither is one with a base from the hub's current version.
	cur := pullAll(t, laptop)[callID]
	m = call(3, callID, acc, "laptop after pull")
	m.Base = map[string]string{"notes": cur.FieldHLC["notes"]}
	wantStatus(t, pushOne(t, laptop, m), "applied", "")
	json.Unmarshal(pullAll(t, laptop)[callID].Data["notes_conflicts"], &conflicts)
	if len(conflicts) != 1 {
		t.Fatalf("%d conflicts after non-concurrent edits", len(conflicts))
	}

	// A concurrent edit that loses (older HLC) is the copy, and the notes stay.
	stale := synctest.HLCAt(time.Now().Add(-time.Minute), 0)
	m = synctest.Upsert(3, "call", callID, stale, map[string]any{"notes": "old desktop draft"})
	m.Base = map[string]string{"notes": base}
	wantStatus(t, pushOne(t, desktop, m), "applied", "")
	got = pullAll(t, laptop)[callID]
	json.Unmarshal(got.Data["notes_conflicts"], &conflicts)
	if field(t, got, "notes") != "laptop after pull" || len(conflicts) != 2 || conflicts[1]["text"] != "old desktop draft" {
		t.Fatalf("notes %v conflicts %s", field(t, got, "notes"), got.Data["notes_conflicts"])
	}
}

func TestEvidenceIsImmutableAfterItsEditWindow(t *testing.T) {
	e := newEnv(t)
	ev, hyp := id(), id()
	at := func() string { return synctest.HLCAt(e.clock.now(), uint16(hlcCounter.Add(1))) }
	up := func(n uint64, f map[string]any) syncproto.Result {
		return pushOne(t, e.repA, synctest.Upsert(n, "evidence", ev, at(), f))
	}
	wantStatus(t, up(1, map[string]any{"hypothesis_id": hyp, "signal": "supports", "quote": "We'd", "received_at": "1999-01-01T00:00:00Z"}), "applied", "")
	first := pullAll(t, e.pm)[ev]
	receivedAt, _ := field(t, first, "received_at").(string)
	if when, err := time.Parse(time.RFC3339, receivedAt); err != nil || time.Since(when) > time.Minute {
		t.Fatalf("received_at %q", receivedAt)
	}
	// Autosave while typing: the author's edits right after creation land.
	wantStatus(t, up(2, map[string]any{"quote": "We'd pay 40 a seat"}), "applied", "")
	e.clock.advance(11 * time.Minute)
	wantStatus(t, up(3, map[string]any{"quote": "We'd pay 50 a seat"}), "rejected", "conflict")
	wantStatus(t, up(4, map[string]any{"problem": "billing"}), "applied", "") // filling an empty field
	wantStatus(t, up(5, map[string]any{"links": []string{"l1"}}), "applied", "")
	wantStatus(t, up(6, map[string]any{"links": []string{"l2"}}), "applied", "")
	wantStatus(t, up(7, map[string]any{"links": []string{}}), "applied", "")
	wantStatus(t, up(8, map[string]any{"received_at": "2000-01-01T00:00:00Z"}), "applied", "")
	got := pullAll(t, e.pm)[ev]
	if field(t, got, "quote") != "We'd pay 40 a seat" || field(t, got, "problem") != "billing" ||
		string(got.Data["links"]) != `["l1","l2"]` || field(t, got, "received_at") != receivedAt {
		t.Fatalf("data %s", mustJSON(got.Data))
	}
}

func TestDeleteWins(t *testing.T) {
	e := newEnv(t)
	acc := id()
	wantStatus(t, pushOne(t, e.repA, account(1, acc)), "applied", "")
	wantStatus(t, pushOne(t, e.pm, synctest.Delete(1, "account", acc, synctest.HLCAt(time.Now().Add(-time.Hour), 0))), "applied", "")
	r := pushOne(t, e.repA, synctest.Upsert(2, "account", acc, hlc(), map[string]any{"name": "Edited later"}))
	wantStatus(t, r, "rejected", "not_found")
	wantStatus(t, pushOne(t, e.repA, synctest.Delete(3, "account", acc, hlc())), "applied", "")
	unseen := id()
	if r := pushOne(t, e.repA, synctest.Delete(4, "call", unseen, hlc())); r.Status != "applied" { // unknown id: stores nothing
		t.Fatalf("delete of an unseen id: %+v", r)
	}
	if _, stored := pullAll(t, e.pm)[unseen]; stored {
		t.Fatal("a delete of an id the hub never saw stored a tombstone")
	}
	got := pullAll(t, e.repB)[acc]
	if !got.Deleted || len(got.Data) != 0 {
		t.Fatalf("tombstone %+v", got)
	}
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(5, "call", acc, hlc(), map[string]any{"account_id": acc})), "rejected", "invalid")
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return strings.TrimSpace(string(b))
}
