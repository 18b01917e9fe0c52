package hub_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/synctest"
)

// FuzzPushHandler sends arbitrary bodies through the real handler: the hub
// must answer with a JSON body and one of the protocol's statuses — never
// a 500, never a panic.
func FuzzPushHandler(f *testing.F) {
	h := synctest.StartHub(f, synctest.HubOptions{})
	rep := h.AddUser(f, hubdb.RoleField)
	pm := h.AddUser(f, hubdb.RoleProduct)
	handler := h.Server.Handler()
	for _, seed := range []string{
		`{"client_id":"c1","mutations":[{"mutation_id":1,"op":"upsert","type":"evidence","id":"e1","fields":{"hypothesis_id":"h1","signal":"supports","links":["a"]},"hlc":"1795000000123-000a"}]}`,
		`{"client_id":"c1","mutations":[{"mutation_id":2,"op":"upsert","type":"call","id":"k1","fields":{"account_id":"a1","notes":"x"},"hlc":"1795000000123-000a","base":{"notes":""}}]}`,
		`{"client_id":"c1","mutations":[{"mutation_id":3,"op":"upsert","type":"contact","id":"p1","fields":{"email":"a@b.com","do_not_contact":true,"consent_log":[{}]},"hlc":"9995000000123-000a"}]}`,
		`{"client_id":"c1","mutations":[{"mutation_id":4,"op":"delete","type":"call","id":"k1","hlc":"1795000000123-000b"}]}`,
		`{"client_id":"c1","mutations":[{"mutation_id":5,"op":"upsert","type":"evidence","id":"e1","fields":{"links":7,"wtp":{"amount":"x"}},"hlc":"1795000000123-000c"}]}`,
		`{"client_id":"c2","mutations":[{"mutation_id":1,"op":"upsert","type":"hypothesis","id":"h1","fields":{"statement":"s","questions":[{"id":"q","text":"t","kind":"wtp"}]},"hlc":"1795000000123-000a"}]}`,
		`{"client_id":"c1","mutations":[{"mutation_id":9}]}`,
		`not json`,
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, asProduct bool) {
		token := rep.Token
		if asProduct {
			token = pm.Token
			body = bytes.ReplaceAll(body, []byte(`"c1"`), []byte(`"c2"`))
		}
		req := httptest.NewRequest("POST", "/v1/sync/push", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Sync-Protocol", "1")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden, http.StatusConflict, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			t.Fatalf("body is not JSON: %q", w.Body)
		}
		if w.Code != http.StatusOK && (out["code"] == nil || out["message"] == "") {
			t.Fatalf("error body without code/message: %s", w.Body)
		}
	})
}

// FuzzPullQuery: any query string gets 200, 400, 403 or 410 — never 500.
func FuzzPullQuery(f *testing.F) {
	h := synctest.StartHub(f, synctest.HubOptions{})
	u := h.AddUser(f, hubdb.RoleField)
	handler := h.Server.Handler()
	for _, q := range []string{"", "limit=5", "wait=0", "cursor=eyJ2IjoxLCJlIjoieCIsInMiOnt9fQ", "client_id=c1&limit=-1", "cursor=%zz", "wait=NaN", "wait=1e309"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if strings.Contains(q, "wait=") && !strings.Contains(q, "wait=0") {
			q = strings.ReplaceAll(q, "wait=", "w=") // no long sleeps in fuzzing
		}
		req, err := http.NewRequest("GET", "/v1/sync/pull?"+q, nil)
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer "+u.Token)
		req.Header.Set("Sync-Protocol", "1")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		switch w.Code {
		case 200, 400, 403, 410:
		default:
			t.Fatalf("%q: status %d: %s", q, w.Code, w.Body)
		}
	})
}

// FuzzMutationFields builds well-formed pushes with arbitrary field values,
// so the merge rules and record validation see every shape of data: each
// mutation must come back applied or rejected — never an error response.
func FuzzMutationFields(f *testing.F) {
	h := synctest.StartHub(f, synctest.HubOptions{})
	u := h.AddUser(f, hubdb.RoleAdmin)
	handler := h.Server.Handler()
	var n uint64
	f.Add(uint8(5), "e1", `{"hypothesis_id":"h1","signal":"supports","wtp":{"amount":1,"currency":"EUR","period":"month"}}`, "1795000000123-000a", `{"notes":""}`)
	f.Add(uint8(4), "k1", `{"account_id":"a1","notes":"x","started_at":"2026-01-01T00:00:00Z"}`, "1795000000123-000b", `{"notes":"1795000000123-000a"}`)
	f.Add(uint8(3), "p1", `{"email":"a@b.com","do_not_contact":"yes"}`, "1795000000123-000c", `{}`)
	f.Add(uint8(0), "h1", `{"statement":"s","questions":[{"id":"q1","text":"?","kind":"signal"},{"id":"q1"}],"rank":-1}`, "x", `{}`)
	f.Add(uint8(2), "a1", `{"name":"A","domains":["ACME.com"],"arr":1e300}`, "9999999999999-ffff", `{}`)
	types := []string{"hypothesis", "study", "account", "contact", "call", "evidence", "email"}
	f.Fuzz(func(t *testing.T, typ uint8, id, fields, hlc, base string) {
		var fm map[string]json.RawMessage
		if json.Unmarshal([]byte(fields), &fm) != nil {
			return
		}
		var bm map[string]string
		_ = json.Unmarshal([]byte(base), &bm)
		n++
		body, _ := json.Marshal(map[string]any{"client_id": "c_fuzz", "mutations": []any{map[string]any{
			"mutation_id": n, "op": "upsert", "type": types[int(typ)%len(types)], "id": id, "fields": fm, "hlc": hlc, "base": bm}}})
		req := httptest.NewRequest("POST", "/v1/sync/push", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+u.Token)
		req.Header.Set("Sync-Protocol", "1")
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, req)
		if w.Code == http.StatusRequestEntityTooLarge {
			n--
			return
		}
		var out struct {
			Results []struct{ Status, Code, Message string }
		}
		if w.Code != http.StatusOK || json.Unmarshal(w.Body.Bytes(), &out) != nil || len(out.Results) != 1 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		if r := out.Results[0]; r.Status != "applied" && (r.Status != "rejected" || r.Code == "" || r.Message == "") {
			t.Fatalf("result %+v", r)
		}
	})
}
