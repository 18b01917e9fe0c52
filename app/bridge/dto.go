package bridge

import (
	"time"

	"fieldnotes/app/notebook"
)

// DTOs carry times as RFC 3339 strings ("" for none) so the generated
// TypeScript models are plain strings, not `any`.

// AccountDTO is an account as the UI shows it.
type AccountDTO struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Domains []string `json:"domains"`
	Segment string   `json:"segment"`
	Stage   string   `json:"stage"`
	ARR     float64  `json:"arr"`
}

// AccountRow is a line of the accounts list.
type AccountRow struct {
	AccountDTO
	LastCallAt string `json:"last_call_at"`
	Evidence   int    `json:"evidence"`
}

// QuestionDTO is one question of a hypothesis.
type QuestionDTO struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	Kind string `json:"kind"`
}

// HypothesisDTO is a hypothesis with its questions.
type HypothesisDTO struct {
	ID           string        `json:"id"`
	Statement    string        `json:"statement"`
	Rationale    string        `json:"rationale"`
	Questions    []QuestionDTO `json:"questions"`
	Audience     string        `json:"audience"`
	Segments     []string      `json:"segments"`
	Stages       []string      `json:"stages"`
	Status       string        `json:"status"`
	Rank         int           `json:"rank"`
	Owner        string        `json:"owner"`
	DecisionNote string        `json:"decision_note"`
	PublishedAt  string        `json:"published_at"`
	DecidedAt    string        `json:"decided_at"`
	// Place is the hypothesis's number in the one rank order everyone sees
	// (notebook.Places; 0: not active, so not numbered).
	Place int `json:"place"`
	// Mark is "new" or "changed" until this notebook's user opens it
	// (notebook.SeenMark; "" when seen, and always on product's screens).
	Mark string `json:"mark"`
	// TargetedBecause says in the account brief why the hypothesis targets
	// the account (notebook.Hypothesis.TargetReason).
	TargetedBecause string `json:"targeted_because,omitempty"`
}

// Tally counts evidence by signal, each account counted once by its latest
// signal: the domain's rule (notebook.TallyEvidence), shown as it is.
type Tally = notebook.Tally

// HypothesisRow is a line of the ranked list.
type HypothesisRow struct {
	HypothesisDTO
	Tally Tally `json:"tally"`
}

// HypothesisDetail is the hypothesis screen.
type HypothesisDetail struct {
	Hypothesis HypothesisDTO `json:"hypothesis"`
	Tally      Tally         `json:"tally"`
	Evidence   []EvidenceRow `json:"evidence"`
}

// CallDTO is a call.
type CallDTO struct {
	ID         string   `json:"id"`
	AccountID  string   `json:"account_id"`
	ContactIDs []string `json:"contact_ids"`
	StartedAt  string   `json:"started_at"`
	EndedAt    string   `json:"ended_at"`
	Kind       string   `json:"kind"`
	Title      string   `json:"title"`
	Notes      string   `json:"notes"`
	// NotesConflicts are conflict copies of the notes from another device
	// (never null); the capture screen offers keep mine / use theirs / dismiss.
	NotesConflicts []notebook.NotesConflict `json:"notes_conflicts"`
}

