package syncclient

import (
	"context"
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// A PM's invite through the client against a real hub: its code redeems
// once; a revoked one is refused; a field user may not make one.
func TestInviteClientCreatesListsAndRevokes(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHub(t, synctest.HubOptions{})
	pm := NewProductClient(h.URL, h.AddUser(t, hubdb.RoleProduct).Token, nil)
	rep := NewProductClient(h.URL, h.AddUser(t, hubdb.RoleField).Token, nil)

	inv, err := pm.CreateInvite(ctx, InviteRequest{Email: "Ana@acme.com", Role: "field", Expires: "3d"})
	if err != nil || inv.Email != "ana@acme.com" || inv.State != "pending" || inv.Code == "" || inv.Link == "" {
		t.Fatalf("create = %+v, %v", inv, err)
	}
	list, err := pm.ListInvites(ctx)
	if err != nil || len(list) != 1 || list[0].ID != inv.ID {
		t.Fatalf("list = %+v, %v", list, err)
	}
	if got, err := Redeem(ctx, mustParseInvite(t, inv.Code), "ana's laptop"); err != nil || got.Role != "field" {
		t.Fatalf("redeem the code = %+v, %v", got, err)
	}
	if err := pm.RevokeInvite(ctx, inv.ID); notebook.ErrorCode(err) != notebook.Invalid {
		t.Fatalf("revoking a used invite: %v", err)
	}

	second, err := pm.CreateInvite(ctx, InviteRequest{Email: "bo@acme.com", Role: "product"})
	if err != nil {
		t.Fatal(err)
	}
	if err := pm.RevokeInvite(ctx, second.ID); err != nil {
		t.Fatalf("revoke: %v", err)
	}
	if _, err := Redeem(ctx, mustParseInvite(t, second.Link), "bo's laptop"); err == nil {
		t.Fatal("a revoked invite was redeemed")
	}

	if _, err := pm.CreateInvite(ctx, InviteRequest{Email: "x@acme.com", Role: "admin"}); notebook.ErrorCode(err) != notebook.Invalid {
		t.Fatalf("an admin invite: %v", err)
	}
	if _, err := rep.CreateInvite(ctx, InviteRequest{Email: "x@acme.com", Role: "field"}); notebook.ErrorCode(err) != notebook.Forbidden {
		t.Fatalf("a field user's invite: %v", err)
	}
}

func mustParseInvite(t *testing.T, s string) syncproto.Invite {
	t.Helper()
	in, err := syncproto.ParseInvite(s)
	if err != nil {
		t.Fatalf("the hub's invite does not parse: %v", err)
	}
	return in
}
