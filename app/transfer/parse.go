package transfer

import (
	"bufio"
	"bytes"
	"encoding/csv"
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
	KindAccounts Kind = "accounts"
	KindContacts Kind = "contacts"
	KindNDJSON   Kind = "ndjson"
)

// RowError is one rejected row.
type RowError struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

func (e RowError) String() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason) }

// Row is one parsed row, ready to upsert.
type Row struct {
	Line          int
	Record        notebook.Record
	AccountDomain string // contacts: resolved to account_id at import
	Deleted       bool   // ndjson tombstones
	present       map[string]bool
}

// Parsed is a whole parsed file.
type Parsed struct {
	Kind   Kind
	Rows   []Row
	Errors []RowError
}

// maxRowErrors stops reporting after this many bad rows in one file.
const maxRowErrors = 1000

// ParseFile reads a CSV (accounts or contacts, told apart by the header) or
// NDJSON file. name is used in error messages only.
func ParseFile(name string, r io.Reader) (Parsed, error) {
	br := bufio.NewReader(r)
	first, _ := br.Peek(64)
	first = bytes.TrimLeft(bytes.TrimPrefix(first, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(first) > 0 && first[0] == '{' {
		return parseNDJSON(name, br), nil
	}
	return parseCSV(name, br)
}

func parseCSV(name string, r io.Reader) (Parsed, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return Parsed{}, notebook.Errorf(notebook.Invalid, "%s:1: cannot read the header row: %v", name, cleanCSVError(err))
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := cols[h]; !dup {
			cols[h] = i
		}
	}
	p := Parsed{}
	var rowFn func(get func(string) (string, bool)) (Row, error)
	switch {
	case has(cols, "email"):
		p.Kind, rowFn = KindContacts, contactRow
	case has(cols, "name") && (has(cols, "domain") || has(cols, "domains")):
		p.Kind, rowFn = KindAccounts, accountRow
	default:
		return Parsed{}, notebook.Errorf(notebook.Invalid, "%s:1: the header must name the columns name, domain (accounts) or name, email, account_domain (contacts); found %s", name, strings.Join(header, ", "))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			p.addError(name, line, cleanCSVError(err).Error())
			if pe == nil {
				break // not a parse error: the reader cannot go on
			}
			continue
		}
		if blank(rec) {
			continue
		}
		get := func(col string) (string, bool) {
			i, ok := cols[col]
			if !ok || i >= len(rec) {
				return "", ok
			}
			return strings.TrimSpace(rec[i]), true
		}
		row, err := rowFn(get)
		if err != nil {
			p.addError(name, line, err.Error())
			continue
		}
		row.Line = line
		p.Rows = append(p.Rows, row)
	}
	return p, nil
}

func (p *Parsed) addError(file string, line int, reason string) {
	if len(p.Errors) < maxRowErrors {
		p.Errors = append(p.Errors, RowError{File: file, Line: line, Reason: reason})
	}
}

func cleanCSVError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func has(cols map[string]int, c string) bool { _, ok := cols[c]; return ok }

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func accountRow(get func(string) (string, bool)) (Row, error) {
	a := notebook.Account{ID: "pending"}
	present := map[string]bool{}
	a.Name, present["name"] = get("name")
	if a.Name == "" {
		return Row{}, errors.New("name is empty")
	}
	domains, ok := get("domain")
	if !ok {
		domains, ok = get("domains")
	}
	present["domains"] = ok
	for _, d := range strings.FieldsFunc(domains, func(r rune) bool { return r == ';' || r == ',' || r == ' ' }) {
		nd := notebook.NormalizeDomain(d)
		if nd == "" {
			return Row{}, fmt.Errorf("domain %q is not a domain such as acme.com", d)
		}
		a.Domains = append(a.Domains, nd)
	}
	a.Segment, present["segment"] = get("segment")
	stage, ok := get("stage")
	present["stage"] = ok
	a.Stage = notebook.Stage(strings.ToLower(stage))
	arr, ok := get("arr")
	present["arr"] = ok
	if arr != "" {
		n, err := parseAmount(arr)
		if err != nil {
			return Row{}, fmt.Errorf("arr %q is not a number", arr)
		}
		a.ARR = n
	}
	if err := a.Validate(); err != nil {
		return Row{}, errors.New(trimRecordPrefix(err))
	}
	return Row{Record: &a, present: present}, nil
}

func contactRow(get func(string) (string, bool)) (Row, error) {
	c := notebook.Contact{ID: "pending"}
	present := map[string]bool{}
	raw, _ := get("email")
	c.Email = notebook.NormalizeEmail(raw)
	if c.Email == "" {
		if raw == "" {
			return Row{}, errors.New("email is empty")
		}
		return Row{}, fmt.Errorf("email %q is not an address such as ana@acme.com", raw)
	}
	c.Name, present["name"] = get("name")
	c.Title, present["title"] = get("title")
	domain, ok := get("account_domain")
	if !ok {
		domain, ok = get("domain")
	}
	row := Row{present: present}
	if ok && domain != "" {
		row.AccountDomain = notebook.NormalizeDomain(domain)
		if row.AccountDomain == "" {
			return Row{}, fmt.Errorf("account_domain %q is not a domain such as acme.com", domain)
		}
	}
	if err := c.Validate(); err != nil {
		return Row{}, errors.New(trimRecordPrefix(err))
	}
	row.Record = &c
	return row, nil
}

// parseAmount accepts "120000", "120,000.50", "$120000", "€ 1.2k" is refused.
func parseAmount(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimLeft(s, "$€£ "))
	s = strings.ReplaceAll(s, ",", "")
	s = strings.ReplaceAll(s, "_", "")
	return strconv.ParseFloat(s, 64)
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
