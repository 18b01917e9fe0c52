package hub_test

import (
	"net/http"
	"testing"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/synctest"
)

func TestMeSaysWhoTheTokenBelongsTo(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	for _, role := range []hubdb.Role{hubdb.RoleField, hubdb.RoleProduct, hubdb.RoleAdmin} {
		u := h.AddUser(t, role)
		c := &synctest.WireClient{BaseURL: h.URL, Token: u.Token}
		rep := do(t, c, http.MethodGet, "/v1/me", nil)
		if rep.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", role, rep.Status, rep.Body)
		}
		var me hub.MeResponse
		if err := rep.Decode(&me); err != nil {
			t.Fatal(err)
		}
		if me.ID != u.ID || me.Email != u.Email || me.Role != string(role) {
			t.Errorf("me = %+v, want %s %s %s", me, u.ID, u.Email, role)
		}
	}
	bad := &synctest.WireClient{BaseURL: h.URL, Token: "fh_nope"}
	if rep := do(t, bad, http.MethodGet, "/v1/me", nil); rep.Status != http.StatusUnauthorized {
		t.Errorf("unknown token: %d %s", rep.Status, rep.Body)
	}
}
