package notebook

import (
	"math"
	"time"
)

// Audience says which field role a hypothesis is for.
type Audience string

// Audiences.
const (
	AudienceSales Audience = "sales"
	AudienceCS    Audience = "cs"
	AudienceAll   Audience = "all"
)

// HypothesisStatus is where a hypothesis is in its life.
type HypothesisStatus string

// Hypothesis statuses.
const (
	StatusDraft       HypothesisStatus = "draft"
	StatusActive      HypothesisStatus = "active"
	StatusValidated   HypothesisStatus = "validated"
	StatusInvalidated HypothesisStatus = "invalidated"
	StatusArchived    HypothesisStatus = "archived"
)

// AnswerKind says what kind of answer a question expects, so the capture
// screen offers the right quick form.
type AnswerKind string

// Answer kinds.
const (
	AnswerSignal     AnswerKind = "signal"     // supports / refutes / mixed / unclear
	AnswerWTP        AnswerKind = "wtp"        // willingness to pay
	AnswerCapability AnswerKind = "capability" // a requested capability and its problem
	AnswerBlocker    AnswerKind = "blocker"    // an adoption blocker and its severity
	AnswerUsage      AnswerKind = "usage"      // how a feature is used
	AnswerText       AnswerKind = "text"       // free answer
)

// Question is one thing to ask a customer about a hypothesis.
type Question struct {
	ID   string     `json:"id"`
	Text string     `json:"text"`
	Kind AnswerKind `json:"kind"`
}

// Hypothesis is a belief the product team wants tested in the field.
type Hypothesis struct {
	ID           string           `json:"id"`
	Statement    string           `json:"statement"`
	Rationale    string           `json:"rationale"`
	Questions    []Question       `json:"questions"`
	Audience     Audience         `json:"audience"`
	Segments     []string         `json:"segments"`
	Stages       []Stage          `json:"stages"`
	Status       HypothesisStatus `json:"status"`
	Rank         int              `json:"rank"`
	Owner        string           `json:"owner"`
	DecisionNote string           `json:"decision_note"`
	PublishedAt  *time.Time       `json:"published_at"`
	DecidedAt    *time.Time       `json:"decided_at"`
}

// RecordType says which record type Hypothesis is.
func (Hypothesis) RecordType() Type { return TypeHypothesis }

// RecordID is the Hypothesis's id.
func (h Hypothesis) RecordID() string { return h.ID }

// Validate checks every field and names each problem.
func (h Hypothesis) Validate() error {
	p := NewProblems("hypothesis")
	checkID(p, "id", h.ID, true)
	checkText(p, "statement", h.Statement, MaxShortText, true)
	checkText(p, "rationale", h.Rationale, MaxLongText, false)
	checkText(p, "decision_note", h.DecisionNote, MaxLongText, false)
	checkEnum(p, "audience", h.Audience, []Audience{AudienceSales, AudienceCS, AudienceAll}, false)
	checkEnum(p, "status", h.Status, []HypothesisStatus{StatusDraft, StatusActive, StatusValidated, StatusInvalidated, StatusArchived}, false)
	for _, s := range h.Stages {
		checkEnum(p, "stages", s, []Stage{StageProspect, StageCustomer}, false)
	}
	if h.Rank < 0 {
		p.Add("rank", "must be 0 or more")
	}
	seen := map[string]bool{}
	for i, q := range h.Questions {
		field := "questions"
		switch {
		case !ValidID(q.ID):
			p.Add(field, "question %d has no valid id", i+1)
		case seen[q.ID]:
			p.Add(field, "question id %q is used twice", q.ID)
		case q.Text == "":
			p.Add(field, "question %d has no text", i+1)
		}
		seen[q.ID] = true
		checkEnum(p, field, q.Kind, []AnswerKind{AnswerSignal, AnswerWTP, AnswerCapability, AnswerBlocker, AnswerUsage, AnswerText}, false)
	}
	checkTime(p, "published_at", h.PublishedAt)
	checkTime(p, "decided_at", h.DecidedAt)
	return p.Err()
}

