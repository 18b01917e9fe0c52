package transfer

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// Report says what importing one file did — or, in a dry run, would do.
type Report struct {
	File      string     `json:"file"`
	Kind      Kind       `json:"kind"`
	Vendor    Vendor     `json:"vendor"`
	DryRun    bool       `json:"dry_run"`
	Created   int        `json:"created"`
	Updated   int        `json:"updated"`
	Imported  int        `json:"imported"`  // created + updated
	Unchanged int        `json:"unchanged"` // already there, identical
	Skipped   []RowError `json:"skipped"`   // footer rows: not data, not errors
	Errors    []RowError `json:"errors"`    // rejected lines, with why
	Warnings  []RowError `json:"warnings"`  // imported, but kept something the file disagreed on
	Unmapped  []string   `json:"unmapped"`  // columns imported nowhere
	Actions   []Action   `json:"actions"`   // per line, for the dry run (first maxActions)
}

// Action is what one line did or would do.
type Action struct {
	Line   int    `json:"line"`
	Action string `json:"action"` // create, update, unchanged
	What   string `json:"what"`   // "account Globex (globex.com)"
}

const maxActions = 1000

// deferSearchFrom is the number of writes from which an import leaves the
// search postings to the store's indexer (store.Batch.DeferSearch): a CRM
// export, not the few rows of a hand-made file, which are searchable at once.
const deferSearchFrom = 256

// Options changes an import.
type Options struct {
	Mapping map[string]Field
	DryRun  bool // plan only: nothing is written
}

// ImportPath imports one file from disk.
func ImportPath(ctx context.Context, s *store.Store, path string) (Report, error) {
	return ImportPathWith(ctx, s, path, Options{})
}

// ImportPathWith imports (or plans importing) one file from disk.
func ImportPathWith(ctx context.Context, s *store.Store, path string, opt Options) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{File: path}, notebook.Wrap(notebook.Invalid, err, "cannot open %s: %v", path, err)
	}
	defer f.Close()
	return ImportWith(ctx, s, filepath.Base(path), f, opt)
}

// Import parses r and upserts every good row; bad rows are in the report.
func Import(ctx context.Context, s *store.Store, name string, r io.Reader) (Report, error) {
	return ImportWith(ctx, s, name, r, Options{})
}

// ImportWith parses r and upserts (or, in a dry run, plans) every good row.
func ImportWith(ctx context.Context, s *store.Store, name string, r io.Reader, opt Options) (Report, error) {
	parsed, err := ParseFileWith(name, r, ParseOptions{Mapping: opt.Mapping})
	if err != nil {
		return Report{File: name}, err
	}
	return Apply(ctx, s, name, parsed, opt.DryRun)
}

// Apply writes (or plans) a parsed file.
func Apply(ctx context.Context, s *store.Store, name string, parsed Parsed, dryRun bool) (Report, error) {
	rep := Report{File: name, Kind: parsed.Kind, Vendor: parsed.Vendor, DryRun: dryRun,
		Errors: parsed.Errors, Skipped: parsed.Skipped, Unmapped: parsed.Unmapped}
	if parsed.Kind == KindNDJSON {
		return rep, applyNDJSON(ctx, s, name, parsed, &rep, dryRun)
	}
	im, err := newImporter(ctx, s)
	if err != nil {
		return rep, err
	}
	plans := make([]plan, 0, len(parsed.Rows))
	for _, row := range parsed.Rows {
		if err := ctx.Err(); err != nil {
			return rep, notebook.Wrap(notebook.Internal, err, "import cancelled at line %d", row.Line)
		}
		p, err := im.plan(parsed.Kind, row)
		if err != nil {
			rep.Errors = append(rep.Errors, RowError{File: name, Line: row.Line, Reason: trimRecordPrefix(err), Text: rowText(row.fields)})
			continue
		}
		if p.warning != "" {
			rep.Warnings = append(rep.Warnings, RowError{File: name, Line: row.Line, Reason: p.warning})
		}
		rep.count(row.Line, p)
		if p.action != "unchanged" {
			plans = append(plans, p)
		}
	}
	rep.Imported = rep.Created + rep.Updated
	sort.SliceStable(rep.Errors, func(i, j int) bool { return rep.Errors[i].Line < rep.Errors[j].Line })
	if dryRun || len(plans) == 0 {
		return rep, nil
	}
	return rep, s.Batch(ctx, func(b *store.Batch) error {
		if len(plans) >= deferSearchFrom {
			b.DeferSearch()
		}
		for _, p := range plans {
			if _, err := b.Save(p.record, store.FromImport()); err != nil {
				return err
			}
		}
		return nil
	})
}

