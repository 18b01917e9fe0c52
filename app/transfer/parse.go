package transfer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"fieldnotes/app/notebook"
)

// Kind is what a file holds.
type Kind string

// File kinds.
const (
	KindAccounts      Kind = "accounts"
	KindContacts      Kind = "contacts"
	KindOpportunities Kind = "opportunities"
	KindNDJSON        Kind = "ndjson"
)

// RowError is one rejected (or, as a warning, one questionable) row.
type RowError struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
	Text   string `json:"text,omitempty"` // the row's cells, so the app can show the line
}

func (e RowError) String() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// Row is one parsed row, ready to upsert.
type Row struct {
	Line          int
	Record        notebook.Record
	AccountDomain string // contacts: the company's registrable domain, from the address or a column
	AccountHost   string // the same as written (eu.acme.com), tried first: accounts may keep a subdomain
	AccountName   string // contacts and deals: the company's name as the CRM writes it
	AccountCRMID  string // contacts and deals: the company's "vendor:id"
	ExplicitLink  bool   // the domain came from an account_domain column, so it must match
	Deleted       bool   // ndjson tombstones
	present       map[string]bool
	fields        []string // the raw cells, for the app's rejected-lines view
}

// Column is one header of a table file and the field it was mapped to
// ("" when nothing the importer knows matches it).
type Column struct {
	Header string `json:"header"`
	Field  Field  `json:"field"`
}

// Parsed is a whole parsed file.
type Parsed struct {
	Kind      Kind
	Vendor    Vendor
	Columns   []Column
	HeaderKey string
	Rows      []Row
	Errors    []RowError
	Skipped   []RowError // footer and summary rows: not errors, said for the dry run
	Unmapped  []string   // headers imported nowhere
	Samples   [][]string // the first rows as they are, for the app's preview
}

// maxRowErrors stops reporting after this many bad rows in one file.
const maxRowErrors = 1000

// ParseOptions changes how a table is read.
type ParseOptions struct {
	// Mapping maps a header (any case) to a field; it wins over the vendors'
	// names, and FieldIgnore drops a column.
	Mapping map[string]Field
}

// ParseFile reads a CSV or XLSX export (accounts, contacts or deals, told
// apart by the header) or an NDJSON file. name is used in error messages.
func ParseFile(name string, r io.Reader) (Parsed, error) {
	return ParseFileWith(name, r, ParseOptions{})
}