// Question returns the question with the given id.
func (h Hypothesis) Question(id string) (Question, bool) {
	for _, q := range h.Questions {
		if q.ID == id {
			return q, true
		}
	}
	return Question{}, false
}

// ForAudience reports whether the hypothesis is for field staff of role r
// ("sales" or "cs"; "" matches everything).
func (h Hypothesis) ForAudience(r Audience) bool {
	return r == "" || h.Audience == "" || h.Audience == AudienceAll || h.Audience == r
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// StudyStatus is where a recruiting ask is.
type StudyStatus string

// Study statuses.
const (
	StudyDraft  StudyStatus = "draft"
	StudyOpen   StudyStatus = "open"
	StudyClosed StudyStatus = "closed"
)

// Study is product's ask to recruit customers for a usability test or interview.
type Study struct {
	ID           string      `json:"id"`
	Title        string      `json:"title"`
	Goal         string      `json:"goal"`
	Criteria     string      `json:"criteria"`
	Segments     []string    `json:"segments"`
	Stages       []Stage     `json:"stages"`
	HypothesisID string      `json:"hypothesis_id"`
	TargetCount  int         `json:"target_count"`
	Deadline     *time.Time  `json:"deadline"`
	Status       StudyStatus `json:"status"`
}

// RecordType says which record type Study is.
func (Study) RecordType() Type { return TypeStudy }

// RecordID is the Study's id.
func (s Study) RecordID() string { return s.ID }

// Validate checks every field and names each problem.
func (s Study) Validate() error {
	p := NewProblems("study")
	checkID(p, "id", s.ID, true)
	checkText(p, "title", s.Title, MaxShortText, true)
	checkText(p, "goal", s.Goal, MaxLongText, false)
	checkText(p, "criteria", s.Criteria, MaxLongText, false)
	checkID(p, "hypothesis_id", s.HypothesisID, false)
	if s.TargetCount < 0 || s.TargetCount > 10000 {
		p.Add("target_count", "must be between 0 and 10000")
	}
	checkEnum(p, "status", s.Status, []StudyStatus{StudyDraft, StudyOpen, StudyClosed}, false)
	checkTime(p, "deadline", s.Deadline)
	return p.Err()
}

// Stage is an account's relationship to us.
type Stage string

// Stages.
const (
	StageProspect Stage = "prospect"
	StageCustomer Stage = "customer"
)

// Account is a customer or prospect company.
type Account struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Domains []string `json:"domains"`
	Segment string   `json:"segment"`
	Stage   Stage    `json:"stage"`
	ARR     float64  `json:"arr"`
	CRMIDs  []string `json:"crm_ids"` // "vendor:id", so a re-import finds the same company
}

// RecordType says which record type Account is.
func (Account) RecordType() Type { return TypeAccount }

// RecordID is the Account's id.
func (a Account) RecordID() string { return a.ID }

// Validate checks every field and names each problem.
func (a Account) Validate() error {
	p := NewProblems("account")
	checkID(p, "id", a.ID, true)
	checkText(p, "name", a.Name, MaxShortText, true)
	checkText(p, "segment", a.Segment, MaxShortText, false)
	for _, d := range a.Domains {
		if !ValidDomain(d) {
			p.Add("domains", "%q is not a lower-case domain such as acme.com", d)
		}
	}
	checkEnum(p, "stage", a.Stage, []Stage{StageProspect, StageCustomer}, false)
	checkCRMIDs(p, a.CRMIDs)
	if a.ARR < 0 || math.IsNaN(a.ARR) || math.IsInf(a.ARR, 0) || a.ARR > 1e12 {
		p.Add("arr", "must be a number between 0 and 1e12")
	}
	return p.Err()
}

// RecruitStatus is where a contact is in a study's recruiting pipeline.
type RecruitStatus string

