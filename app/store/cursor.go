package store

import (
	"github.com/dgraph-io/badger/v4"
)

// Conjunctive search over posting lists without materialising them: every
// query word is a cursor over the documents containing it, in descending
// document order ("<type>\x00<id>", so newest ids first within a type), and
// the cursors leapfrog — each seeks to the smallest document any other is
// on — so the work follows the rarest word, not the most common one.

// maxPrefixTerms bounds how many words one typed prefix expands to.
const maxPrefixTerms = 64

type postingCursor interface {
	reset(doc string) bool // position at the largest document ≤ doc, from anywhere; false when none
	seek(doc string) bool  // move down to the largest document ≤ doc (doc ≤ the current one); false when exhausted
	next() bool            // move to the next smaller document
	doc() string
	score() float64 // 2 for an exact word match, 1 for a prefix match
	close()
}

// termCursor walks one word's postings.
type termCursor struct {
	it     *badger.Iterator
	prefix []byte
	exact  bool
	cur    string
}

func newTermCursor(txn *badger.Txn, term string, exact bool) *termCursor {
	prefix := []byte(prefixText + term + "\x00")
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Reverse = true
	opts.Prefix = prefix
	return &termCursor{it: txn.NewIterator(opts), prefix: prefix, exact: exact}
}

func (c *termCursor) reset(doc string) bool { return c.seek(doc) }

func (c *termCursor) seek(doc string) bool {
	c.it.Seek(append(append([]byte{}, c.prefix...), doc...))
	return c.load()
}

func (c *termCursor) next() bool { c.it.Next(); return c.load() }

func (c *termCursor) load() bool {
	if !c.it.ValidForPrefix(c.prefix) {
		return false
	}
	c.cur = string(c.it.Item().Key()[len(c.prefix):])
	return true
}

func (c *termCursor) doc() string { return c.cur }

func (c *termCursor) score() float64 {
	if c.exact {
		return 2
	}
	return 1
}

func (c *termCursor) close() { c.it.Close() }

// unionCursor is a typed prefix: the documents of any word it expands to.
type unionCursor struct {
	subs []*termCursor
	live []*termCursor
	cur  string
}

func (u *unionCursor) reset(doc string) bool {
	u.live = u.live[:0]
	for _, s := range u.subs {
		if s.reset(doc) {
			u.live = append(u.live, s)
		}
	}
	return u.settle()
}

// seek moves only the words still above doc: the others are already there,
// so a prefix that expands to many words costs little per step.
func (u *unionCursor) seek(doc string) bool {
	live := u.live[:0]
	for _, s := range u.live {
		if s.doc() <= doc || s.seek(doc) {
			live = append(live, s)
		}
	}
	u.live = live
	return u.settle()
}

func (u *unionCursor) next() bool {
	live := u.live[:0]
	for _, s := range u.live {
		if s.doc() != u.cur || s.next() {
			live = append(live, s)
		}
	}
	u.live = live
	return u.settle()
}

// settle makes the largest current document the union's.
func (u *unionCursor) settle() bool {
	u.cur = ""
	for _, s := range u.live {
		if s.doc() > u.cur {
			u.cur = s.doc()
		}
	}
	return len(u.live) > 0
}

func (u *unionCursor) doc() string { return u.cur }

func (u *unionCursor) score() float64 {
	best := 0.0
	for _, s := range u.live {
		if s.doc() == u.cur && s.score() > best {
			best = s.score()
		}
	}
	return best
}

func (u *unionCursor) close() {
	for _, s := range u.subs {
		s.close()
	}
}

// cursorFor makes the cursor of one query word: words of three letters or
// more also match as prefixes (search as you type).
func cursorFor(txn *badger.Txn, word string) postingCursor {
	if len([]rune(word)) < 3 {
		return newTermCursor(txn, word, true)
	}
	u := &unionCursor{}
	for _, term := range termsWithPrefix(txn, word, maxPrefixTerms) {
		u.subs = append(u.subs, newTermCursor(txn, term, term == word))
	}
	return u
}

// termsWithPrefix lists distinct indexed words starting with p, hopping from
// word to word with one seek each instead of reading their postings.
func termsWithPrefix(txn *badger.Txn, p string, max int) []string {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = []byte(prefixText + p)
	it := txn.NewIterator(opts)
	defer it.Close()
	var terms []string
	for it.Seek(opts.Prefix); it.ValidForPrefix(opts.Prefix) && len(terms) < max; {
		term, _, _, ok := splitPosting(it.Item().Key())
		if !ok {
			it.Next()
			continue
		}
		terms = append(terms, term)
		it.Seek([]byte(prefixText + term + "\x01"))
	}
	return terms
}

// leapfrog calls emit for each document that every cursor contains, in
// descending order, with the summed score. emit returns where to go next:
// "" for the next document, a smaller document to skip to (all of one type
// once it has enough), or stop.
func leapfrog(cursors []postingCursor, emit func(doc string, score float64) (skipTo string, stop bool)) {
	for _, c := range cursors {
		if !c.reset("\xff") {
			return
		}
	}
	for {
		lo, hi := cursors[0].doc(), cursors[0].doc()
		for _, c := range cursors[1:] {
			lo, hi = min(lo, c.doc()), max(hi, c.doc())
		}
		if lo != hi {
			if !seekAll(cursors, lo) {
				return
			}
			continue
		}
		total := 0.0
		for _, c := range cursors {
			total += c.score()
		}
		skipTo, stop := emit(lo, total)
		switch {
		case stop:
			return
		case skipTo != "":
			if !seekAll(cursors, skipTo) {
				return
			}
		case !cursors[0].next():
			return
		}
	}
}

// seekAll moves every cursor above doc down to it.
func seekAll(cursors []postingCursor, doc string) bool {
	for _, c := range cursors {
		if c.doc() > doc && !c.seek(doc) {
			return false
		}
	}
	return true
}
