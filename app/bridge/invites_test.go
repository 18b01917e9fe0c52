package bridge

import (
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/synctest"
)

// The Team screen's calls against a real hub: a PM's invite shows its link
// and code once, the list has it, a field rep's notebook may not.
func TestInvitesAreaAgainstARealHub(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	_, d, _ := productWorld(t, h, hubdb.RoleProduct)
	v := NewInvites(d)
	got, err := v.Create(InviteInput{Email: " ana@acme.com ", Role: "field", Expires: "2d"})
	if err != nil || got.Link == "" || got.Code == "" || got.Invite.State != "pending" {
		t.Fatalf("create = %+v, %v", got, err)
	}
	if _, err := v.Create(InviteInput{Email: "", Role: "field"}); code(err) != notebook.Invalid {
		t.Fatalf("no email: %v", err)
	}
	if _, err := v.Create(InviteInput{Email: "x@acme.com", Role: "field", Expires: "soon"}); code(err) != notebook.Invalid {
		t.Fatalf("bad expiry: %v", err)
	}
	list, err := v.List()
	if err != nil || len(list) != 1 || list[0].ID != got.Invite.ID {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if err := v.Revoke(got.Invite.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := v.List(); list[0].State != "revoked" {
		t.Fatalf("after revoke: %+v", list)
	}

	_, rep, _ := productWorld(t, h, hubdb.RoleField)
	if _, err := NewInvites(rep).List(); code(err) != notebook.Forbidden {
		t.Fatalf("a field rep listed invites: %v", err)
	}
	_, none, _ := productWorld(t, nil, hubdb.RoleProduct)
	if _, err := NewInvites(none).List(); code(err) != notebook.NotSetUp {
		t.Fatalf("no hub: %v", err)
	}
}
