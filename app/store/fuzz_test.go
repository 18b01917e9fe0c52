package store

import (
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
		if err := jsonUnmarshal([]byte(data), &env.Data); err != nil {
			return
		}
		derive(env)
	})
}
