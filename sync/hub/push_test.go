package hub_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// The rows of the push table, in order.
func TestPushTable(t *testing.T) {
	e := newEnv(t)
	acc := id()
	res := push(t, e.repA,
		account(1, acc), // last+1, allowed, valid → applied
		synctest.Upsert(2, "hypothesis", id(), hlc(), map[string]any{"statement": "x"}), // not allowed → rejected
		synctest.Upsert(3, "account", id(), hlc(), map[string]any{"arr": 5}),            // invalid → rejected
		account(4, id()), // the rest of the batch goes on
	)
	wantStatus(t, res[0], syncproto.StatusApplied, "")
	wantStatus(t, res[1], syncproto.StatusRejected, "forbidden")
	wantStatus(t, res[2], syncproto.StatusRejected, "invalid")
	if !strings.Contains(res[2].Message, "name") {
		t.Fatalf("message does not name the field: %q", res[2].Message)
	}
	wantStatus(t, res[3], syncproto.StatusApplied, "")

	// mutation_id ≤ last → duplicate, nothing done (a retry after a lost response).
	res = push(t, e.repA, account(1, acc), account(4, id()), account(5, id()))
	wantStatus(t, res[0], syncproto.StatusDuplicate, "")
	wantStatus(t, res[1], syncproto.StatusDuplicate, "")
	wantStatus(t, res[2], syncproto.StatusApplied, "")
	if recs := pullAll(t, e.repA); len(recs) != 3 {
		t.Fatalf("%d records after duplicates, want 3", len(recs))
	}

	// mutation_id > last+1 → 409 mutation_gap with expected; the prefix is processed.
	_, rep, err := e.repA.Push(ctx, account(6, id()), account(8, id()))
	if err != nil || rep.Status != http.StatusConflict {
		t.Fatalf("gap: %v %d %s", err, rep.Status, rep.Body)
	}
	body := rep.Error()
	if body.Code != "mutation_gap" || body.Expected != 7 || len(body.Results) != 1 || body.Results[0].Status != "applied" {
		t.Fatalf("gap body %s", rep.Body)
	}
	wantStatus(t, pushOne(t, e.repA, account(7, id())), syncproto.StatusApplied, "")

	// last_mutation_id on pull reports this client's progress.
	page, _, _ := e.repA.Pull(ctx, "", 0, 0)
	if page.LastMutationID != 7 {
		t.Fatalf("last_mutation_id %d, want 7", page.LastMutationID)
	}
}

func TestSeqIsPerScopeAndIncreasing(t *testing.T) {
	e := newEnv(t)
	acc := id()
	r := push(t, e.repA, account(1, acc), call(2, id(), acc, "a"), account(3, acc+"x"), call(4, id(), acc, "b"))
	if r[0].Seq != 1 || r[2].Seq != 2 || r[1].Seq != 1 || r[3].Seq != 2 {
		t.Fatalf("seqs %+v", r)
	}
	recs, _, _ := e.pm.PullAll(ctx, "")
	last := map[string]uint64{}
	for _, rec := range recs {
		if rec.Seq <= last[rec.Scope] {
			t.Fatalf("seq order broken in %s: %d after %d", rec.Scope, rec.Seq, last[rec.Scope])
		}
		last[rec.Scope] = rec.Seq
	}
}

func TestStatusCodes(t *testing.T) {
	e := newEnv(t)
	post := func(c *synctest.WireClient, body string, hdr map[string]string) synctest.Reply {
		req, _ := http.NewRequest("POST", e.hub.URL+"/v1/sync/push", strings.NewReader(body))
		req.Header.Set("Sync-Protocol", "1")
		if c != nil {
			req.Header.Set("Authorization", "Bearer "+c.Token)
		}
		for k, v := range hdr {
			if v == "" {
				req.Header.Del(k)
			} else {
				req.Header.Set(k, v)
			}
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		return synctest.Reply{Status: resp.StatusCode, Body: buf.Bytes(), Header: resp.Header}
	}
	ok := `{"client_id":"` + e.repA.ClientID + `","mutations":[]}`
	cases := []struct {
		name   string
		client *synctest.WireClient
		body   string
		hdr    map[string]string
		status int
		code   string
	}{
		{"ok", e.repA, ok, nil, 200, ""},
		{"no token", nil, ok, nil, 401, "unauthorized"},
		{"bad token", &synctest.WireClient{Token: "fh_nope"}, ok, nil, 401, "unauthorized"},
		{"basic auth", e.repA, ok, map[string]string{"Authorization": "Basic " + e.repA.Token}, 401, "unauthorized"},
		{"lower-case scheme", e.repA, ok, map[string]string{"Authorization": "bearer " + e.repA.Token}, 200, ""},
		{"no protocol header", e.repA, ok, map[string]string{"Sync-Protocol": ""}, 426, "unsupported_protocol"},
		{"protocol 2", e.repA, ok, map[string]string{"Sync-Protocol": "2"}, 426, "unsupported_protocol"},
		{"bad json", e.repA, `{"client_id":`, nil, 400, "invalid"},
		{"no client_id", e.repA, `{"mutations":[]}`, nil, 400, "invalid"},
		{"no mutation_id", e.repA, `{"client_id":"x1","mutations":[{"op":"upsert","type":"call","id":"a"}]}`, nil, 400, "invalid"},
		{"unknown op", e.repA, `{"client_id":"x1","mutations":[{"mutation_id":1,"op":"patch","type":"call","id":"a"}]}`, nil, 400, "invalid"},
		{"unknown type", e.repA, `{"client_id":"x1","mutations":[{"mutation_id":1,"op":"upsert","type":"memo","id":"a"}]}`, nil, 400, "invalid"},
		{"client of another user", e.repB, ok, nil, 403, "forbidden"},
		{"501 mutations", e.repA, `{"client_id":"x1","mutations":[` + strings.Repeat(`{"mutation_id":1,"op":"upsert","type":"call"},`, 500) + `{"mutation_id":1,"op":"upsert","type":"call"}]}`, nil, 413, "too_large"},
		{"over 1 MiB", e.repA, `{"client_id":"x1","mutations":[],"pad":"` + strings.Repeat("x", 1<<20) + `"}`, nil, 413, "too_large"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep := post(c.client, c.body, c.hdr)
			if rep.Status != c.status {
				t.Fatalf("status %d, want %d: %s", rep.Status, c.status, rep.Body)
			}
			if c.code != "" {
				if b := rep.Error(); b.Code != c.code || b.Message == "" {
					t.Fatalf("body %s, want code %s and a message", rep.Body, c.code)
				}
			}
		})
	}
	// nothing of the malformed requests was applied
	if recs := pullAll(t, e.pm); len(recs) != 0 {
		t.Fatalf("malformed requests applied %d records", len(recs))
	}
}

