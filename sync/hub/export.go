package hub

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// ExportRow is one evidence item with the names a reader needs, flat so
// CSV and NDJSON carry the same columns. In an anonymised export the
// account, contact and author are stable pseudonyms (HMAC of the id with
// the hub secret), ARR is dropped and only its band is kept.
type ExportRow struct {
	EvidenceID   string   `json:"evidence_id"`
	HypothesisID string   `json:"hypothesis_id"`
	Hypothesis   string   `json:"hypothesis"`
	QuestionID   string   `json:"question_id"`
	Question     string   `json:"question"`
	Signal       string   `json:"signal"`
	Strength     int      `json:"strength"`
	Quote        string   `json:"quote"`
	WTPAmount    *float64 `json:"wtp_amount"`
	WTPCurrency  string   `json:"wtp_currency"`
	WTPPeriod    string   `json:"wtp_period"`
	WTPBudget    string   `json:"wtp_budget_owner"`
	Capability   string   `json:"capability"`
	Problem      string   `json:"problem"`
	Blocker      string   `json:"blocker"`
	Severity     string   `json:"severity"`
	Feature      string   `json:"feature"`
	Usage        string   `json:"usage"`
	AccountID    string   `json:"account_id"`
	Account      string   `json:"account"`
	Segment      string   `json:"segment"`
	Stage        string   `json:"stage"`
	ARR          *float64 `json:"arr"`
	ARRBand      string   `json:"arr_band"`
	ContactID    string   `json:"contact_id"`
	Contact      string   `json:"contact"`
	Author       string   `json:"author"`
	AuthorRole   string   `json:"author_role"`
	Source       string   `json:"source"`
	CapturedAt   string   `json:"captured_at"`
	ReceivedAt   string   `json:"received_at"`
	FirstSeenAt  string   `json:"first_seen_at"`
	// CallID is the call the item came from; NDJSON and the accounts
	// behind an insight carry it, the CSV's columns stay as they were.
	CallID string `json:"call_id,omitempty"`

	// Revenue (issue 11): the deal the item was said in and what it means.
	// Anonymised, the deal is a pseudonym and its amount is dropped.
	Impact        string   `json:"impact"`
	OpportunityID string   `json:"opportunity_id"`
	Opportunity   string   `json:"opportunity"`
	DealStage     string   `json:"deal_stage"`
	DealStatus    string   `json:"deal_status"`
	DealAmount    *float64 `json:"deal_amount"`
	DealCurrency  string   `json:"deal_currency"`
	DealClosedAt  string   `json:"deal_closed_at"`
}

var exportColumns = []string{"evidence_id", "hypothesis_id", "hypothesis", "question_id", "question", "signal", "strength",
	"quote", "wtp_amount", "wtp_currency", "wtp_period", "wtp_budget_owner", "capability", "problem", "blocker", "severity",
	"feature", "usage", "account_id", "account", "segment", "stage", "arr", "arr_band", "contact_id", "contact", "author",
	"author_role", "source", "captured_at", "received_at", "first_seen_at",
	"impact", "opportunity_id", "opportunity", "deal_stage", "deal_status", "deal_amount", "deal_currency", "deal_closed_at"}

func (r ExportRow) cells() []string {
	num := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', -1, 64)
	}
	return []string{r.EvidenceID, r.HypothesisID, r.Hypothesis, r.QuestionID, r.Question, r.Signal, strconv.Itoa(r.Strength),
		r.Quote, num(r.WTPAmount), r.WTPCurrency, r.WTPPeriod, r.WTPBudget, r.Capability, r.Problem, r.Blocker, r.Severity,
		r.Feature, r.Usage, r.AccountID, r.Account, r.Segment, r.Stage, num(r.ARR), r.ARRBand, r.ContactID, r.Contact, r.Author,
		r.AuthorRole, r.Source, r.CapturedAt, r.ReceivedAt, r.FirstSeenAt,
		r.Impact, r.OpportunityID, r.Opportunity, r.DealStage, r.DealStatus, num(r.DealAmount), r.DealCurrency, r.DealClosedAt}
}

// ARRBand buckets ARR so an anonymised export keeps the size of a customer
// without a figure that identifies it.
func ARRBand(arr float64) string {
	switch {
	case arr <= 0:
		return "unknown"
	case arr < 10_000:
		return "<10k"
	case arr < 50_000:
		return "10k-50k"
	case arr < 100_000:
		return "50k-100k"
	case arr < 500_000:
		return "100k-500k"
	case arr < 1_000_000:
		return "500k-1M"
	}
	return ">=1M"
}

// pseudonymizer replaces names with stable pseudonyms: "Account-" plus 8
// base32 characters of HMAC-SHA256(secret, kind:id). Stable so one customer
// reads the same across slides and exports; keyed so nobody can confirm a
// guess ("is Account-X Acme?") without the hub secret.
type pseudonymizer struct {
	secret []byte
	cache  map[string]string
	res    map[string]*regexp.Regexp // compiled name patterns for scrub
}