func (r *Report) count(line int, p plan) {
	switch p.action {
	case "create":
		r.Created++
	case "update":
		r.Updated++
	default:
		r.Unchanged++
	}
	if len(r.Actions) < maxActions {
		r.Actions = append(r.Actions, Action{Line: line, Action: p.action, What: p.what})
	}
}

// plan is what one row will do: the record to save and why.
type plan struct {
	action  string
	record  notebook.Record
	what    string
	warning string
}

// importer holds the notebook's accounts, contacts and deals in memory for
// the length of one file, so 100k rows cost no store lookups, and so a row
// sees what the rows before it planned.
type importer struct {
	accounts      []*notebook.Account
	acctByCRM     map[string]*notebook.Account
	acctByDomain  map[string]*notebook.Account
	acctByName    map[string][]*notebook.Account
	contactByMail map[string]*notebook.Contact
	contactByCRM  map[string]*notebook.Contact
	dealByCRM     map[string]*notebook.Opportunity
	dealByKey     map[string]*notebook.Opportunity
}

func newImporter(ctx context.Context, s *store.Store) (*importer, error) {
	im := &importer{acctByCRM: map[string]*notebook.Account{}, acctByDomain: map[string]*notebook.Account{},
		acctByName: map[string][]*notebook.Account{}, contactByMail: map[string]*notebook.Contact{},
		contactByCRM: map[string]*notebook.Contact{}, dealByCRM: map[string]*notebook.Opportunity{},
		dealByKey: map[string]*notebook.Opportunity{}}
	accounts, err := store.List[notebook.Account](ctx, s, store.Query{})
	if err != nil {
		return nil, err
	}
	for i := range accounts {
		im.rememberAccount(&accounts[i])
	}
	contacts, err := store.List[notebook.Contact](ctx, s, store.Query{})
	if err != nil {
		return nil, err
	}
	for i := range contacts {
		im.rememberContact(&contacts[i])
	}
	deals, err := store.List[notebook.Opportunity](ctx, s, store.Query{})
	if err != nil {
		return nil, err
	}
	for i := range deals {
		im.rememberDeal(&deals[i])
	}
	return im, nil
}

func nameKey(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// companyKey is a company name without case, punctuation or legal form, so
// "Kestrel Logistics GmbH" in Salesforce finds "Kestrel Logistics" from
// Pipedrive.
func companyKey(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == '.' || r == '\t'
	})
	for len(words) > 1 && legalForms[words[len(words)-1]] {
		words = words[:len(words)-1]
	}
	return strings.Join(words, " ")
}

var legalForms = map[string]bool{
	"inc": true, "incorporated": true, "corp": true, "corporation": true, "co": true, "company": true, "llc": true,
	"ltd": true, "limited": true, "plc": true, "gmbh": true, "ag": true, "kg": true, "se": true, "sa": true, "sas": true,
	"sarl": true, "bv": true, "nv": true, "ab": true, "as": true, "oy": true, "spa": true, "srl": true, "pty": true, "lp": true, "llp": true,
}

func (im *importer) rememberAccount(a *notebook.Account) {
	for _, d := range a.Domains {
		im.acctByDomain[d] = a
	}
	for _, id := range a.CRMIDs {
		im.acctByCRM[id] = a
	}
	k := companyKey(a.Name)
	if !contains(im.acctByName[k], a) {
		im.acctByName[k] = append(im.acctByName[k], a)
	}
}