func TestMalformedBatchAppliesNothing(t *testing.T) {
	e := newEnv(t)
	body, _ := json.Marshal(map[string]any{"client_id": e.repA.ClientID, "mutations": []any{
		account(1, id()), map[string]any{"mutation_id": 2, "op": "nope", "type": "account", "id": id()}}})
	rep, _ := e.repA.Do(ctx, "POST", "/v1/sync/push", body)
	if rep.Status != 400 || !strings.Contains(rep.Error().Message, "mutations[1]") {
		t.Fatalf("%d %s", rep.Status, rep.Body)
	}
	if recs := pullAll(t, e.repA); len(recs) != 0 {
		t.Fatal("a malformed batch applied its first mutation")
	}
	wantStatus(t, pushOne(t, e.repA, account(1, id())), "applied", "")
}

func TestRejectedRecordProblems(t *testing.T) {
	e := newEnv(t)
	hyp := id()
	cases := []struct {
		m    syncproto.Mutation
		code string
		want string
	}{
		{evidence(0, id(), hyp, map[string]any{"signal": "maybe"}), "invalid", "signal"},
		{evidence(0, id(), hyp, map[string]any{"strength": "high"}), "invalid", "strength"},
		{evidence(0, id(), hyp, map[string]any{"captured_at": "yesterday"}), "invalid", "captured_at"},
		{synctest.Upsert(0, "evidence", id(), hlc(), map[string]any{"signal": "supports"}), "invalid", "hypothesis_id"},
		{synctest.Upsert(0, "call", "bad id!", hlc(), map[string]any{"account_id": id()}), "invalid", "id"},
		{synctest.Upsert(0, "call", id(), "tomorrow", map[string]any{"account_id": id()}), "invalid", "hlc"},
		{synctest.Upsert(0, "contact", id(), hlc(), map[string]any{"email": "Not An Email"}), "invalid", "email"},
		{synctest.Upsert(0, "call", id(), hlc(), map[string]any{"account_id": id(), "id": "other"}), "invalid", "id"},
		{synctest.Upsert(0, "study", id(), hlc(), map[string]any{"title": "t"}), "forbidden", "product"},
	}
	for i, c := range cases {
		c.m.MutationID = uint64(i + 1)
		r := pushOne(t, e.repA, c.m)
		if r.Status != "rejected" || r.Code != c.code || !strings.Contains(r.Message, c.want) {
			t.Errorf("case %d: %+v, want %s naming %q", i, r, c.code, c.want)
		}
	}
}

func TestUnknownFieldsAreKept(t *testing.T) {
	e := newEnv(t)
	acc := id()
	m := account(1, acc)
	m.Fields["x_future"] = json.RawMessage(`{"nested":[1,2,{"a":"b"}]}`)
	wantStatus(t, pushOne(t, e.repA, m), "applied", "")
	wantStatus(t, pushOne(t, e.repA, synctest.Upsert(2, "account", acc, hlc(), map[string]any{"segment": "smb"})), "applied", "")
	got := pullAll(t, e.repB)[acc]
	if string(got.Data["x_future"]) != `{"nested":[1,2,{"a":"b"}]}` || field(t, got, "segment") != "smb" || field(t, got, "name") != "Acme" {
		t.Fatalf("data %v", got.Data)
	}
	if got.SchemaVersion != 1 || got.UpdatedBy != e.users[e.repA] || got.FieldHLC["segment"] == "" || got.UpdatedAt == "" {
		t.Fatalf("envelope %+v", got)
	}
}
