package syncproto

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestDecodePushRequestNamesTheProblem(t *testing.T) {
	cases := []struct {
		name, body, code, want string
	}{
		{"bad json", `{"client_id":`, CodeInvalid, "bad JSON"},
		{"bad syntax", `{"client_id" 1}`, CodeInvalid, "bad JSON at byte"},
		{"empty", ``, CodeInvalid, "empty body"},
		{"trailing", `{"client_id":"c1","mutations":[]} x`, CodeInvalid, "after the JSON"},
		{"no client", `{"mutations":[]}`, CodeInvalid, "client_id: is required"},
		{"bad client", `{"client_id":"a b"}`, CodeInvalid, "client_id"},
		{"no mutation id", `{"client_id":"c1","mutations":[{"op":"upsert","type":"call"}]}`, CodeInvalid, "mutations[0]: mutation_id: is required"},
		{"float mutation id", `{"client_id":"c1","mutations":[{"mutation_id":1.5,"op":"upsert","type":"call"}]}`, CodeInvalid, "mutation_id"},
		{"zero mutation id", `{"client_id":"c1","mutations":[{"mutation_id":0,"op":"upsert","type":"call"}]}`, CodeInvalid, "mutation_id"},
		{"bad op", `{"client_id":"c1","mutations":[{"mutation_id":1,"op":"merge","type":"call"}]}`, CodeInvalid, `op: want "upsert" or "delete", got "merge"`},
		{"bad type", `{"client_id":"c1","mutations":[{"mutation_id":1,"op":"upsert","type":"memo"}]}`, CodeInvalid, `type: unknown record type "memo"`},
		{"fields not object", `{"client_id":"c1","mutations":[{"mutation_id":1,"op":"upsert","type":"call","fields":[1]}]}`, CodeInvalid, "mutations[0]: fields"},
		{"mutations not array", `{"client_id":"c1","mutations":{}}`, CodeInvalid, "mutations"},
		{"too many", `{"client_id":"c1","mutations":[` + strings.Repeat(`{},`, MaxPushMutations) + `{}]}`, CodeTooLarge, "limit is 500"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodePushRequest([]byte(c.body))
			e, ok := err.(*Error)
			if !ok || e.Code != c.code || !strings.Contains(e.Message, c.want) {
				t.Fatalf("got %v, want %s containing %q", err, c.code, c.want)
			}
		})
	}
}

func TestDecodePushRequestKeepsEverything(t *testing.T) {
	body := `{"client_id":"c_1","mutations":[{"mutation_id":17,"op":"upsert","type":"evidence","id":"01J","fields":{"quote":"We'd pay","x_new":{"a":1}},"hlc":"1795000000123-000a","base":{"notes":"1795000000000-0000"}},{"mutation_id":18,"op":"delete","type":"call","id":"01K","hlc":"1795000000124-0000"}]}`
	req, err := DecodePushRequest([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if req.ClientID != "c_1" || len(req.Mutations) != 2 || req.Mutations[0].MutationID != 17 ||
		string(req.Mutations[0].Fields["x_new"]) != `{"a":1}` || req.Mutations[0].Base["notes"] != "1795000000000-0000" ||
		req.Mutations[1].Op != OpDelete {
		t.Fatalf("decoded %+v", req)
	}
}

func TestHLC(t *testing.T) {
	ms, c, err := ParseHLC("1795000000123-000a")
	if err != nil || ms != 1795000000123 || c != 10 || FormatHLC(ms, c) != "1795000000123-000a" {
		t.Fatal(ms, c, err)
	}
	for _, bad := range []string{"", "1795000000123-000A", "179500000012-0000a", "1795000000123_000a", "x795000000123-000a"} {
		if _, _, err := ParseHLC(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if CompareHLC("1795000000123-000a", "1795000000123-000b") != -1 || CompareHLC("", "0000000000000-0000") != -1 {
		t.Fatal("compare")
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := Cursor{Epoch: "e1", Seqs: map[string]uint64{"org": 12, "user:u_1": 5}}
	s := EncodeCursor(c)
	got, err := DecodeCursor(s)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatal(got, err)
	}
	if z, err := DecodeCursor(""); err != nil || z.Epoch != "" {
		t.Fatal(z, err)
	}
	for _, bad := range []string{"!!", "e30", EncodeCursor(Cursor{Seqs: map[string]uint64{"org": 1}})} {
		if _, err := DecodeCursor(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	old, _ := json.Marshal(map[string]any{"v": 0, "e": "x"})
	if _, err := DecodeCursor(b64(old)); err == nil || err.(*Error).Code != CodeReset {
		t.Fatalf("old version: %v", err)
	}
}

func FuzzDecodePushRequest(f *testing.F) {
	f.Add([]byte(`{"client_id":"c_1","mutations":[{"mutation_id":1,"op":"upsert","type":"call","id":"a","fields":{"notes":"x"},"hlc":"1795000000123-000a"}]}`))
	f.Add([]byte(`{"client_id":"c","mutations":[{"mutation_id":"1"}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"client_id":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodePushRequest(body)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		if req.ClientID == "" || len(req.Mutations) > MaxPushMutations {
			t.Fatalf("accepted %+v", req)
		}
		for _, m := range req.Mutations {
			if m.MutationID == 0 || !KnownType(m.Type) || (m.Op != OpUpsert && m.Op != OpDelete) {
				t.Fatalf("accepted mutation %+v", m)
			}
		}
	})
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor(Cursor{Epoch: "e", Seqs: map[string]uint64{"org": 1, "user:a": 2}}))
	f.Add("")
	f.Add("e30")
	f.Add("eyJ2IjoxLCJlIjoieCIsInMiOnsib3JnIjotMX19")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := DecodeCursor(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("untyped error %T", err)
			}
			return
		}
		if s == "" {
			return
		}
		again, err := DecodeCursor(EncodeCursor(c))
		if err != nil || !reflect.DeepEqual(again, c) {
			t.Fatalf("round trip: %v %v", again, err)
		}
	})
}

func FuzzParseHLC(f *testing.F) {
	f.Add("1795000000123-000a")
	f.Fuzz(func(t *testing.T, s string) {
		ms, c, err := ParseHLC(s)
		if err == nil && FormatHLC(ms, c) != s {
			t.Fatalf("%q -> %d %d", s, ms, c)
		}
	})
}

func b64(b []byte) string { return encodeRaw(b) }
