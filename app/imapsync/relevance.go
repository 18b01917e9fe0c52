package imapsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"regexp"
	"sort"
	"strings"

	"fieldnotes/app/notebook"
)

// Directory is what the notebook knows about the rep's customers: the
// accounts (with their email domains) and the contacts (with their
// addresses). app/desktop adapts the store to it with store.List.
type Directory interface {
	Accounts(ctx context.Context) ([]notebook.Account, error)
	Contacts(ctx context.Context) ([]notebook.Contact, error)
}

// StaticDirectory is a Directory over fixed slices (tests, the CLI).
type StaticDirectory struct {
	AccountList []notebook.Account
	ContactList []notebook.Contact
}

// Accounts returns the fixed accounts.
func (d StaticDirectory) Accounts(context.Context) ([]notebook.Account, error) {
	return d.AccountList, nil
}

// Contacts returns the fixed contacts.
func (d StaticDirectory) Contacts(context.Context) ([]notebook.Contact, error) {
	return d.ContactList, nil
}

// Matcher decides relevance from addresses alone. Display names are never
// looked at: a helpdesk relay "ana@acme.com via Zendesk" <support@zendesk.com>
// is not from Acme.
type Matcher struct {
	contacts    map[string]notebook.Contact // normalised address → contact
	domains     map[string]string           // normalised domain → account id
	fingerprint string
}

// NewMatcher loads the directory into lookup tables.
func NewMatcher(ctx context.Context, dir Directory) (*Matcher, error) {
	accounts, err := dir.Accounts(ctx)
	if err != nil {
		return nil, err
	}
	contacts, err := dir.Contacts(ctx)
	if err != nil {
		return nil, err
	}
	m := &Matcher{contacts: map[string]notebook.Contact{}, domains: map[string]string{}}
	var keys []string
	for _, a := range accounts {
		for _, d := range a.Domains {
			if d = notebook.NormalizeDomain(d); d != "" {
				m.domains[d] = a.ID
				keys = append(keys, "d:"+d+"="+a.ID)
			}
		}
	}
	for _, c := range contacts {
		if e := notebook.NormalizeEmail(c.Email); e != "" {
			m.contacts[e] = c
			keys = append(keys, "c:"+e+"="+c.ID+"/"+c.AccountID)
		}
	}
	sort.Strings(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	m.fingerprint = hex.EncodeToString(sum[:8])
	return m, nil
}

// Fingerprint changes whenever an account domain or contact address is
// added, removed or re-assigned; a folder remembers the fingerprint it was
// judged with, so a change triggers a local re-evaluation.
func (m *Matcher) Fingerprint() string { return m.fingerprint }

// Match is why a message is relevant: the account and contacts it concerns.
type Match struct {
	AccountID  string
	ContactIDs []string
}

// Relevant reports whether any address belongs to a known contact or to a
// domain (or subdomain) of a known account.
func (m *Matcher) Relevant(addrs []string) (Match, bool) {
	var match Match
	found := false
	for _, raw := range addrs {
		addr := notebook.NormalizeEmail(raw)
		if addr == "" {
			continue
		}
		if c, ok := m.contacts[addr]; ok {
			found = true
			match.ContactIDs = appendUnique(match.ContactIDs, c.ID)
			if match.AccountID == "" {
				match.AccountID = c.AccountID
			}
		}
		if id := m.accountForHost(addr[strings.LastIndexByte(addr, '@')+1:]); id != "" {
			found = true
			if match.AccountID == "" {
				match.AccountID = id
			}
		}
	}
	return match, found
}

// accountForHost walks up the labels of host (eu.mail.acme.com, mail.acme.com,
// acme.com) so sub-domains match in a few map look-ups.
func (m *Matcher) accountForHost(host string) string {
	for host != "" {
		if id, ok := m.domains[host]; ok {
			return id
		}
		dot := strings.IndexByte(host, '.')
		if dot < 0 {
			return ""
		}
		host = host[dot+1:]
	}
	return ""
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

var (
	quotedString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	comment      = regexp.MustCompile(`\([^()]*\)`)
	angleAddr    = regexp.MustCompile(`<([^<>\s]+@[^<>\s]+)>`)
	bareAddr     = regexp.MustCompile(`[A-Za-z0-9._%+\-=!#$&'*/?^{|}~]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
)

// LenientAddresses extracts the addresses of a raw address header that
// net/mail (or the server) could not parse, e.g. `Ana Smith ana@acme.com`
// without angle brackets. Quoted display names and comments are removed
// first so an address that only appears in a display name never counts.
func LenientAddresses(header string) []string {
	header = bestEffortUTF8([]byte(header))
	if list, err := mail.ParseAddressList(header); err == nil {
		out := make([]string, 0, len(list))
		for _, a := range list {
			out = append(out, strings.ToLower(a.Address))
		}
		return out
	}
	cleaned := quotedString.ReplaceAllString(header, " ")
	for i := 0; i < 3; i++ { // nested comments, a few levels deep
		cleaned = comment.ReplaceAllString(cleaned, " ")
	}
	var out []string
	for _, seg := range strings.Split(cleaned, ",") {
		if m := angleAddr.FindStringSubmatch(seg); m != nil {
			out = append(out, strings.ToLower(m[1]))
			continue
		}
		if strings.ContainsAny(seg, "<>") {
			continue // an address in angle brackets that does not parse: not an address
		}
		for _, a := range bareAddr.FindAllString(seg, -1) {
			out = append(out, strings.ToLower(a))
		}
	}
	return out
}
