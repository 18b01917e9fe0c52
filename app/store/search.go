package store

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// maxTermLen caps indexed words; longer tokens (base64, URLs) are cut.
const maxTermLen = 32

// maxPostingsPerWord bounds the work one very common prefix can cause.
const maxPostingsPerWord = 20000

var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be but by for from has have i in is it its of on or so that the this to was we were will with you your our they them") {
		stopWords[w] = true
	}
}

// tokenize splits text into lower-case words of letters and digits.
func tokenize(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := words[:0]
	for _, w := range words {
		if utf8.RuneCountInString(w) < 2 || stopWords[w] {
			continue
		}
		if len(w) > maxTermLen {
			w = truncateUTF8(w, maxTermLen)
		}
		out = append(out, w)
	}
	return out
}

func truncateUTF8(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func termSet(texts ...string) map[string]bool {
	set := map[string]bool{}
	for _, t := range texts {
		for _, w := range tokenize(t) {
			set[w] = true
		}
	}
	return set
}

// searchText is what search finds a record by.
func searchText(rec notebook.Record) []string {
	switch r := rec.(type) {
	case *notebook.Account:
		return append([]string{r.Name, r.Segment}, r.Domains...)
	case *notebook.Contact:
		return []string{r.Name, r.Email, r.Title}
	case *notebook.Call:
		return []string{r.Title, r.Notes}
	case *notebook.Evidence:
		return []string{r.Quote, r.Capability, r.Problem, r.Blocker, r.Feature, r.Usage}
	case *notebook.Hypothesis:
		texts := []string{r.Statement, r.Rationale}
		for _, q := range r.Questions {
			texts = append(texts, q.Text)
		}
		return texts
	case *notebook.Study:
		return []string{r.Title, r.Goal, r.Criteria}
	case *notebook.Email:
		return append([]string{r.Subject, r.From, r.Excerpt}, r.To...)
	}
	return nil
}

// Hit is one search result.
type Hit struct {
	Type    notebook.Type `json:"type"`
	ID      string        `json:"id"`
	Title   string        `json:"title"`
	Snippet string        `json:"snippet"`
	Score   float64       `json:"score"`
}

type docRef struct {
	t  notebook.Type
	id string
}

// Search finds records containing every word of q (words of three letters
// or more also match as prefixes), best first, at most limit.
func (s *Store) Search(ctx context.Context, q string, limit int) ([]Hit, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	words := tokenize(q)
	if len(words) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var hits []Hit
	err := s.db.View(func(txn *badger.Txn) error {
		scores := matchAll(txn, words)
		refs := make([]docRef, 0, len(scores))
		for r := range scores {
			refs = append(refs, r)
		}
		sort.Slice(refs, func(i, j int) bool {
			if scores[refs[i]] != scores[refs[j]] {
				return scores[refs[i]] > scores[refs[j]]
			}
			return refs[i].id > refs[j].id // UUIDv7: newer first
		})
		for _, r := range refs {
			if len(hits) == limit {
				break
			}
			rec := notebook.NewRecord(r.t)
			if rec == nil || getInto(txn, r.t, r.id, rec) != nil {
				continue
			}
			hits = append(hits, Hit{Type: r.t, ID: r.id, Title: titleOf(rec), Snippet: snippet(searchText(rec), words), Score: scores[r]})
		}
		return nil
	})
	return hits, internal(err, "searching")
}

// matchAll scores the records that match every word: 2 per exact word, 1 per
// prefix match.
func matchAll(txn *badger.Txn, words []string) map[docRef]float64 {
	var scores map[docRef]float64
	for i, w := range words {
		found := matchWord(txn, w, len([]rune(w)) >= 3)
		if i == 0 {
			scores = found
			continue
		}
		for r, sc := range scores {
			if f, ok := found[r]; ok {
				scores[r] = sc + f
			} else {
				delete(scores, r)
			}
		}
		if len(scores) == 0 {
			break
		}
	}
	return scores
}

func matchWord(txn *badger.Txn, word string, prefix bool) map[docRef]float64 {
	seek := []byte(prefixText + word)
	if !prefix {
		seek = append(seek, 0)
	}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = seek
	it := txn.NewIterator(opts)
	defer it.Close()
	found := map[docRef]float64{}
	n := 0
	for it.Seek(seek); it.ValidForPrefix(seek) && n < maxPostingsPerWord; it.Next() {
		term, t, id, ok := splitPosting(it.Item().Key())
		if !ok {
			continue
		}
		score := 1.0
		if term == word {
			score = 2
		}
		ref := docRef{t, id}
		if score > found[ref] {
			found[ref] = score
		}
		n++
	}
	return found
}

// titleOf is how a record is named in lists and search results.
func titleOf(rec notebook.Record) string {
	switch r := rec.(type) {
	case *notebook.Account:
		return r.Name
	case *notebook.Contact:
		if r.Name != "" {
			return r.Name
		}
		return r.Email
	case *notebook.Call:
		if r.Title != "" {
			return r.Title
		}
		return "Call on " + r.StartedAt.Format("2 Jan 2006")
	case *notebook.Evidence:
		for _, t := range searchText(r) {
			if t != "" {
				return clip(t, 80)
			}
		}
		return string(r.Signal) + " evidence"
	case *notebook.Hypothesis:
		return r.Statement
	case *notebook.Study:
		return r.Title
	case *notebook.Email:
		return r.Subject
	}
	return ""
}

// snippet returns about 140 characters around the first word found.
func snippet(texts []string, words []string) string {
	for _, text := range texts {
		lower := strings.ToLower(text)
		for _, w := range words {
			if i := strings.Index(lower, w); i >= 0 {
				start := i - 50
				if start < 0 {
					start = 0
				}
				for start > 0 && !utf8.RuneStart(text[start]) {
					start--
				}
				out := clip(text[start:], 140)
				if start > 0 {
					out = "…" + out
				}
				return string(bytes.Join(bytes.Fields([]byte(out)), []byte(" ")))
			}
		}
	}
	return ""
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return truncateUTF8(s, n) + "…"
}
