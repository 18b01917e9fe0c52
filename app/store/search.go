package store

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/text/unicode/norm"

	"fieldnotes/app/notebook"
)

// maxTermLen caps indexed words; longer tokens (base64, URLs) are cut.
const maxTermLen = 32

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

// termSet is what a record is indexed under: every word folded as a query
// is (fold), and words with umlauts also in their German spelling (ä→ae),
// so "Schafer", "Schaefer" and "Schäfer" all find Schäfer.
func termSet(texts ...string) map[string]bool {
	set := map[string]bool{}
	for _, t := range texts {
		for _, w := range tokenize(t) {
			set[fold(w)] = true
			if g := fold(germanSpelling(w)); g != "" {
				set[g] = true
			}
		}
	}
	return set
}

// queryWords are the query's words folded the way the index was.
func queryWords(q string) []string {
	words := tokenize(q)
	for i, w := range words {
		words[i] = fold(w)
	}
	return words
}

// letterFolds are letters NFD does not split into base and accent.
var letterFolds = strings.NewReplacer("ß", "ss", "ø", "o", "ł", "l", "đ", "d", "æ", "ae", "œ", "oe", "þ", "th", "ı", "i")

// fold drops accents from a lower-case word: "tomás" → "tomas". It
// decomposes (NFD) and keeps everything but the combining marks.
func fold(w string) string {
	w = letterFolds.Replace(norm.NFD.String(w))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, w)
}

// germanSpelling writes umlauts as German does without them ("schäfer" →
// "schaefer"); "" when the word has none. It runs before fold, on the
// word as typed, in both composed and decomposed form.
func germanSpelling(w string) string {
	w = norm.NFC.String(w)
	if !strings.ContainsAny(w, "äöü") {
		return ""
	}
	return strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue").Replace(w)
}

// searchText is what search finds a record by.
func searchText(rec notebook.Record) []string {
	switch r := asPointer(rec).(type) {
	case *notebook.Account:
		return append([]string{r.Name, r.Segment}, r.Domains...)
	case *notebook.Contact:
		return []string{r.Name, r.Email, r.Title}
	case *notebook.Opportunity:
		return []string{r.Name, r.Stage, r.Owner}
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
	words := queryWords(q)
	if len(words) == 0 {
		return nil, nil
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var hits []Hit
	err := s.viewDB(func(txn *badger.Txn) error {
		for r, score := range matchAll(txn, words, limit) {
			rec := notebook.NewRecord(r.t)
			if rec == nil || getInto(txn, r.t, r.id, rec) != nil {
				continue
			}
			title := titleOf(rec)
			hits = append(hits, Hit{Type: r.t, ID: r.id, Title: title, Snippet: snippet(searchText(rec), words), Score: score + titleBonus(title, words) + typeBonus[r.t]})
		}
		return nil
	})
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID > hits[j].ID // UUIDv7: newer first
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits, internal(err, "searching")
}

// matchAll scores the newest records of each type that contain every word
// (2 per exact word, 1 per prefix match), at most perType of each, so many
// matching notes never crowd out the one matching account. It is one
// descending pass: a type with enough is skipped with one seek.
func matchAll(txn *badger.Txn, words []string, perType int) map[docRef]float64 {
	cursors := make([]postingCursor, len(words))
	for i, w := range words {
		cursors[i] = cursorFor(txn, w)
		defer cursors[i].close()
	}
	scores := map[docRef]float64{}
	found := map[notebook.Type]int{}
	leapfrog(cursors, func(doc string, score float64) (string, bool) {
		typ, id, ok := strings.Cut(doc, "\x00")
		if !ok {
			return "", false
		}
		t := notebook.Type(typ)
		scores[docRef{t, id}] = score
		if found[t]++; found[t] >= perType {
			return typ, false // the largest key ≤ "<type>" lies below all of this type
		}
		return "", false
	})
	return scores
}

// titleBonus ranks a record whose name matches above one that merely
// mentions the words: searching "umbrel" should find Umbrella Freight first,
// not the latest of many notes about umbrellas.
func titleBonus(title string, words []string) float64 {
	bonus := 0.0
	titleWords := queryWords(title)
	for _, w := range words {
		for _, tw := range titleWords {
			if strings.HasPrefix(tw, w) {
				bonus += 1.5
				break
			}
		}
	}
	return bonus
}

// typeBonus ranks the records people navigate to (a company, a person, a
// hypothesis) above the many notes that mention them.
var typeBonus = map[notebook.Type]float64{notebook.TypeAccount: 1, notebook.TypeContact: 1, notebook.TypeOpportunity: 1, notebook.TypeHypothesis: 1, notebook.TypeStudy: 1}

// TitleOf is how a record is named in lists, search results and the
// pending-changes view.
func TitleOf(rec notebook.Record) string { return titleOf(rec) }

// titleOf is how a record is named in lists and search results.
func titleOf(rec notebook.Record) string {
	switch r := asPointer(rec).(type) {
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
	case *notebook.Opportunity:
		return r.Name
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