func (im *importer) forgetName(a *notebook.Account) {
	k := companyKey(a.Name)
	list := im.acctByName[k]
	for i, x := range list {
		if x == a {
			im.acctByName[k] = append(list[:i:i], list[i+1:]...)
			return
		}
	}
}

func (im *importer) rememberContact(c *notebook.Contact) {
	im.contactByMail[c.Email] = c
	for _, id := range c.CRMIDs {
		im.contactByCRM[id] = c
	}
}

func (im *importer) rememberDeal(o *notebook.Opportunity) {
	for _, id := range o.CRMIDs {
		im.dealByCRM[id] = o
	}
	im.dealByKey[o.AccountID+"\x00"+nameKey(o.Name)] = o
}

func (im *importer) plan(kind Kind, row Row) (plan, error) {
	switch kind {
	case KindContacts:
		return im.contact(row)
	case KindOpportunities:
		return im.deal(row)
	}
	return im.account(row)
}

// findAccount finds the one company a row means: by CRM id first, then by
// domain, then by name when neither side knows a domain. Two different
// companies answering (the id says one, a domain another) is a conflict.
func (im *importer) findAccount(in *notebook.Account) (*notebook.Account, string, error) {
	var found *notebook.Account
	var how string
	for _, id := range in.CRMIDs {
		if a := im.acctByCRM[id]; a != nil {
			found, how = a, "crm"
		}
	}
	for _, d := range in.Domains {
		a := im.acctByDomain[d]
		if a == nil {
			continue
		}
		if found != nil && a != found {
			return nil, "", fmt.Errorf("%s is %s, but %s belongs to %s — two different companies; not merged (fix the row or the existing account)", describeIDs(in.CRMIDs, found), describeAccount(found), d, describeAccount(a))
		}
		if found == nil {
			found, how = a, "domain"
		}
	}
	if found == nil {
		for _, a := range im.acctByName[companyKey(in.Name)] {
			if len(a.Domains) == 0 || len(in.Domains) == 0 {
				found, how = a, "name"
				break
			}
		}
	}
	if found != nil && how != "crm" {
		if err := sameVendorConflict(in.CRMIDs, found); err != nil {
			return nil, "", err
		}
	}
	return found, how, nil
}

// sameVendorConflict refuses to merge a row with an account that already has
// a different id in the same CRM: the CRM says they are two companies.
func sameVendorConflict(ids []string, a *notebook.Account) error {
	for _, id := range ids {
		vendor, _, _ := strings.Cut(id, ":")
		for _, have := range a.CRMIDs {
			if hv, _, _ := strings.Cut(have, ":"); hv == vendor && have != id {
				return fmt.Errorf("%s matches %s, which is already %s in the same CRM — two different companies; not merged", id, describeAccount(a), have)
			}
		}
	}
	return nil
}

func describeIDs(ids []string, a *notebook.Account) string {
	for _, id := range ids {
		if contains(a.CRMIDs, id) {
			return id
		}
	}
	return strings.Join(ids, ", ")
}

func describeAccount(a *notebook.Account) string {
	if len(a.Domains) > 0 {
		return fmt.Sprintf("%q (%s)", a.Name, a.Domains[0])
	}
	return fmt.Sprintf("%q", a.Name)
}

// account merges a row into the company it names: columns left empty keep
// what the notebook has, domains and CRM ids only grow, and a name another
// CRM spells differently is kept (and said), never silently renamed.
func (im *importer) account(row Row) (plan, error) {
	in := row.Record.(*notebook.Account)
	existing, how, err := im.findAccount(in)
	if err != nil {
		return plan{}, err
	}
	if existing == nil {
		next := *in
		next.ID = notebook.NewID()
		im.rememberAccount(&next)
		im.accounts = append(im.accounts, &next)
		return plan{action: "create", record: &next, what: "account " + describeAccount(&next)}, nil
	}
	next := *existing
	var warning string
	if in.Name != existing.Name {
		switch {
		case how == "crm" && onlyVendor(existing.CRMIDs, in.CRMIDs):
			next.Name = in.Name // the same CRM record, renamed there, and no other CRM disagrees
		case companyKey(in.Name) == companyKey(existing.Name):
			// the same name spelt with another legal form or case: keep ours
		default:
			warning = fmt.Sprintf("kept the name %q: this row calls %s %q", existing.Name, describeMatch(how, in), in.Name)
		}
	}
	next.Domains = union(existing.Domains, in.Domains)
	next.CRMIDs = union(existing.CRMIDs, in.CRMIDs)
	next.Segment = keep(existing.Segment, in.Segment)
	next.Stage = notebook.Stage(keep(string(existing.Stage), string(in.Stage)))
	if row.present["arr"] && in.ARR != 0 {
		next.ARR = in.ARR
	}
	return im.update(existing, &next, warning)
}