// CallRow is a line in the recent-calls lists.
type CallRow struct {
	ID          string `json:"id"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Title       string `json:"title"`
	Kind        string `json:"kind"`
	StartedAt   string `json:"started_at"`
	EndedAt     string `json:"ended_at"`
	Evidence    int    `json:"evidence"`
}

// CallView is the capture screen's whole state.
type CallView struct {
	Call       CallDTO         `json:"call"`
	Account    AccountDTO      `json:"account"`
	Hypotheses []HypothesisDTO `json:"hypotheses"`
	Evidence   []EvidenceDTO   `json:"evidence"`
	Contacts   []ContactDTO    `json:"contacts"`
	// Deals are the account's open deals; DefaultDealID the one new evidence
	// links to unless the rep picks another (notebook.DefaultDeal).
	Deals         []DealDTO `json:"deals"`
	DefaultDealID string    `json:"default_deal_id"`
}

// WTPDTO is a stated willingness to pay.
type WTPDTO struct {
	Amount      float64 `json:"amount"`
	Currency    string  `json:"currency"`
	Period      string  `json:"period"`
	BudgetOwner string  `json:"budget_owner"`
}

// EvidenceDTO is one evidence item; the UI sends it whole on every save.
type EvidenceDTO struct {
	ID           string `json:"id"`
	HypothesisID string `json:"hypothesis_id"`
	QuestionID   string `json:"question_id"`
	AccountID    string `json:"account_id"`
	CallID       string `json:"call_id"`
	ContactID    string `json:"contact_id"`
	// OpportunityID is the deal it was said in. On Save, "" means "the rep
	// did not choose" (the default deal for new evidence, unchanged for an
	// existing item) and "none" means no deal (notebook.DealFor).
	OpportunityID string  `json:"opportunity_id"`
	Impact        string  `json:"impact"` // blocker, retention, expansion, nice_to_have or ""
	Signal        string  `json:"signal"`
	Strength      int     `json:"strength"`
	Quote         string  `json:"quote"`
	WTP           *WTPDTO `json:"wtp"`
	Capability    string  `json:"capability"`
	Problem       string  `json:"problem"`
	Blocker       string  `json:"blocker"`
	Severity      string  `json:"severity"`
	Feature       string  `json:"feature"`
	Usage         string  `json:"usage"`
	Source        string  `json:"source"`
	CapturedAt    string  `json:"captured_at"`
}

// EvidenceRow is evidence in a timeline, with names resolved.
type EvidenceRow struct {
	EvidenceDTO
	AccountName string `json:"account_name"`
	Statement   string `json:"statement"`
	Question    string `json:"question"`
}

// ConsentDTO is one consent log entry.
type ConsentDTO struct {
	Wording    string `json:"wording"`
	At         string `json:"at"`
	Channel    string `json:"channel"`
	Given      bool   `json:"given"`
	StudyID    string `json:"study_id"`
	RecordedBy string `json:"recorded_by"`
}

// ContactDTO is a contact with recruiting state.
type ContactDTO struct {
	ID            string       `json:"id"`
	Email         string       `json:"email"`
	Name          string       `json:"name"`
	AccountID     string       `json:"account_id"`
	AccountName   string       `json:"account_name"`
	Title         string       `json:"title"`
	RecruitStatus string       `json:"recruit_status"`
	StudyID       string       `json:"study_id"`
	ConsentLog    []ConsentDTO `json:"consent_log"`
	LastInvitedAt string       `json:"last_invited_at"`
	DoNotContact  bool         `json:"do_not_contact"`
	RecentInvite  bool         `json:"recent_invite"` // invited within 90 days: warn
	Next          []string     `json:"next"`          // statuses it may move to
}

// StudyDTO is a recruiting ask.
type StudyDTO struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Goal         string   `json:"goal"`
	Criteria     string   `json:"criteria"`
	Segments     []string `json:"segments"`
	Stages       []string `json:"stages"`
	HypothesisID string   `json:"hypothesis_id"`
	TargetCount  int      `json:"target_count"`
	Deadline     string   `json:"deadline"`
	Status       string   `json:"status"`
}

// StudyView is a study with its pipeline.
type StudyView struct {
	Study      StudyDTO       `json:"study"`
	Candidates []ContactDTO   `json:"candidates"` // nominated or further for this study
	Counts     map[string]int `json:"counts"`
}

// AccountBrief is the pre-call brief.
type AccountBrief struct {
	Account    AccountDTO      `json:"account"`
	Hypotheses []HypothesisDTO `json:"hypotheses"`
	Evidence   []EvidenceRow   `json:"evidence"`
	Calls      []CallRow       `json:"calls"`
	Contacts   []ContactDTO    `json:"contacts"`
	Studies    []StudyDTO      `json:"studies"`
	Deals      []DealRow       `json:"deals"` // open deals and what each waits on
}

// SyncState is what Home shows about sync.
type SyncState struct {
	State   string `json:"state"` // not_configured, offline, syncing, idle, error
	Message string `json:"message"`
	LastAt  string `json:"last_at"`
}

// HomeView is the home screen.
type HomeView struct {
	RecentCalls []CallRow       `json:"recent_calls"`
	Today       []CallRow       `json:"today"`
	LearnNow    []HypothesisRow `json:"learn_now"`
	Pending     int             `json:"pending"`
	Sync        SyncState       `json:"sync"`
	Accounts    int             `json:"accounts"`
}

// SearchHit is a search result with where to go.
type SearchHit struct {
	Type    string  `json:"type"`
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Snippet string  `json:"snippet"`
	Route   string  `json:"route"` // hash route, e.g. "#/calls/ID"
	Score   float64 `json:"score"`
}

// SettingsInfo is the settings screen.
type SettingsInfo struct {
	DataDir   string    `json:"data_dir"`
	Encrypted bool      `json:"encrypted"`
	KeySource string    `json:"key_source"`
	Pending   int       `json:"pending"`
	Author    string    `json:"author"`
	Role      string    `json:"role"`
	RoleByHub bool      `json:"role_by_hub"` // an admin set the role on the hub; the rep cannot change it
	Sync      SyncState `json:"sync"`
}

// LineError is one rejected line of an imported file.
type LineError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
	Text    string `json:"text"` // the line's cells, to open it
}

// ImportReport says what an import did (or, in a preview, would do).
type ImportReport struct {
	File      string      `json:"file"`
	Kind      string      `json:"kind"`   // accounts, contacts, opportunities, ndjson
	Vendor    string      `json:"vendor"` // salesforce, hubspot, pipedrive or ""
	Imported  int         `json:"imported"`
	Created   int         `json:"created"`
	Updated   int         `json:"updated"`
	Unchanged int         `json:"unchanged"`
	Skipped   int         `json:"skipped"` // report footers
	Errors    []LineError `json:"errors"`
	Warnings  []LineError `json:"warnings"`
	Cancelled bool        `json:"cancelled"`
}

// ImportColumn is one column of an import preview.
type ImportColumn struct {
	Header  string   `json:"header"`
	Field   string   `json:"field"` // "" when not imported
	Samples []string `json:"samples"`
}

// ImportPreview shows a file before it is imported: its columns with the
// guessed fields, their first values, and what importing would do.
type ImportPreview struct {
	File      string         `json:"file"`
	HeaderKey string         `json:"header_key"`
	Kind      string         `json:"kind"`
	Columns   []ImportColumn `json:"columns"`
	Fields    []string       `json:"fields"`
	Plan      ImportReport   `json:"plan"`
	Problem   string         `json:"problem"`
	Cancelled bool           `json:"cancelled"`
}

// FileResult says where an export, backup or restore went.
type FileResult struct {
	Path      string `json:"path"`
	Records   int    `json:"records"`
	Cancelled bool   `json:"cancelled"`
}

// SaveResult confirms a durable save; the UI shows "saved" only after it.
type SaveResult struct {
	ID      string `json:"id"`
	Seq     uint64 `json:"seq"`
	SavedAt string `json:"saved_at"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func tsp(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ts(*t)
}

func parseTS(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, notebook.Errorf(notebook.Invalid, "%q is not a time like 2026-11-22T10:00:00Z", s)
	}
	return t.UTC(), nil
}