// Recruiting statuses, in pipeline order.
const (
	RecruitNone      RecruitStatus = ""
	RecruitNominated RecruitStatus = "nominated"
	RecruitInvited   RecruitStatus = "invited"
	RecruitConsented RecruitStatus = "consented"
	RecruitScheduled RecruitStatus = "scheduled"
	RecruitDone      RecruitStatus = "done"
	RecruitDeclined  RecruitStatus = "declined"
)

// ConsentEntry records one act of consent (or its withdrawal) exactly as it
// happened: the wording shown, when, how, and who recorded it.
type ConsentEntry struct {
	Wording    string    `json:"wording"`
	At         time.Time `json:"at"`
	Channel    string    `json:"channel"` // call, email, form, in_person …
	Given      bool      `json:"given"`
	StudyID    string    `json:"study_id"`
	RecordedBy string    `json:"recorded_by"`
}

// Contact is a person at an account.
type Contact struct {
	ID            string         `json:"id"`
	Email         string         `json:"email"`
	Name          string         `json:"name"`
	AccountID     string         `json:"account_id"`
	Title         string         `json:"title"`
	RecruitStatus RecruitStatus  `json:"recruit_status"`
	StudyID       string         `json:"study_id"`
	ConsentLog    []ConsentEntry `json:"consent_log"`
	LastInvitedAt *time.Time     `json:"last_invited_at"`
	DoNotContact  bool           `json:"do_not_contact"`
	CRMIDs        []string       `json:"crm_ids"` // "vendor:id"
}

// RecordType says which record type Contact is.
func (Contact) RecordType() Type { return TypeContact }

// RecordID is the Contact's id.
func (c Contact) RecordID() string { return c.ID }

// Validate checks every field and names each problem.
func (c Contact) Validate() error {
	p := NewProblems("contact")
	checkID(p, "id", c.ID, true)
	if c.Email == "" {
		p.Add("email", "is required")
	} else if NormalizeEmail(c.Email) != c.Email {
		p.Add("email", "%q is not a lower-case address such as ana@acme.com", c.Email)
	}
	checkText(p, "name", c.Name, MaxShortText, false)
	checkText(p, "title", c.Title, MaxShortText, false)
	checkID(p, "account_id", c.AccountID, false)
	checkID(p, "study_id", c.StudyID, false)
	checkEnum(p, "recruit_status", c.RecruitStatus, []RecruitStatus{RecruitNominated, RecruitInvited, RecruitConsented, RecruitScheduled, RecruitDone, RecruitDeclined}, false)
	for i, e := range c.ConsentLog {
		if e.Wording == "" || e.At.IsZero() || e.Channel == "" {
			p.Add("consent_log", "entry %d needs the wording shown, the time and the channel", i+1)
		}
	}
	checkTime(p, "last_invited_at", c.LastInvitedAt)
	return p.Err()
}

// CallKind is what sort of conversation a call was.
type CallKind string

// Call kinds.
const (
	CallDiscovery CallKind = "discovery"
	CallDemo      CallKind = "demo"
	CallQBR       CallKind = "qbr"
	CallSupport   CallKind = "support"
	CallOther     CallKind = "other"
)

// Call is one conversation with an account, with the rep's free notes.
type Call struct {
	ID         string     `json:"id"`
	AccountID  string     `json:"account_id"`
	ContactIDs []string   `json:"contact_ids"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at"`
	Kind       CallKind   `json:"kind"`
	Title      string     `json:"title"`
	Notes      string     `json:"notes"`
	Author     string     `json:"author"`
	// NotesConflicts are the losing notes bodies of concurrent edits on two
	// devices, kept by the hub (sync/README.md). nil: none recorded; an
	// empty list: the user has dealt with them (pushed as plain LWW).
	NotesConflicts *[]NotesConflict `json:"notes_conflicts,omitempty"`
}

// NotesConflict is one conflict copy of a call's notes, as the hub writes it.
type NotesConflict struct {
	Text     string `json:"text"`
	HLC      string `json:"hlc"`
	ClientID string `json:"client_id"`
	KeptAt   string `json:"kept_at"`
}