// onlyVendor reports whether every id the account has comes from the CRM
// of the row's ids.
func onlyVendor(have, row []string) bool {
	if len(row) == 0 {
		return false
	}
	vendor, _, _ := strings.Cut(row[0], ":")
	for _, id := range have {
		if v, _, _ := strings.Cut(id, ":"); v != vendor {
			return false
		}
	}
	return true
}

func describeMatch(how string, in *notebook.Account) string {
	if how == "domain" && len(in.Domains) > 0 {
		return "the company at " + in.Domains[0]
	}
	return "it"
}

func (im *importer) update(existing, next *notebook.Account, warning string) (plan, error) {
	if sameRecord(existing, next) {
		return plan{action: "unchanged", what: "account " + describeAccount(existing), warning: warning}, nil
	}
	im.forgetName(existing)
	*existing = *next // the maps point at existing; later rows see the update
	im.rememberAccount(existing)
	saved := *existing
	return plan{action: "update", record: &saved, what: "account " + describeAccount(existing), warning: warning}, nil
}

// accountFor finds the account a contact or deal belongs to.
func (im *importer) accountFor(row Row) (*notebook.Account, error) {
	if row.AccountCRMID != "" {
		if a := im.acctByCRM[row.AccountCRMID]; a != nil {
			return a, nil
		}
	}
	if a := im.acctByDomain[row.AccountHost]; a != nil && row.AccountHost != "" {
		return a, nil
	}
	if row.AccountDomain != "" {
		if a := im.acctByDomain[row.AccountDomain]; a != nil {
			return a, nil
		}
		if row.ExplicitLink {
			return nil, notebook.Errorf(notebook.Invalid, "account_domain %s matches no account; import the accounts first", row.AccountDomain)
		}
	}
	if row.AccountName != "" {
		switch list := im.acctByName[companyKey(row.AccountName)]; len(list) {
		case 0:
			return nil, notebook.Errorf(notebook.Invalid, "account %q matches no account; import the accounts first", row.AccountName)
		case 1:
			return list[0], nil
		default:
			return nil, notebook.Errorf(notebook.Invalid, "account %q names %d accounts; add the account's id or domain column to tell them apart", row.AccountName, len(list))
		}
	}
	if row.AccountCRMID != "" {
		return nil, notebook.Errorf(notebook.Invalid, "account %s matches no account; import the accounts first", row.AccountCRMID)
	}
	return nil, nil
}

func (im *importer) contact(row Row) (plan, error) {
	in := row.Record.(*notebook.Contact)
	acct, err := im.accountFor(row)
	if err != nil {
		return plan{}, err
	}
	existing := im.contactByMail[in.Email]
	for _, id := range in.CRMIDs {
		if c := im.contactByCRM[id]; c != nil && existing == nil {
			existing = c
		} else if c != nil && c != existing {
			return plan{}, fmt.Errorf("%s is already %s, but this row's address %s is another contact; not merged", id, c.Email, in.Email)
		}
	}
	what := "contact " + in.Email
	if existing == nil {
		next := *in
		next.ID = notebook.NewID()
		if acct != nil {
			next.AccountID = acct.ID
		}
		im.rememberContact(&next)
		return plan{action: "create", record: &next, what: what}, nil
	}
	next := *existing
	next.Email = in.Email
	next.Name = keep(existing.Name, in.Name)
	next.Title = keep(existing.Title, in.Title)
	next.CRMIDs = union(existing.CRMIDs, in.CRMIDs)
	if acct != nil {
		next.AccountID = acct.ID
	}
	if sameRecord(existing, &next) {
		return plan{action: "unchanged", what: what}, nil
	}
	delete(im.contactByMail, existing.Email)
	*existing = next
	im.rememberContact(existing)
	saved := *existing
	return plan{action: "update", record: &saved, what: what}, nil
}