func strs[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

func accountDTO(a notebook.Account) AccountDTO {
	return AccountDTO{ID: a.ID, Name: a.Name, Domains: nonNil(a.Domains), Segment: a.Segment, Stage: string(a.Stage), ARR: a.ARR}
}

func hypothesisDTO(h notebook.Hypothesis) HypothesisDTO {
	qs := make([]QuestionDTO, len(h.Questions))
	for i, q := range h.Questions {
		qs[i] = QuestionDTO{ID: q.ID, Text: q.Text, Kind: string(q.Kind)}
	}
	return HypothesisDTO{ID: h.ID, Statement: h.Statement, Rationale: h.Rationale, Questions: qs,
		Audience: string(h.Audience), Segments: nonNil(h.Segments), Stages: strs(h.Stages), Status: string(h.Status),
		Rank: h.Rank, Owner: h.Owner, DecisionNote: h.DecisionNote, PublishedAt: tsp(h.PublishedAt), DecidedAt: tsp(h.DecidedAt)}
}

func callDTO(c notebook.Call) CallDTO {
	d := CallDTO{ID: c.ID, AccountID: c.AccountID, ContactIDs: nonNil(c.ContactIDs), StartedAt: ts(c.StartedAt),
		EndedAt: tsp(c.EndedAt), Kind: string(c.Kind), Title: c.Title, Notes: c.Notes, NotesConflicts: []notebook.NotesConflict{}}
	if c.NotesConflicts != nil {
		d.NotesConflicts = append(d.NotesConflicts, *c.NotesConflicts...)
	}
	return d
}

func evidenceDTO(e notebook.Evidence) EvidenceDTO {
	d := EvidenceDTO{ID: e.ID, HypothesisID: e.HypothesisID, QuestionID: e.QuestionID, AccountID: e.AccountID,
		CallID: e.CallID, ContactID: e.ContactID, OpportunityID: e.OpportunityID, Impact: string(e.Impact), Signal: string(e.Signal), Strength: e.Strength, Quote: e.Quote,
		Capability: e.Capability, Problem: e.Problem, Blocker: e.Blocker, Severity: string(e.Severity),
		Feature: e.Feature, Usage: e.Usage, Source: e.Source, CapturedAt: ts(e.CapturedAt)}
	if e.WTP != nil {
		d.WTP = &WTPDTO{Amount: e.WTP.Amount, Currency: e.WTP.Currency, Period: e.WTP.Period, BudgetOwner: e.WTP.BudgetOwner}
	}
	return d
}

func contactDTO(c notebook.Contact, accountName string, now time.Time) ContactDTO {
	log := make([]ConsentDTO, len(c.ConsentLog))
	for i, e := range c.ConsentLog {
		log[i] = ConsentDTO{Wording: e.Wording, At: ts(e.At), Channel: e.Channel, Given: e.Given, StudyID: e.StudyID, RecordedBy: e.RecordedBy}
	}
	next := strs(notebook.NextStatuses(c.RecruitStatus))
	if c.DoNotContact {
		next = filter(next, func(s string) bool { return s == string(notebook.RecruitDeclined) })
	}
	return ContactDTO{ID: c.ID, Email: c.Email, Name: c.Name, AccountID: c.AccountID, AccountName: accountName,
		Title: c.Title, RecruitStatus: string(c.RecruitStatus), StudyID: c.StudyID, ConsentLog: log,
		LastInvitedAt: tsp(c.LastInvitedAt), DoNotContact: c.DoNotContact, RecentInvite: c.RecentInvite(now), Next: next}
}

func studyDTO(s notebook.Study) StudyDTO {
	return StudyDTO{ID: s.ID, Title: s.Title, Goal: s.Goal, Criteria: s.Criteria, Segments: nonNil(s.Segments),
		Stages: strs(s.Stages), HypothesisID: s.HypothesisID, TargetCount: s.TargetCount, Deadline: tsp(s.Deadline), Status: string(s.Status)}
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func filter[T any](s []T, keep func(T) bool) []T {
	out := []T{}
	for _, v := range s {
		if keep(v) {
			out = append(out, v)
		}
	}
	return out
}