// RecordType says which record type Call is.
func (Call) RecordType() Type { return TypeCall }

// RecordID is the Call's id.
func (c Call) RecordID() string { return c.ID }

// Validate checks every field and names each problem.
func (c Call) Validate() error {
	p := NewProblems("call")
	checkID(p, "id", c.ID, true)
	checkID(p, "account_id", c.AccountID, true)
	checkIDs(p, "contact_ids", c.ContactIDs)
	checkEnum(p, "kind", c.Kind, []CallKind{CallDiscovery, CallDemo, CallQBR, CallSupport, CallOther}, false)
	checkText(p, "title", c.Title, MaxShortText, false)
	checkText(p, "notes", c.Notes, MaxLongText, false)
	if !c.StartedAt.IsZero() { // optional on the wire; the app always sets it
		checkTime(p, "started_at", &c.StartedAt)
	}
	checkTime(p, "ended_at", c.EndedAt)
	if c.EndedAt != nil && c.EndedAt.Before(c.StartedAt) {
		p.Add("ended_at", "is before started_at")
	}
	return p.Err()
}

// Signal is what an answer says about a hypothesis.
type Signal string

// Signals.
const (
	SignalSupports Signal = "supports"
	SignalRefutes  Signal = "refutes"
	SignalMixed    Signal = "mixed"
	SignalUnclear  Signal = "unclear"
)

// Signals lists the signals in their keyboard order (1–4 in the capture screen).
var Signals = []Signal{SignalSupports, SignalRefutes, SignalMixed, SignalUnclear}

// WTP is a stated willingness to pay. Amounts in different currencies or
// periods are never added together.
type WTP struct {
	Amount      float64 `json:"amount"`
	Currency    string  `json:"currency"` // ISO 4217, e.g. EUR
	Period      string  `json:"period"`   // one_time, month, year, seat_month, seat_year
	BudgetOwner string  `json:"budget_owner"`
}

// WTPPeriods are the periods a willingness-to-pay amount can be per.
var WTPPeriods = []string{"one_time", "month", "year", "seat_month", "seat_year"}

// Severity grades an adoption blocker.
type Severity string

// Severities.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Evidence is the atom of field learning: one answer to one hypothesis
// question, from one account, with the customer's own words.
type Evidence struct {
	ID            string    `json:"id"`
	HypothesisID  string    `json:"hypothesis_id"`
	QuestionID    string    `json:"question_id"`
	AccountID     string    `json:"account_id"`
	CallID        string    `json:"call_id"`
	ContactID     string    `json:"contact_id"`
	OpportunityID string    `json:"opportunity_id"` // the deal this was said in, if any
	Impact        Impact    `json:"impact"`         // what it means for revenue, if the rep said
	Signal        Signal    `json:"signal"`
	Strength      int       `json:"strength"`
	Quote         string    `json:"quote"`
	WTP           *WTP      `json:"wtp"`
	Capability    string    `json:"capability"`
	Problem       string    `json:"problem"`
	Blocker       string    `json:"blocker"`
	Severity      Severity  `json:"severity"`
	Feature       string    `json:"feature"`
	Usage         string    `json:"usage"`
	Author        string    `json:"author"`
	AuthorRole    Audience  `json:"author_role"` // sales or cs, for the roll-up by role
	Source        string    `json:"source"`      // manual, ai, email
	Links         []string  `json:"links"`       // ids of emails and other records backing it
	CapturedAt    time.Time `json:"captured_at"`
}

// RecordType says which record type Evidence is.
func (Evidence) RecordType() Type { return TypeEvidence }

// HasSignal reports whether the rep gave the item a signal. Only such items
// enter the signal tally; nothing may invent one on the rep's behalf.
func (e Evidence) HasSignal() bool { return e.Signal != "" }

