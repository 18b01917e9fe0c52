package hub

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// GET /v1/insights/accounts opens up a count on Insights: the accounts
// behind one signal of one hypothesis (optionally within a segment or an
// author role), each with its ARR, the item that decided its signal, its
// quotes and its calls (issue 16). The accounts are chosen by the domain's
// tally rule (notebook.AccountsBehind), so the list always has as many
// accounts as the count that was clicked.
//
// It reads the hypothesis's evidence through the export seam
// (eachExportRow), not the insights index directly, so it keeps working
// while insights.go and insights_index.go become a persisted projection.
// Product and admin only (productOnly), like every view of all reps'
// evidence; one hypothesis per request, at most MaxAccountsBehind accounts.

// MaxAccountsBehind caps the accounts listed in one answer (the rest are
// counted in Total; Truncated says so).
const MaxAccountsBehind = 500

// InsightAccounts is the body of GET /v1/insights/accounts.
type InsightAccounts struct {
	HypothesisID string          `json:"hypothesis_id"`
	Signal       string          `json:"signal"`
	Segment      string          `json:"segment,omitempty"`
	Role         string          `json:"role,omitempty"`
	Accounts     []AccountBehind `json:"accounts"`
	Total        int             `json:"total"`
	ARR          float64         `json:"arr"`
	Truncated    bool            `json:"truncated"`
}

// AccountBehind is one account in InsightAccounts.
type AccountBehind struct {
	AccountID string           `json:"account_id"`
	Name      string           `json:"name"`
	Segment   string           `json:"segment"`
	ARR       float64          `json:"arr"`
	Signal    string           `json:"signal"`
	Latest    EvidenceBehind   `json:"latest"`
	Quotes    []EvidenceBehind `json:"quotes"`
	CallIDs   []string         `json:"call_ids"`
	Items     int              `json:"items"`
}

// EvidenceBehind is an evidence item as a PM reads it in the list.
type EvidenceBehind struct {
	ID         string `json:"id"`
	Question   string `json:"question"`
	Signal     string `json:"signal"`
	Quote      string `json:"quote"`
	Author     string `json:"author"`
	AuthorRole string `json:"author_role"`
	CallID     string `json:"call_id"`
	CapturedAt string `json:"captured_at"`
}

type insightAccountsQuery struct {
	hypothesisID string
	signal       notebook.Signal
	segment      string
	role         notebook.Audience
	limit        int
}

func parseInsightAccountsQuery(r *http.Request) (insightAccountsQuery, error) {
	v := r.URL.Query()
	q := insightAccountsQuery{hypothesisID: v.Get("hypothesis_id"), signal: notebook.Signal(v.Get("signal")),
		segment: v.Get("segment"), role: notebook.Audience(v.Get("role")), limit: 100}
	if !notebook.ValidID(q.hypothesisID) {
		return q, notebook.Errorf(notebook.Invalid, "hypothesis_id: required, a valid id")
	}
	if q.signal != "" && !oneOf(q.signal, notebook.Signals) {
		return q, notebook.Errorf(notebook.Invalid, "signal: want supports, refutes, mixed or unclear")
	}
	if q.role != "" && q.role != notebook.AudienceSales && q.role != notebook.AudienceCS {
		return q, notebook.Errorf(notebook.Invalid, "role: want sales or cs")
	}
	if len(q.segment) > notebook.MaxShortText {
		return q, notebook.Errorf(notebook.Invalid, "segment: longer than %d characters", notebook.MaxShortText)
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxAccountsBehind {
			return q, notebook.Errorf(notebook.Invalid, "limit: want a whole number from 1 to %d", MaxAccountsBehind)
		}
		q.limit = n
	}
	return q, nil
}

func oneOf[T comparable](v T, list []T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// handleInsightAccounts is GET /v1/insights/accounts?hypothesis_id=…&signal=…[&segment=…&role=…&limit=N].
func (p *product) handleInsightAccounts(w http.ResponseWriter, r *http.Request) {
	q, err := parseInsightAccountsQuery(r)
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	var rows []ExportRow
	err = p.eachExportRow(r, exportQuery{hypothesisID: q.hypothesisID}, func(row ExportRow) error {
		rows = append(rows, row)
		return nil
	})
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, accountsBehind(q, rows))
}

// accountsBehind applies the domain rule to a hypothesis's rows and names,
// weighs and orders the accounts (ARR, largest first, then name).
func accountsBehind(q insightAccountsQuery, rows []ExportRow) InsightAccounts {
	items := make([]notebook.Evidence, 0, len(rows))
	byID := make(map[string]*ExportRow, len(rows))
	for i := range rows {
		row := &rows[i]
		if q.segment != "" && !notebook.SameSegment(row.Segment, q.segment) {
			continue
		}
		byID[row.EvidenceID] = row
		at, _ := time.Parse(hubdb.TimeFormat, row.CapturedAt) // written by formatTime; zero sorts first
		items = append(items, notebook.Evidence{ID: row.EvidenceID, AccountID: row.AccountID, CallID: row.CallID,
			Signal: notebook.Signal(row.Signal), Quote: row.Quote, AuthorRole: notebook.Audience(row.AuthorRole), CapturedAt: at})
	}
	out := InsightAccounts{HypothesisID: q.hypothesisID, Signal: string(q.signal), Segment: q.segment, Role: string(q.role), Accounts: []AccountBehind{}}
	for _, b := range notebook.AccountsBehind(items, q.signal, q.role) {
		latest := byID[b.Latest.ID]
		a := AccountBehind{AccountID: b.AccountID, Name: latest.Account, Segment: latest.Segment, Signal: string(b.Signal),
			Latest: evidenceBehind(latest), Quotes: make([]EvidenceBehind, 0, len(b.Quotes)), CallIDs: b.CallIDs, Items: b.Items}
		if latest.ARR != nil {
			a.ARR = *latest.ARR
		}
		for _, e := range b.Quotes {
			a.Quotes = append(a.Quotes, evidenceBehind(byID[e.ID]))
		}
		out.Accounts = append(out.Accounts, a)
		out.ARR += a.ARR
	}
	sort.Slice(out.Accounts, func(i, j int) bool {
		x, y := out.Accounts[i], out.Accounts[j]
		if x.ARR != y.ARR {
			return x.ARR > y.ARR
		}
		return x.Name < y.Name
	})
	out.Total = len(out.Accounts)
	if len(out.Accounts) > q.limit {
		out.Accounts, out.Truncated = out.Accounts[:q.limit], true
	}
	return out
}

func evidenceBehind(r *ExportRow) EvidenceBehind {
	return EvidenceBehind{ID: r.EvidenceID, Question: r.Question, Signal: r.Signal, Quote: r.Quote, Author: r.Author,
		AuthorRole: r.AuthorRole, CallID: r.CallID, CapturedAt: r.CapturedAt}
}
