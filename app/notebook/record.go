package notebook

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Type names a kind of record, as in the sync protocol's envelope.
type Type string

// The record types of sync-protocol.md.
const (
	TypeHypothesis Type = "hypothesis"
	TypeStudy      Type = "study"
	TypeAccount    Type = "account"
	TypeContact    Type = "contact"
	TypeCall       Type = "call"
	TypeEvidence   Type = "evidence"
	TypeEmail      Type = "email"
)

// Types lists every record type in a stable order (exports, tests).
var Types = []Type{TypeHypothesis, TypeStudy, TypeAccount, TypeContact, TypeOpportunity, TypeCall, TypeEvidence, TypeEmail}

// ParseType checks a type name.
func ParseType(s string) (Type, error) {
	for _, t := range Types {
		if string(t) == s {
			return t, nil
		}
	}
	return "", Errorf(Invalid, "unknown record type %q (want one of hypothesis, study, account, contact, call, evidence, email)", s)
}

// OrgScoped says who may read a type's records: true for the whole org,
// false for only the owner (plus product and admin), per
// sync-protocol.md's scope table.
func (t Type) OrgScoped() bool {
	return t == TypeHypothesis || t == TypeStudy || t == TypeAccount || t == TypeContact || t == TypeOpportunity
}

// Record is what every domain record implements so stores and importers can
// handle them generically.
type Record interface {
	RecordType() Type
	RecordID() string
	Validate() error
}

// NewRecord returns a pointer to a zero record of type t.
func NewRecord(t Type) Record {
	switch t {
	case TypeHypothesis:
		return &Hypothesis{}
	case TypeStudy:
		return &Study{}
	case TypeAccount:
		return &Account{}
	case TypeContact:
		return &Contact{}
	case TypeOpportunity:
		return &Opportunity{}
	case TypeCall:
		return &Call{}
	case TypeEvidence:
		return &Evidence{}
	case TypeEmail:
		return &Email{}
	}
	return nil
}

// Limits on free text keep one record's size sane (a pasted book should get
// a clear error, not a silently huge sync mutation).
const (
	MaxShortText = 500       // names, titles, statements, single-line fields
	MaxLongText  = 200 << 10 // call notes, email excerpts, rationale
)

func checkText(p *Problems, field, v string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.Add(field, "is required")
	case !utf8.ValidString(v):
		p.Add(field, "is not valid UTF-8 text")
	case len(v) > max:
		p.Add(field, "is %d bytes long; the limit is %d", len(v), max)
	}
}

func checkID(p *Problems, field, v string, required bool) {
	if v == "" {
		if required {
			p.Add(field, "is required")
		}
		return
	}
	if !ValidID(v) {
		p.Add(field, "%q is not a valid id", v)
	}
}

func checkIDs(p *Problems, field string, ids []string) {
	for _, id := range ids {
		if !ValidID(id) {
			p.Add(field, "%q is not a valid id", id)
		}
	}
}

func checkEnum[T ~string](p *Problems, field string, v T, allowed []T, required bool) {
	if v == "" {
		if required {
			p.Add(field, "is required")
		}
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	p.Add(field, "%q is not one of %s", v, strings.Join(names, ", "))
}

// NormalizeEmail lower-cases and trims an address; it returns "" when s is
// not a plain address (no display name, exactly one '@', a dotted domain).
func NormalizeEmail(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return ""
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || !ValidDomain(s[at+1:]) {
		return ""
	}
	return s
}

// NormalizeDomain lower-cases a domain and strips a leading "www.", "@" or a
// URL scheme a CRM export may carry; "" when the rest is not a domain.
func NormalizeDomain(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "https://")
	s = strings.TrimPrefix(s, "http://")
	s = strings.TrimPrefix(s, "@")
	s = strings.TrimPrefix(s, "www.")
	s = strings.TrimSuffix(s, "/")
	if !ValidDomain(s) {
		return ""
	}
	return s
}

// ValidDomain reports whether s is a lower-case DNS name with at least two labels.
func ValidDomain(s string) bool {
	if len(s) < 3 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	for _, label := range strings.Split(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// DomainMatches reports whether host is domain or one of its subdomains
// (eu.acme.com matches acme.com; notacme.com does not).
func DomainMatches(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

func checkTime(p *Problems, field string, t *time.Time) {
	if t != nil && (t.Year() < 1990 || t.Year() > 2200) {
		p.Add(field, "%s is outside the years 1990–2200", t.Format(time.RFC3339))
	}
}