// CarriesFinding reports whether the item records something besides a
// signal (a quote, willingness to pay, a capability or problem, a blocker,
// feature usage): such an item is valid without a signal and counts for its
// own roll-up (sync-protocol.md, evidence fields).
func (e Evidence) CarriesFinding() bool {
	return e.Quote != "" || e.WTP != nil || e.Capability != "" || e.Problem != "" ||
		e.Blocker != "" || e.Feature != "" || e.Usage != ""
}

// RecordID is the Evidence's id.
func (e Evidence) RecordID() string { return e.ID }

// Validate checks every field and names each problem.
func (e Evidence) Validate() error {
	p := NewProblems("evidence")
	checkID(p, "id", e.ID, true)
	checkID(p, "hypothesis_id", e.HypothesisID, true)
	checkID(p, "question_id", e.QuestionID, false)
	checkID(p, "account_id", e.AccountID, false)
	checkID(p, "call_id", e.CallID, false)
	checkID(p, "contact_id", e.ContactID, false)
	checkID(p, "opportunity_id", e.OpportunityID, false)
	checkEnum(p, "impact", e.Impact, Impacts, false)
	checkIDs(p, "links", e.Links)
	checkEnum(p, "signal", e.Signal, Signals, false)
	if !e.HasSignal() && !e.CarriesFinding() {
		p.Add("signal", "is required on an item that records no quote, willingness to pay, capability, problem, blocker or feature usage")
	}
	if e.Strength < 0 || e.Strength > 3 {
		p.Add("strength", "must be 1, 2 or 3 (0 for not rated)")
	}
	checkText(p, "quote", e.Quote, MaxLongText, false)
	for field, v := range map[string]string{"capability": e.Capability, "problem": e.Problem, "blocker": e.Blocker, "feature": e.Feature, "usage": e.Usage} {
		checkText(p, field, v, MaxLongText, false)
	}
	checkEnum(p, "severity", e.Severity, []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}, false)
	checkEnum(p, "author_role", e.AuthorRole, []Audience{AudienceSales, AudienceCS}, false)
	if w := e.WTP; w != nil {
		if w.Amount < 0 || math.IsNaN(w.Amount) || math.IsInf(w.Amount, 0) || w.Amount > 1e12 {
			p.Add("wtp", "amount must be a number between 0 and 1e12")
		}
		if len(w.Currency) != 3 || w.Currency != upperASCII(w.Currency) {
			p.Add("wtp", "currency %q must be a three-letter code such as EUR", w.Currency)
		}
		checkEnum(p, "wtp", w.Period, WTPPeriods, true)
	}
	if !e.CapturedAt.IsZero() { // optional on the wire; the app always sets it
		checkTime(p, "captured_at", &e.CapturedAt)
	}
	return p.Err()
}

func upperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c < 'A' || c > 'Z' {
			b[i] = 0
		}
	}
	return string(b)
}

// Email is a message from the rep's mailbox that concerns a known account.
// Only emails linked as evidence leave the laptop, and then only these fields.
type Email struct {
	ID         string    `json:"id"`
	MessageID  string    `json:"message_id"`
	Subject    string    `json:"subject"`
	From       string    `json:"from"`
	To         []string  `json:"to"`
	Date       time.Time `json:"date"`
	Excerpt    string    `json:"excerpt"`
	AccountID  string    `json:"account_id"`
	ContactIDs []string  `json:"contact_ids"`
	Links      []string  `json:"links"`
}

// RecordType says which record type Email is.
func (Email) RecordType() Type { return TypeEmail }

// RecordID is the Email's id.
func (m Email) RecordID() string { return m.ID }

// Validate checks every field and names each problem.
func (m Email) Validate() error {
	p := NewProblems("email")
	checkID(p, "id", m.ID, true)
	checkText(p, "message_id", m.MessageID, MaxShortText*2, true)
	checkText(p, "subject", m.Subject, MaxLongText, false)
	checkText(p, "excerpt", m.Excerpt, MaxLongText, false)
	checkID(p, "account_id", m.AccountID, false)
	checkIDs(p, "contact_ids", m.ContactIDs)
	checkIDs(p, "links", m.Links)
	return p.Err()
}
