package assist

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"fieldnotes/app/notebook"
)

// Redactor replaces email addresses, phone numbers and the names of known
// contacts by placeholders ([EMAIL_1], [PHONE_1], [PERSON_1]) and puts them
// back in answers. One Redactor serves one request, so the same text always
// gets the same placeholder within it ("stable"), and each placeholder maps
// back to exactly the text it replaced, which keeps verbatim checks exact.
// A disabled Redactor passes text through unchanged.
type Redactor struct {
	enabled bool
	names   []*regexp.Regexp // full names (in common casings), then first/last names, longest first
	forward map[string]string
	back    map[string]string
	counts  map[string]int
}

var (
	emailPattern       = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	phonePattern       = regexp.MustCompile(`\+?\(?\d[\d ().\-]{5,24}\d`)
	placeholderPattern = regexp.MustCompile(`\[(?:EMAIL|PHONE|PERSON)_\d+\]`)
	datePattern        = regexp.MustCompile(`^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}\.\d{1,2}\.\d{2,4}|(?:19|20)\d\d ?- ?(?:19|20)\d\d)$`)
	thousandsPattern   = regexp.MustCompile(`^\d{1,3}(?:[ .]\d{3})+$`)
)

// minNamePart is the shortest first or last name replaced on its own; shorter
// ones ("Li", "Al") would hit too many ordinary words.
const minNamePart = 3

// NewRedactor prepares redaction for the names of these contacts. With
// enabled false it is a no-op.
func NewRedactor(enabled bool, contacts []notebook.Contact) *Redactor {
	r := &Redactor{enabled: enabled, forward: map[string]string{}, back: map[string]string{}, counts: map[string]int{}}
	seenFull, seenPart := map[string]bool{}, map[string]bool{}
	var fullNames, nameParts []string // full names match in common casings, parts only as written
	for _, c := range contacts {
		name := strings.Join(strings.Fields(c.Name), " ")
		if name == "" {
			continue
		}
		if key := strings.ToLower(name); !seenFull[key] {
			seenFull[key] = true
			fullNames = append(fullNames, name)
		}
		for _, part := range strings.Fields(name) {
			part = strings.Trim(part, ".,;:()\"'")
			if utf8.RuneCountInString(part) >= minNamePart && !seenPart[part] {
				seenPart[part] = true
				nameParts = append(nameParts, part)
			}
		}
	}
	longestFirst := func(list []string) {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	}
	longestFirst(fullNames)
	longestFirst(nameParts)
	for _, n := range fullNames {
		for _, v := range caseVariants(n) {
			r.names = append(r.names, namePattern(v))
		}
	}
	for _, n := range nameParts {
		r.names = append(r.names, namePattern(n))
	}
	return r
}

// Enabled reports whether the redactor changes anything.
func (r *Redactor) Enabled() bool { return r != nil && r.enabled }

// Redact returns s with addresses, phone numbers and contact names replaced.
func (r *Redactor) Redact(s string) string {
	if !r.Enabled() || s == "" {
		return s
	}
	s = r.replaceMatches(s, emailPattern.FindAllStringIndex(s, -1), "EMAIL")
	s = r.replaceMatches(s, phoneMatches(s), "PHONE")
	for _, re := range r.names {
		s = r.replaceMatches(s, wordMatches(s, re), "PERSON")
	}
	return s
}

// Restore puts the original text back for every placeholder this redactor
// made; other bracketed text is left alone.
func (r *Redactor) Restore(s string) string {
	if !r.Enabled() || !strings.Contains(s, "[") {
		return s
	}
	return placeholderPattern.ReplaceAllStringFunc(s, func(p string) string {
		if orig, ok := r.back[p]; ok {
			return orig
		}
		return p
	})
}

// Placeholders returns how many distinct values were replaced, by kind.
func (r *Redactor) Placeholders() map[string]int {
	out := make(map[string]int, len(r.counts))
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

func (r *Redactor) placeholder(kind, original string) string {
	if p, ok := r.forward[original]; ok {
		return p
	}
	r.counts[kind]++
	p := fmt.Sprintf("[%s_%d]", kind, r.counts[kind])
	r.forward[original] = p
	r.back[p] = original
	return p
}

// replaceMatches swaps each [start,end) range (sorted, non-overlapping) for
// its placeholder.
func (r *Redactor) replaceMatches(s string, ranges [][]int, kind string) string {
	if len(ranges) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ranges {
		b.WriteString(s[last:m[0]])
		b.WriteString(r.placeholder(kind, s[m[0]:m[1]]))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// phoneMatches finds phone-number-like runs: 7–15 digits with separators (or
// 10+ bare digits), not glued to other letters or digits, and not a date, a
// year range or a thousands-grouped amount.
func phoneMatches(s string) [][]int {
	var out [][]int
	for _, m := range phonePattern.FindAllStringIndex(s, -1) {
		start, end := m[0], m[1]
		if isWordByteBefore(s, start) || isWordByteAfter(s, end) {
			continue
		}
		if looksLikePhone(s[start:end]) {
			out = append(out, []int{start, end})
		}
	}
	return out
}

func looksLikePhone(candidate string) bool {
	digits := 0
	for _, c := range candidate {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits < 7 || digits > 15 {
		return false
	}
	if datePattern.MatchString(candidate) || thousandsPattern.MatchString(candidate) {
		return false
	}
	separated := strings.ContainsAny(candidate, " ().-") || strings.HasPrefix(candidate, "+")
	return separated || digits >= 10
}

func isWordByteBefore(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

func isWordByteAfter(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// namePattern matches a name with any run of spaces between its words. It
// is case-sensitive on purpose: a pattern that starts with a literal lets
// the regexp engine skip ahead with a fast substring search, which (?i)
// would prevent; caseVariants covers the casings people type.
func namePattern(name string) *regexp.Regexp {
	pattern := strings.ReplaceAll(regexp.QuoteMeta(name), " ", `\s+`)
	return regexp.MustCompile(pattern) // QuoteMeta output always compiles
}

// caseVariants is a full name as given, in lower case, in upper case and
// with each word capitalised ("ana souza", "ANA SOUZA", "Ana Souza").
func caseVariants(name string) []string {
	words := strings.Fields(strings.ToLower(name))
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		words[i] = string(unicode.ToUpper(r)) + w[size:]
	}
	out := []string{}
	seen := map[string]bool{}
	for _, v := range []string{name, strings.ToLower(name), strings.ToUpper(name), strings.Join(words, " ")} {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// wordMatches finds whole-word matches of re in s, skipping text already
// inside a placeholder.
func wordMatches(s string, re *regexp.Regexp) [][]int {
	var out [][]int
	for _, m := range re.FindAllStringIndex(s, -1) {
		if isWordByteBefore(s, m[0]) || isWordByteAfter(s, m[1]) || insidePlaceholder(s, m[0]) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func insidePlaceholder(s string, i int) bool {
	open := strings.LastIndexByte(s[:i], '[')
	if open < 0 {
		return false
	}
	close := strings.IndexByte(s[open:], ']')
	return close >= 0 && open+close >= i && placeholderPattern.MatchString(s[open:open+close+1])
}