// ParseFileWith is ParseFile with a column mapping.
func ParseFileWith(name string, r io.Reader, opt ParseOptions) (Parsed, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	first, _ := br.Peek(64)
	first = bytes.TrimLeft(bytes.TrimPrefix(first, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(first) > 0 && first[0] == '{' {
		return parseNDJSON(name, br), nil
	}
	t, err := decodeTable(name, br)
	if err != nil {
		return Parsed{}, err
	}
	return parseTable(name, t, opt)
}

// describeFields lists the fields a header must map for kind.
var requiredFields = map[Kind][]Field{
	KindAccounts:      {FieldName},
	KindContacts:      {FieldEmail},
	KindOpportunities: {FieldDeal},
}

func parseTable(name string, t table, opt ParseOptions) (Parsed, error) {
	mapping := opt.Mapping
	kind, ok := detectKind(t.header, mapping)
	if !ok {
		return Parsed{}, notebook.Errorf(notebook.Invalid, "%s:%d: cannot tell whether this is a file of accounts, contacts or deals; map its columns, e.g. --map \"Firmenname=name,Webseite=domain\" (found %s)", name, t.headerLine, describeHeader(t.header))
	}
	p := Parsed{Kind: kind, Vendor: detectVendor(t.header), HeaderKey: HeaderSetKey(t.header)}
	fields := guessColumns(kind, t.header, mapping)
	index := map[Field]int{}
	for i, f := range fields {
		p.Columns = append(p.Columns, Column{Header: t.header[i], Field: f})
		if f == "" {
			if t.header[i] != "" {
				p.Unmapped = append(p.Unmapped, t.header[i])
			}
			continue
		}
		if f != FieldIgnore {
			index[f] = i
		}
	}
	for _, f := range requiredFields[kind] {
		if _, ok := index[f]; !ok {
			return p, notebook.Errorf(notebook.Invalid, "%s:%d: no column holds the %s of these %s; map one, e.g. --map \"<header>=%s\" (found %s)", name, t.headerLine, fieldLabel(f), kind, f, describeHeader(t.header))
		}
	}
	for _, tr := range t.rows {
		if len(p.Samples) < previewRows && countFilled(tr.fields) > 0 {
			p.Samples = append(p.Samples, tr.fields)
		}
		if countFilled(tr.fields) == 0 {
			continue
		}
		if footerRow(tr.fields) {
			p.Skipped = append(p.Skipped, RowError{File: name, Line: tr.line, Reason: "report footer " + strconv.Quote(firstFilled(tr.fields))})
			continue
		}
		get := func(f Field) string {
			i, ok := index[f]
			if !ok || i >= len(tr.fields) {
				return ""
			}
			return strings.TrimSpace(tr.fields[i])
		}
		has := func(f Field) bool { _, ok := index[f]; return ok }
		row, err := buildRow(kind, p.Vendor, get, has)
		if err != nil {
			p.addError(name, tr.line, err.Error())
			if n := len(p.Errors); n > 0 && p.Errors[n-1].Line == tr.line {
				p.Errors[n-1].Text = rowText(tr.fields)
			}
			continue
		}
		row.Line, row.fields = tr.line, tr.fields
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

const previewRows = 5

// rowText shows a row's cells as a person would read the line back.
func rowText(fields []string) string {
	s := strings.Join(fields, " | ")
	if len(s) > 500 {
		s = s[:500] + "…"
	}
	return s
}

func fieldLabel(f Field) string {
	switch f {
	case FieldName:
		return "name"
	case FieldEmail:
		return "email address"
	case FieldDeal:
		return "deal name"
	}
	return string(f)
}

func firstFilled(fields []string) string {
	for _, f := range fields {
		if s := strings.TrimSpace(f); s != "" {
			return s
		}
	}
	return ""
}

func (p *Parsed) addError(file string, line int, reason string) {
	if len(p.Errors) < maxRowErrors {
		p.Errors = append(p.Errors, RowError{File: file, Line: line, Reason: reason})
	}
}

func buildRow(kind Kind, v Vendor, get func(Field) string, has func(Field) bool) (Row, error) {
	switch kind {
	case KindContacts:
		return contactRow(v, get, has)
	case KindOpportunities:
		return dealRow(v, get, has)
	}
	return accountRow(v, get, has)
}

func accountRow(v Vendor, get func(Field) string, has func(Field) bool) (Row, error) {
	a := notebook.Account{ID: "pending", Name: get(FieldName), Segment: get(FieldSegment)}
	if a.Name == "" {
		return Row{}, errors.New("name is empty")
	}
	for _, d := range strings.FieldsFunc(get(FieldDomain), func(r rune) bool { return r == ';' || r == ',' || r == '\n' }) {
		nd, err := registrableDomain(d)
		if err != nil {
			return Row{}, fmt.Errorf("domain %v", err)
		}
		if nd != "" && !contains(a.Domains, nd) {
			a.Domains = append(a.Domains, nd)
		}
	}
	stage, err := accountStage(get(FieldStage))
	if err != nil {
		return Row{}, err
	}
	a.Stage = stage
	if raw := get(FieldARR); raw != "" {
		n, _, err := parseNumber(raw)
		if err != nil {
			return Row{}, fmt.Errorf("arr %v", err)
		}
		a.ARR = n
	}
	if id := crmID(v, get(FieldCRMID)); id != "" {
		a.CRMIDs = []string{id}
	}
	if err := a.Validate(); err != nil {
		return Row{}, errors.New(trimRecordPrefix(err))
	}
	present := map[string]bool{"arr": has(FieldARR)}
	return Row{Record: &a, present: present}, nil
}

func contactRow(v Vendor, get func(Field) string, has func(Field) bool) (Row, error) {
	c := notebook.Contact{ID: "pending", Title: get(FieldTitle)}
	raw := get(FieldEmail)
	c.Email = notebook.NormalizeEmail(raw)
	if c.Email == "" {
		if raw == "" {
			return Row{}, errors.New("email is empty")
		}
		return Row{}, fmt.Errorf("email %q is not an address such as ana@acme.com", raw)
	}
	c.Name = get(FieldName)
	if c.Name == "" {
		c.Name = strings.TrimSpace(get(FieldFirstName) + " " + get(FieldLastName))
	}
	if id := crmID(v, get(FieldCRMID)); id != "" {
		c.CRMIDs = []string{id}
	}
	row := Row{AccountName: get(FieldAccount), AccountCRMID: crmID(v, get(FieldAccountCRMID))}
	if d := get(FieldAccountDom); d != "" {
		nd, err := registrableDomain(d)
		if err != nil {
			return Row{}, fmt.Errorf("account_domain %v", err)
		}
		row.AccountDomain, row.AccountHost, row.ExplicitLink = nd, notebook.NormalizeDomain(d), true
	} else if d := c.Email[strings.LastIndexByte(c.Email, '@')+1:]; !personalDomains[d] {
		row.AccountDomain, _ = registrableDomain(d)
		row.AccountHost = d
	}
	if err := c.Validate(); err != nil {
		return Row{}, errors.New(trimRecordPrefix(err))
	}
	row.Record = &c
	return row, nil
}

func dealRow(v Vendor, get func(Field) string, has func(Field) bool) (Row, error) {
	o := notebook.Opportunity{ID: "pending", AccountID: "pending", Name: get(FieldDeal), Stage: get(FieldDealStage),
		LostReason: get(FieldLostReason), Owner: get(FieldOwner)}
	if o.Name == "" {
		return Row{}, errors.New("deal name is empty")
	}
	if raw := get(FieldAmount); raw != "" {
		n, cur, err := parseNumber(raw)
		if err != nil {
			return Row{}, fmt.Errorf("amount %v", err)
		}
		o.Amount, o.Currency = n, cur
	}
	if cur := strings.ToUpper(get(FieldCurrency)); cur != "" {
		o.Currency = cur
	}
	status, err := dealStatus(get(FieldStatus), o.Stage)
	if err != nil {
		return Row{}, err
	}
	o.Status = status
	if o.CloseDate, err = parseDate(get(FieldCloseDate)); err != nil {
		return Row{}, err
	}
	if id := crmID(v, get(FieldCRMID)); id != "" {
		o.CRMIDs = []string{id}
	}
	row := Row{AccountName: get(FieldAccount), AccountCRMID: crmID(v, get(FieldAccountCRMID))}
	if row.AccountName == "" && row.AccountCRMID == "" {
		return Row{}, errors.New("the deal names no account (Account Name, Associated Company or Organization)")
	}
	if err := o.Validate(); err != nil {
		return Row{}, errors.New(trimRecordPrefix(err))
	}
	row.Record = &o
	return row, nil
}

func contains[T comparable](list []T, x T) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func trimRecordPrefix(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "invalid ") {
		return msg[i+2:]
	}
	return msg
}

// envelopeLine is the NDJSON line shape (sync-protocol.md's record envelope).
type envelopeLine struct {
	Type    notebook.Type   `json:"type"`
	ID      string          `json:"id"`
	Deleted bool            `json:"deleted"`
	Data    json.RawMessage `json:"data"`
}

func parseNDJSON(name string, r *bufio.Reader) Parsed {
	p := Parsed{Kind: KindNDJSON}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
		}
		if len(text) == 0 {
			continue
		}
		row, err := ndjsonRow(text)
		if err != nil {
			p.addError(name, line, err.Error())
			continue
		}
		row.Line = line
		p.Rows = append(p.Rows, row)
	}
	if err := sc.Err(); err != nil {
		p.addError(name, line+1, "cannot read the line: "+err.Error())
	}
	return p
}

func ndjsonRow(text []byte) (Row, error) {
	var env envelopeLine
	dec := json.NewDecoder(bytes.NewReader(text))
	if err := dec.Decode(&env); err != nil {
		return Row{}, fmt.Errorf("not a JSON record: %v", err)
	}
	t, err := notebook.ParseType(string(env.Type))
	if err != nil {
		return Row{}, errors.New(err.Error())
	}
	if !notebook.ValidID(env.ID) {
		return Row{}, fmt.Errorf("id %q is not a valid record id", env.ID)
	}
	rec := notebook.NewRecord(t)
	if env.Deleted {
		return Row{Record: rec, Deleted: true, present: map[string]bool{"id:" + env.ID: true}}, nil
	}
	if len(env.Data) == 0 || env.Data[0] != '{' {
		return Row{}, errors.New("data must be a JSON object")
	}
	if err := json.Unmarshal(env.Data, rec); err != nil {
		return Row{}, fmt.Errorf("data of %s %s: %v", t, env.ID, jsonFieldError(err))
	}
	if err := json.Unmarshal([]byte(`{"id":"`+env.ID+`"}`), rec); err != nil {
		return Row{}, err
	}
	if err := rec.Validate(); err != nil {
		return Row{}, errors.New(err.Error())
	}
	return Row{Record: rec}, nil
}

func jsonFieldError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %s should be %s, not a JSON %s", te.Field, te.Type, te.Value)
	}
	return err.Error()
}
