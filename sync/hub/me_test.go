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

// An admin sets a field user's audience on the hub (issue 16.2); /v1/me
// then tells the app, so evidence counts by the role the organisation set.
func TestAdminSetsTheAudienceMeReports(t *testing.T) {
	h := synctest.StartHub(t, synctest.HubOptions{})
	admin := h.AddUser(t, hubdb.RoleAdmin)
	rep := h.AddUser(t, hubdb.RoleField)
	ac := &synctest.WireClient{BaseURL: h.URL, Token: admin.Token}
	rc := &synctest.WireClient{BaseURL: h.URL, Token: rep.Token}
	audienceOf := func() string {
		var me hub.MeResponse
		if err := do(t, rc, http.MethodGet, "/v1/me", nil).Decode(&me); err != nil {
			t.Fatal(err)
		}
		return me.Audience
	}
	if a := audienceOf(); a != "" {
		t.Fatalf("before any admin set it: audience %q", a)
	}
	path := "/v1/admin/users/" + rep.ID + "/audience"
	if r := do(t, ac, http.MethodPut, path, []byte(`{"audience":"cs"}`)); r.Status != http.StatusOK {
		t.Fatalf("admin sets cs: %d %s", r.Status, r.Body)
	}
	if a := audienceOf(); a != "cs" {
		t.Fatalf("after the admin set cs: audience %q", a)
	}
	for _, c := range []struct {
		name   string
		client *synctest.WireClient
		path   string
		body   string
		want   int
	}{
		{"the rep themself", rc, path, `{"audience":"sales"}`, http.StatusForbidden},
		{"not an audience", ac, path, `{"audience":"marketing"}`, http.StatusBadRequest},
		{"unknown field", ac, path, `{"audience":"sales","role":"admin"}`, http.StatusBadRequest},
		{"unknown user", ac, "/v1/admin/users/u_nobody/audience", `{"audience":"sales"}`, http.StatusNotFound},
	} {
		if r := do(t, c.client, http.MethodPut, c.path, []byte(c.body)); r.Status != c.want {
			t.Errorf("%s: %d %s, want %d", c.name, r.Status, r.Body, c.want)
		}
	}
	if a := audienceOf(); a != "cs" {
		t.Fatalf("refused changes changed the audience to %q", a)
	}
	if r := do(t, ac, http.MethodPut, path, []byte(`{"audience":""}`)); r.Status != http.StatusOK || audienceOf() != "" {
		t.Fatalf("clearing: %d %s", r.Status, r.Body)
	}
}
