package transfer

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// Report says what importing one file did.
type Report struct {
	File      string     `json:"file"`
	Kind      Kind       `json:"kind"`
	Imported  int        `json:"imported"`  // created or changed
	Unchanged int        `json:"unchanged"` // already there, identical
	Errors    []RowError `json:"errors"`
}

// ImportPath imports one file from disk.
func ImportPath(ctx context.Context, s *store.Store, path string) (Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return Report{File: path}, notebook.Wrap(notebook.Invalid, err, "cannot open %s: %v", path, err)
	}
	defer f.Close()
	return Import(ctx, s, filepath.Base(path), f)
}

// Import parses r and upserts every good row; bad rows are in the report.
func Import(ctx context.Context, s *store.Store, name string, r io.Reader) (Report, error) {
	parsed, err := ParseFile(name, r)
	if err != nil {
		return Report{File: name}, err
	}
	rep := Report{File: name, Kind: parsed.Kind, Errors: parsed.Errors}
	im := importer{ctx: ctx, s: s}
	if parsed.Kind == KindAccounts {
		if err := im.loadAccounts(); err != nil {
			return rep, err
		}
	}
	for _, row := range parsed.Rows {
		if err := ctx.Err(); err != nil {
			return rep, notebook.Wrap(notebook.Internal, err, "import cancelled after %d rows", rep.Imported+rep.Unchanged)
		}
		changed, err := im.apply(parsed.Kind, row)
		switch {
		case notebook.ErrorCode(err) == notebook.Internal:
			return rep, err
		case err != nil:
			rep.Errors = append(rep.Errors, RowError{File: name, Line: row.Line, Reason: trimRecordPrefix(err)})
		case changed:
			rep.Imported++
		default:
			rep.Unchanged++
		}
	}
	return rep, nil
}

type importer struct {
	ctx      context.Context
	s        *store.Store
	byDomain map[string]*notebook.Account
	byName   map[string]*notebook.Account
}

func (im *importer) loadAccounts() error {
	all, err := store.List[notebook.Account](im.ctx, im.s, store.Query{})
	if err != nil {
		return err
	}
	im.byDomain, im.byName = map[string]*notebook.Account{}, map[string]*notebook.Account{}
	for i := range all {
		im.remember(&all[i])
	}
	return nil
}

func (im *importer) remember(a *notebook.Account) {
	for _, d := range a.Domains {
		im.byDomain[d] = a
	}
	im.byName[strings.ToLower(a.Name)] = a
}

func (im *importer) apply(kind Kind, row Row) (bool, error) {
	switch kind {
	case KindAccounts:
		return im.account(row)
	case KindContacts:
		return im.contact(row)
	}
	return im.envelope(row)
}

// account upserts by any of its domains, else by name; columns missing from
// the file or left empty keep what the notebook has, and domains only grow.
func (im *importer) account(row Row) (bool, error) {
	in := row.Record.(*notebook.Account)
	var existing *notebook.Account
	for _, d := range in.Domains {
		if existing = im.byDomain[d]; existing != nil {
			break
		}
	}
	if existing == nil {
		existing = im.byName[strings.ToLower(in.Name)]
	}
	next := *in
	if existing != nil {
		next = *existing
		next.Name = in.Name
		next.Domains = union(existing.Domains, in.Domains)
		next.Segment = keep(existing.Segment, in.Segment)
		next.Stage = notebook.Stage(keep(string(existing.Stage), string(in.Stage)))
		if row.present["arr"] && in.ARR != 0 {
			next.ARR = in.ARR
		}
	} else {
		next.ID = notebook.NewID()
	}
	saved, err := im.s.Save(im.ctx, &next, store.FromImport())
	if err != nil {
		return false, err
	}
	im.remember(&next)
	return len(saved.Changed) > 0, nil
}

func (im *importer) contact(row Row) (bool, error) {
	in := row.Record.(*notebook.Contact)
	next, err := im.s.ContactByEmail(im.ctx, in.Email)
	switch {
	case notebook.IsCode(err, notebook.NotFound):
		next = *in
		next.ID = notebook.NewID()
	case err != nil:
		return false, err
	default:
		next.Name = keep(next.Name, in.Name)
		next.Title = keep(next.Title, in.Title)
	}
	if row.AccountDomain != "" {
		a, err := im.s.AccountByDomain(im.ctx, row.AccountDomain)
		if notebook.IsCode(err, notebook.NotFound) {
			return false, notebook.Errorf(notebook.Invalid, "account_domain %s matches no account; import the accounts first", row.AccountDomain)
		}
		if err != nil {
			return false, err
		}
		next.AccountID = a.ID
	}
	saved, err := im.s.Save(im.ctx, &next, store.FromImport())
	return len(saved.Changed) > 0, err
}

func (im *importer) envelope(row Row) (bool, error) {
	if row.Deleted {
		var id string
		for k := range row.present {
			id = strings.TrimPrefix(k, "id:")
		}
		err := im.s.Delete(im.ctx, row.Record.RecordType(), id)
		if notebook.IsCode(err, notebook.NotFound) {
			return false, nil
		}
		return err == nil, err
	}
	saved, err := im.s.Save(im.ctx, row.Record, store.FromImport())
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
		found := false
		for _, y := range out {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}
