package assist

import (
	"strings"
	"testing"
)

// FuzzDecodeEvidence feeds arbitrary answers and notes to the decoder and
// checks its promises: no panic; either an error and no suggestions, or
// suggestions whose quote is exactly the notes at their span and whose ids
// are ones we sent.
func FuzzDecodeEvidence(f *testing.F) {
	f.Add(goodEvidenceAnswer(f), testNotes)
	f.Add(`{"suggestions":[]}`, "")
	f.Add(`{"suggestions":[{"hypothesis_id":"hyp-sso","question_id":"","signal":"supports","strength":2,"quote":"x","wtp":null}]}`, "x")
	f.Add(`{"suggestions":[{"hypothesis_id":"hyp-sso","signal":"mixed","quote":"[PERSON_1]","wtp":{"amount":1e308,"currency":"€","period":"x"}}]}`, "Ana Souza")
	f.Add("```json\n{\"suggestions\":null}\n```", "notes")
	f.Add(`{"suggestions":[{"hypothesis_id":"hyp-sso","question_id":"q-sso-price","signal":"supports","strength":1.5,"quote":"\"a\""}]}`, `"a"`)
	f.Add(`{"suggestions":[`, "a")
	f.Fuzz(func(t *testing.T, answer, notes string) {
		red := NewRedactor(true, testContacts)
		res, err := decodeEvidence(answer, testHypotheses, notes, red)
		if err != nil {
			if len(res.Suggestions) != 0 {
				t.Fatal("an error came with suggestions")
			}
			return
		}
		known := map[string]bool{"hyp-sso": true, "hyp-digest": true}
		for _, s := range res.Suggestions {
			if !known[s.HypothesisID] {
				t.Fatalf("unknown hypothesis %q", s.HypothesisID)
			}
			if s.Start < 0 || s.End > len(notes) || s.Start >= s.End || notes[s.Start:s.End] != s.Quote {
				t.Fatalf("span [%d,%d) does not hold %q", s.Start, s.End, s.Quote)
			}
			if _, err := s.ToEvidence(Origin{}); err != nil {
				t.Fatalf("kept suggestion is not valid evidence: %v", err)
			}
		}
	})
}

// FuzzDecodeBrief checks that every kept claim cites only ids we sent.
func FuzzDecodeBrief(f *testing.F) {
	f.Add(`{"claims":[{"text":"a","sources":["ev-1"]},{"text":"b","sources":["zz"]}]}`)
	f.Add(`{"claims":[{"text":null,"sources":null}]}`)
	f.Add(`{"claims":{}}`)
	f.Add(`{"summary":"x","links":[]}`)
	f.Fuzz(func(t *testing.T, answer string) {
		known := map[string]bool{"ev-1": true, "mail-1": true}
		res, err := decodeBrief(answer, "acc", known, NewRedactor(true, testContacts))
		if err != nil {
			return
		}
		for _, c := range res.Claims {
			if len(c.Sources) == 0 || strings.TrimSpace(c.Text) == "" {
				t.Fatalf("claim kept without text or sources: %+v", c)
			}
			for _, id := range c.Sources {
				if !known[id] {
					t.Fatalf("claim cites unknown %q", id)
				}
			}
		}
		// triage shares the item checks; run it on the same input for panics
		tr, err := decodeTriage(answer, testHypotheses, "mail-1", answer, NewRedactor(false, nil))
		if err == nil && strings.Contains(tr.Summary, "\n") {
			t.Fatal("summary is not one line")
		}
	})
}

// FuzzRedact checks redaction is reversible and never leaves a known
// address in the text.
func FuzzRedact(f *testing.F) {
	f.Add(testNotes)
	f.Add("call +1 (415) 555-0134 or ana.souza@acme.com, Ana")
	f.Add("[PERSON_1] Ana[EMAIL_1]Souza")
	f.Add("Björn Björn björn ek")
	f.Fuzz(func(t *testing.T, s string) {
		r := NewRedactor(true, testContacts)
		red := r.Redact(s)
		if strings.Contains(s, "[") { // text that already looks like a placeholder cannot round-trip
			return
		}
		if back := r.Restore(red); back != s {
			t.Fatalf("Restore(Redact(%q)) = %q via %q", s, back, red)
		}
		if strings.Contains(red, "ana.souza@acme.com") {
			t.Fatalf("known contact left in %q", red)
		}
	})
}