func (im *importer) deal(row Row) (plan, error) {
	in := row.Record.(*notebook.Opportunity)
	acct, err := im.accountFor(row)
	if err != nil {
		return plan{}, err
	}
	if acct == nil {
		return plan{}, fmt.Errorf("the deal names no account")
	}
	var existing *notebook.Opportunity
	for _, id := range in.CRMIDs {
		existing = im.dealByCRM[id]
	}
	if existing == nil {
		existing = im.dealByKey[acct.ID+"\x00"+nameKey(in.Name)]
	}
	what := fmt.Sprintf("deal %q on %s", in.Name, describeAccount(acct))
	if existing == nil {
		next := *in
		next.ID, next.AccountID = notebook.NewID(), acct.ID
		im.rememberDeal(&next)
		return plan{action: "create", record: &next, what: what}, nil
	}
	next := *existing
	next.Name, next.AccountID = in.Name, acct.ID
	next.Stage = keep(existing.Stage, in.Stage)
	next.Status = notebook.DealStatus(keep(string(existing.Status), string(in.Status)))
	next.Currency = keep(existing.Currency, in.Currency)
	next.LostReason = keep(existing.LostReason, in.LostReason)
	next.Owner = keep(existing.Owner, in.Owner)
	next.CRMIDs = union(existing.CRMIDs, in.CRMIDs)
	if in.Amount != 0 {
		next.Amount = in.Amount
	}
	if in.CloseDate != nil {
		next.CloseDate = in.CloseDate
	}
	if sameRecord(existing, &next) {
		return plan{action: "unchanged", what: what}, nil
	}
	*existing = next
	im.rememberDeal(existing)
	saved := *existing
	return plan{action: "update", record: &saved, what: what}, nil
}

// sameRecord compares as the store would: by the JSON of the fields, so a
// nil and an empty list are the same.
func sameRecord(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(normaliseEmpty(ja)) == string(normaliseEmpty(jb))
}

func normaliseEmpty(b []byte) []byte {
	return []byte(strings.ReplaceAll(string(b), ":null", ":[]"))
}

// applyNDJSON upserts envelope rows by id (an export of this notebook).
func applyNDJSON(ctx context.Context, s *store.Store, name string, parsed Parsed, rep *Report, dryRun bool) error {
	for _, row := range parsed.Rows {
		if err := ctx.Err(); err != nil {
			return notebook.Wrap(notebook.Internal, err, "import cancelled at line %d", row.Line)
		}
		if dryRun {
			continue
		}
		changed, err := envelope(ctx, s, row)
		switch {
		case notebook.ErrorCode(err) == notebook.Internal:
			return err
		case err != nil:
			rep.Errors = append(rep.Errors, RowError{File: name, Line: row.Line, Reason: trimRecordPrefix(err)})
		case changed:
			rep.Updated++
		default:
			rep.Unchanged++
		}
	}
	rep.Imported = rep.Updated
	return nil
}

func envelope(ctx context.Context, s *store.Store, row Row) (bool, error) {
	if row.Deleted {
		var id string
		for k := range row.present {
			id = strings.TrimPrefix(k, "id:")
		}
		err := s.Delete(ctx, row.Record.RecordType(), id)
		if notebook.IsCode(err, notebook.NotFound) {
			return false, nil
		}
		return err == nil, err
	}
	saved, err := s.Save(ctx, row.Record, store.FromImport())
	return len(saved.Changed) > 0, err
}

func keep(old, new string) string {
	if new != "" {
		return new
	}
	return old
}

func union(a, b []string) []string {
	out := append([]string{}, a...)
	for _, x := range b {
		if !contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