func (p *pseudonymizer) name(kind, id string) string {
	if id == "" {
		return ""
	}
	k := kind + ":" + id
	if v, ok := p.cache[k]; ok {
		return v
	}
	mac := hmac.New(sha256.New, p.secret)
	mac.Write([]byte(k))
	v := kind + "-" + base32.StdEncoding.EncodeToString(mac.Sum(nil))[:8]
	p.cache[k] = v
	return v
}

// scrub replaces known names in a verbatim quote with their pseudonyms
// (case-insensitive, whole words). It cannot catch every name a customer
// says; the README says so, and the export is for review before use.
func (p *pseudonymizer) scrub(text string, names map[string]string) string {
	if text == "" {
		return text
	}
	for real, alias := range names {
		if len(strings.TrimSpace(real)) < 2 {
			continue
		}
		re, ok := p.res[real]
		if !ok {
			re, _ = regexp.Compile(`(?i)\b` + regexp.QuoteMeta(real) + `\b`)
			if p.res == nil {
				p.res = map[string]*regexp.Regexp{}
			}
			p.res[real] = re
		}
		if re != nil {
			text = re.ReplaceAllString(text, alias)
		}
	}
	return text
}

// exportQuery says what to export.
type exportQuery struct {
	hypothesisID string
	anonymise    bool
}

func parseExportQuery(r *http.Request) (exportQuery, error) {
	q := r.URL.Query()
	e := exportQuery{hypothesisID: q.Get("hypothesis_id")}
	switch q.Get("anonymise") {
	case "", "0", "false":
	case "1", "true":
		e.anonymise = true
	default:
		return e, notebook.Errorf(notebook.Invalid, "anonymise: want 1 or 0")
	}
	if e.hypothesisID != "" && !notebook.ValidID(e.hypothesisID) {
		return e, notebook.Errorf(notebook.Invalid, "hypothesis_id: not a valid id")
	}
	return e, nil
}

