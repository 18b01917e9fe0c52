package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"fieldnotes/app/notebook"
)

// FuzzPostingKey holds the posting key codec to a round trip for every term
// the tokenizer can produce, and splitPosting to never panic on any key.
func FuzzPostingKey(f *testing.F) {
	f.Add("We'd pay forty euros a seat", "evidence", "01J0000000")
	f.Add("ÄÖÜ straße 東京 \x00\xff", "call", "id-1")
	f.Add("", "", "")
	f.Fuzz(func(t *testing.T, text, typ, id string) {
		splitPosting([]byte(text)) // arbitrary bytes: must not panic
		if !notebook.ValidID(id) {
			return
		}
		for _, term := range tokenize(text) {
			if term == "" || len(term) > maxTermLen || !utf8.ValidString(term) && utf8.ValidString(text) {
				t.Fatalf("bad term %q from %q", term, text)
			}
			if strings.ContainsRune(term, 0) {
				t.Fatalf("term with NUL %q", term)
			}
			got, gt, gid, ok := splitPosting(postingKey(term, notebook.Type(typ), id))
			if strings.ContainsRune(typ, 0) {
				continue
			}
			if !ok || got != term || string(gt) != typ || gid != id {
				t.Fatalf("round trip of %q/%q/%q gave %q/%q/%q ok=%v", term, typ, id, got, gt, gid, ok)
			}
		}
	})
}

// FuzzEnvelopeDecode feeds arbitrary data fields to derive, which runs on
// every record pulled from the hub: it must never panic.
func FuzzEnvelopeDecode(f *testing.F) {
	f.Add("evidence", `{"hypothesis_id":"h","signal":"supports","quote":"x"}`)
	f.Add("call", `{"notes":5}`)
	f.Add("contact", `{"email":null}`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		var fields map[string][]byte
		_ = fields
		env := Envelope{ID: "x", Type: notebook.Type(typ)}
		if err := json.Unmarshal([]byte(data), &env.Data); err != nil {
			return
		}
		derive(env)
	})
}

// FuzzEncodeEnvelope holds the hand-spliced envelope encoding to what
// encoding/json reads back.
func FuzzEncodeEnvelope(f *testing.F) {
	f.Add("notes", `"They reconcile \u0000 in Excel"`, "id-1", "call")
	f.Add("wtp", `{"amount":40,"currency":"EUR"}`, "x", "evidence")
	f.Add(`we"ird`, `[1, 2 ,3]`, "y", "data")
	f.Fuzz(func(t *testing.T, field, value, id, typ string) {
		if !json.Valid([]byte(value)) {
			return
		}
		env := Envelope{ID: id, Type: notebook.Type(typ), Data: map[string]json.RawMessage{field: json.RawMessage(value)}, FieldHLC: map[string]string{field: "h"}}
		raw, err := encodeEnvelope(env)
		if err != nil {
			return // e.g. invalid UTF-8 in a key is still encoded by encoding/json; errors are fine, panics are not
		}
		var back Envelope
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("encoded envelope is not JSON: %v\n%s", err, raw)
		}
		if back.ID != env.ID && utf8.ValidString(id) {
			t.Fatalf("id %q came back as %q", env.ID, back.ID)
		}
		var want, got any
		json.Unmarshal([]byte(value), &want)
		for _, v := range back.Data {
			json.Unmarshal(v, &got)
		}
		if fmt.Sprint(want) != fmt.Sprint(got) {
			t.Fatalf("value %s came back as %v", value, got)
		}
	})
}

// appendKey writes what encoding/json writes for any key.
func FuzzAppendKey(f *testing.F) {
	for _, k := range []string{"name", "crm_ids", "x-y.z", "", "ä", "a\"b", "<script>", "\u2028", "\xff"} {
		f.Add(k)
	}
	f.Fuzz(func(t *testing.T, k string) {
		want, _ := json.Marshal(k)
		if got := appendKey(nil, k); string(got) != string(want) {
			t.Fatalf("appendKey(%q) = %s, encoding/json writes %s", k, got, want)
		}
	})
}