// eachExportRow calls fn for every evidence item, hypothesis by hypothesis
// (each in captured order). The index lock is held only while one
// hypothesis's rows are built, never while they are written to a slow
// client.
func (p *product) eachExportRow(r *http.Request, q exportQuery, fn func(ExportRow) error) error {
	if err := p.idx.catchUp(r.Context()); err != nil {
		return err
	}
	if q.hypothesisID == "" {
		p.idx.markAllSeen(p.srv.now())
	}
	deals, err := p.proj.dealsNow(r.Context())
	if err != nil {
		return err
	}
	emails := p.userEmails(r.Context())
	ps := &pseudonymizer{secret: p.secret, cache: map[string]string{}}
	for _, hypID := range p.idx.hypothesisIDs(q.hypothesisID) {
		rows := p.idx.rows(hypID, q.anonymise, ps, emails, deals)
		for _, row := range rows {
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return nil
}

// hypothesisIDs lists the hypotheses that have evidence, in id order.
func (x *index) hypothesisIDs(only string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.applySeenLocked()
	var ids []string
	for id := range x.byHyp {
		if only == "" || id == only {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (x *index) rows(hypID string, anon bool, ps *pseudonymizer, emails map[string]string, deals dealBook) []ExportRow {
	x.mu.Lock()
	defer x.mu.Unlock()
	items := x.byHyp[hypID]
	if items == nil {
		return nil
	}
	h := x.hyps[hypID]
	out := make([]ExportRow, len(items.obs))
	for i := range items.obs {
		out[i] = x.rowLocked(&items.obs[i], h, anon, ps, emails, deals)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].CapturedAt != out[j].CapturedAt {
			return out[i].CapturedAt < out[j].CapturedAt
		}
		return out[i].EvidenceID < out[j].EvidenceID
	})
	return out
}

func (x *index) rowLocked(o *notebook.Observation, h notebook.Hypothesis, anon bool, ps *pseudonymizer, emails map[string]string, deals dealBook) ExportRow {
	a := x.accounts[o.AccountID]
	c := x.contacts[o.ContactID]
	q, _ := h.Question(o.QuestionID)
	row := ExportRow{EvidenceID: o.ID, HypothesisID: o.HypothesisID, Hypothesis: h.Statement, QuestionID: o.QuestionID,
		Question: q.Text, Signal: string(o.Signal), Strength: o.Strength, Quote: o.Quote, Capability: o.Capability,
		Problem: o.Problem, Blocker: o.Blocker, Severity: string(o.Severity), Feature: o.Feature, Usage: o.Usage,
		AccountID: o.AccountID, Account: a.Name, Segment: a.Segment, Stage: string(a.Stage), ARRBand: ARRBand(a.ARR),
		ContactID: o.ContactID, Contact: c.Name, Author: o.Author, AuthorRole: string(o.AuthorRole), Source: o.Source,
		CapturedAt: formatTime(o.CapturedAt), ReceivedAt: formatTime(o.ReceivedAt), FirstSeenAt: formatTime(o.FirstSeenAt), CallID: o.CallID}
	if o.WTP != nil {
		amount := o.WTP.Amount
		row.WTPAmount, row.WTPCurrency, row.WTPPeriod, row.WTPBudget = &amount, o.WTP.Currency, o.WTP.Period, o.WTP.BudgetOwner
	}
	if e, ok := emails[o.Author]; ok {
		row.Author = e
	}
	deals.columns(&row, o)
	if o.AccountID != "" {
		arr := a.ARR
		row.ARR = &arr
	}
	if anon {
		anonymiseRow(&row, a, c, o.Author, ps)
	}
	return row
}

// dealBook is the deals as the insights projection holds them, with when
// the hub saw each close (read-only: a reload replaces the maps).
type dealBook struct {
	deals  map[string]notebook.Opportunity
	closed map[string]time.Time
}

// columns fills the revenue columns from the item's deal, when the hub
// holds it.
func (b dealBook) columns(row *ExportRow, o *notebook.Observation) {
	row.Impact, row.OpportunityID = string(o.Impact), o.OpportunityID
	d, ok := b.deals[o.OpportunityID]
	if !ok {
		return
	}
	amount := d.Amount
	row.Opportunity, row.DealStage, row.DealStatus, row.DealAmount, row.DealCurrency = d.Name, d.Stage, string(d.Status), &amount, d.Currency
	if at, ok := notebook.DealClosedAt(d, b.closed[d.ID]); ok {
		row.DealClosedAt = formatTime(at)
	}
}

func anonymiseRow(row *ExportRow, a notebook.Account, c notebook.Contact, authorID string, ps *pseudonymizer) {
	names := map[string]string{}
	if a.Name != "" {
		names[a.Name] = ps.name("Account", a.ID)
	}
	if c.Name != "" {
		names[c.Name] = ps.name("Contact", c.ID)
	}
	row.AccountID, row.Account = ps.name("Account", row.AccountID), ps.name("Account", row.AccountID)
	row.ContactID, row.Contact = ps.name("Contact", row.ContactID), ps.name("Contact", row.ContactID)
	row.Author = ps.name("Author", authorID)
	row.ARR, row.DealAmount = nil, nil
	row.OpportunityID, row.Opportunity = ps.name("Deal", row.OpportunityID), ps.name("Deal", row.OpportunityID)
	for _, f := range []*string{&row.Quote, &row.Capability, &row.Problem, &row.Blocker, &row.Usage, &row.WTPBudget} {
		*f = ps.scrub(*f, names)
	}
}

// formatTime writes fixed-width UTC times (milliseconds, like the hub's
// own), so the strings sort in time order.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(hubdb.TimeFormat)
}

// handleExportCSV is GET /v1/export/evidence.csv[?hypothesis_id=…&anonymise=1].
func (p *product) handleExportCSV(w http.ResponseWriter, r *http.Request) {
	p.export(w, r, "text/csv; charset=utf-8", "evidence.csv", func(out io.Writer) (func(ExportRow) error, func() error) {
		cw := csv.NewWriter(out)
		_ = cw.Write(exportColumns)
		return func(row ExportRow) error { return cw.Write(csvSafe(row.cells())) },
			func() error { cw.Flush(); return cw.Error() }
	})
}

// handleExportNDJSON is GET /v1/export/evidence.ndjson: one JSON object
// per line, the same fields as the CSV columns.
func (p *product) handleExportNDJSON(w http.ResponseWriter, r *http.Request) {
	p.export(w, r, "application/x-ndjson", "evidence.ndjson", func(out io.Writer) (func(ExportRow) error, func() error) {
		enc := json.NewEncoder(out)
		return func(row ExportRow) error { return enc.Encode(row) }, func() error { return nil }
	})
}

type rowWriterFactory func(io.Writer) (write func(ExportRow) error, finish func() error)

func (p *product) export(w http.ResponseWriter, r *http.Request, contentType, name string, mk rowWriterFactory) {
	q, err := parseExportQuery(r)
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	if q.anonymise {
		name = "anonymised-" + name
	}
	if err := p.idx.catchUp(r.Context()); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriterSize(w, 64<<10)
	write, finish := mk(bw)
	err = p.eachExportRow(r, q, write)
	if err == nil {
		err = finish()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil { // headers are gone; the client sees a truncated body
		p.log.Warn("export interrupted", "path", r.URL.Path, "err", err)
	}
}

// csvSafe defuses spreadsheet formulas in every cell (notebook.SpreadsheetSafe).
func csvSafe(cells []string) []string {
	for i, c := range cells {
		cells[i] = notebook.SpreadsheetSafe(c)
	}
	return cells
}
