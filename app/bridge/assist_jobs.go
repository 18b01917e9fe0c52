package bridge

import (
	"context"
	"strings"

	"fieldnotes/app/assist"
	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
)

// SuggestionDTO is one AI-proposed evidence item awaiting the rep's review.
// Quote is verbatim from the notes (or email); Start/End are its byte
// offsets there, for highlighting.
type SuggestionDTO struct {
	ID           string  `json:"id"`
	HypothesisID string  `json:"hypothesis_id"`
	Statement    string  `json:"statement"`
	QuestionID   string  `json:"question_id"`
	Question     string  `json:"question"`
	Signal       string  `json:"signal"`
	Strength     int     `json:"strength"`
	Quote        string  `json:"quote"`
	Start        int     `json:"start"`
	End          int     `json:"end"`
	WTP          *WTPDTO `json:"wtp"`
	EmailID      string  `json:"email_id"`
}

// ClaimDTO is one sentence of a brief with the evidence/email ids it cites.
type ClaimDTO struct {
	Text    string   `json:"text"`
	Sources []string `json:"sources"`
}

// AssistJobDTO is one AI request and, once done, its result. Suggestions
// holds only those still to be reviewed: accepted and rejected ones are
// counted, never shown again.
type AssistJobDTO struct {
	ID            string          `json:"id"`
	Kind          string          `json:"kind"`  // evidence, triage, brief
	State         string          `json:"state"` // queued, running, done, failed, cancelled
	Waiting       string          `json:"waiting"`
	CreatedAt     string          `json:"created_at"`
	UpdatedAt     string          `json:"updated_at"`
	NextAttemptAt string          `json:"next_attempt_at"`
	Attempts      int             `json:"attempts"`
	CallID        string          `json:"call_id"`
	AccountID     string          `json:"account_id"`
	EmailID       string          `json:"email_id"`
	Suggestions   []SuggestionDTO `json:"suggestions"`
	Accepted      int             `json:"accepted"`
	Rejected      int             `json:"rejected"`
	Discarded     int             `json:"discarded"` // dropped by assist: quote not verbatim, unknown hypothesis …
	Summary       string          `json:"summary"`   // triage
	Claims        []ClaimDTO      `json:"claims"`    // brief
	ErrorCode     string          `json:"error_code"`
	ErrorMessage  string          `json:"error_message"`
	TotalTokens   int             `json:"total_tokens"`
}

// SuggestionEdits are the rep's changes before accepting. Empty fields keep
// the suggestion's value. An edited quote must still be words from the
// notes (or email): the rep may shorten it, never invent it.
type SuggestionEdits struct {
	QuestionID string  `json:"question_id"`
	Signal     string  `json:"signal"`
	Strength   int     `json:"strength"`
	Quote      string  `json:"quote"`
	WTP        *WTPDTO `json:"wtp"`
	ClearWTP   bool    `json:"clear_wtp"`
	ContactID  string  `json:"contact_id"`
}

// SuggestEvidence queues a request for evidence suggestions from a call's
// notes, for the active hypotheses targeting its account; the names of the
// account's contacts are redacted before sending. The job runs when AI is
// ready; `assist:done` says when it has finished.
func (a *Assist) SuggestEvidence(callID string) (j AssistJobDTO, err error) {
	defer guard(a.d.Log, "Assist.SuggestEvidence", &err)
	ad, err := a.deps()
	if err != nil {
		return j, err
	}
	ctx := context.Background()
	var call notebook.Call
	if err := a.d.Store.Get(ctx, callID, &call); err != nil {
		return j, err
	}
	if strings.TrimSpace(call.Notes) == "" {
		return j, notebook.Errorf(notebook.Invalid, "this call has no notes yet; write some first")
	}
	acct, hs, contacts, err := a.context(ctx, call.AccountID)
	if err != nil {
		return j, err
	}
	job, err := ad.Assistant.SubmitEvidence(ctx, assist.EvidenceRequest{CallID: call.ID, AccountID: acct.ID,
		Notes: call.Notes, Hypotheses: hs, Contacts: contacts})
	if err != nil {
		return j, err
	}
	return a.jobDTO(ctx, ad, job)
}

// context loads an account, its targeted active hypotheses and its contacts.
func (a *Assist) context(ctx context.Context, accountID string) (notebook.Account, []notebook.Hypothesis, []notebook.Contact, error) {
	var acct notebook.Account
	if accountID != "" {
		if err := a.d.Store.Get(ctx, accountID, &acct); err != nil {
			return acct, nil, nil, err
		}
	}
	all, err := listOf[notebook.Hypothesis](ctx, a.d.Store, notebook.TypeHypothesis, Query{})
	if err != nil {
		return acct, nil, nil, err
	}
	sortHypotheses(all)
	hs := filter(all, func(h notebook.Hypothesis) bool {
		return h.Status == notebook.StatusActive && h.ForAudience(a.d.Role) && (accountID == "" || h.Targets(acct.Segment, acct.Stage))
	})
	if len(hs) == 0 {
		return acct, nil, nil, notebook.Errorf(notebook.Conflict, "no active hypothesis targets this account, so there is nothing to look for")
	}
	var contacts []notebook.Contact
	if accountID != "" {
		contacts, err = listOf[notebook.Contact](ctx, a.d.Store, notebook.TypeContact, Query{AccountID: accountID})
	}
	return acct, hs, contacts, err
}

// TriageEmail queues a one-line summary of an email and suggested links to
// hypotheses, each with its supporting excerpt.
func (a *Assist) TriageEmail(emailID string) (j AssistJobDTO, err error) {
	defer guard(a.d.Log, "Assist.TriageEmail", &err)
	ad, err := a.deps()
	if err != nil {
		return j, err
	}
	ctx := context.Background()
	var e notebook.Email
	if err := a.d.Store.Get(ctx, emailID, &e); err != nil {
		return j, err
	}
	_, hs, contacts, err := a.context(ctx, e.AccountID)
	if err != nil {
		return j, err
	}
	text := e.Excerpt
	if ad.Mail != nil {
		if b, err := imapsync.GetBody(ctx, ad.Mail, e.ID); err == nil && strings.TrimSpace(b.Text) != "" {
			text = b.Text
		}
	}
	job, err := ad.Assistant.SubmitTriage(ctx, assist.TriageRequest{Email: e, Text: text, Hypotheses: hs, Contacts: contacts})
	if err != nil {
		return j, err
	}
	return a.jobDTO(ctx, ad, job)
}

// Brief queues a short pre-call summary of what an account said before;
// every claim cites the evidence or email it rests on.
func (a *Assist) Brief(accountID string) (j AssistJobDTO, err error) {
	defer guard(a.d.Log, "Assist.Brief", &err)
	ad, err := a.deps()
	if err != nil {
		return j, err
	}
	ctx := context.Background()
	acct, hs, contacts, err := a.context(ctx, accountID)
	if err != nil && !notebook.IsCode(err, notebook.Conflict) {
		return j, err
	}
	ev, err := listOf[notebook.Evidence](ctx, a.d.Store, notebook.TypeEvidence, Query{AccountID: acct.ID})
	if err != nil {
		return j, err
	}
	emails, err := listOf[notebook.Email](ctx, a.d.Store, notebook.TypeEmail, Query{AccountID: acct.ID, Newest: true, Limit: 30})
	if err != nil {
		return j, err
	}
	if len(ev) == 0 && len(emails) == 0 {
		return j, notebook.Errorf(notebook.Conflict, "there is no evidence or email for %s yet, so there is nothing to summarise", acct.Name)
	}
	job, err := ad.Assistant.SubmitBrief(ctx, assist.BriefRequest{Account: acct, Evidence: ev, Emails: emails, Hypotheses: hs, Contacts: contacts})
	if err != nil {
		return j, err
	}
	return a.jobDTO(ctx, ad, job)
}

// Jobs lists every AI job, newest first.
func (a *Assist) Jobs() (out []AssistJobDTO, err error) {
	defer guard(a.d.Log, "Assist.Jobs", &err)
	ad, err := a.deps()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	out = []AssistJobDTO{}
	for _, job := range ad.Assistant.Jobs() {
		dto, err := a.jobDTO(ctx, ad, job)
		if err != nil {
			return nil, err
		}
		out = append(out, dto)
	}
	return out, nil
}

// Job returns one job as it is now (after `assist:done`, with its result).
func (a *Assist) Job(jobID string) (j AssistJobDTO, err error) {
	defer guard(a.d.Log, "Assist.Job", &err)
	ad, err := a.deps()
	if err != nil {
		return j, err
	}
	job, err := ad.Assistant.Job(jobID)
	if err != nil {
		return j, err
	}
	return a.jobDTO(context.Background(), ad, job)
}

// Cancel stops a queued or running job.
func (a *Assist) Cancel(jobID string) (err error) {
	defer guard(a.d.Log, "Assist.Cancel", &err)
	ad, err := a.deps()
	if err != nil {
		return err
	}
	return ad.Assistant.Cancel(context.Background(), jobID)
}

// Forget deletes a finished job, its result and the rep's decisions on it.
func (a *Assist) Forget(jobID string) (err error) {
	defer guard(a.d.Log, "Assist.Forget", &err)
	ad, err := a.deps()
	if err != nil {
		return err
	}
	ctx := context.Background()
	if err := ad.Assistant.Forget(ctx, jobID); err != nil {
		return err
	}
	return assist.ForgetDecisions(ctx, ad.Local, jobID)
}

func (a *Assist) jobDTO(ctx context.Context, ad *AssistDeps, job assist.Job) (AssistJobDTO, error) {
	decided := map[string]string{}
	for _, s := range jobSuggestions(job) {
		d, ok, err := assist.LoadDecision(ctx, ad.Local, job, s)
		if err != nil {
			return AssistJobDTO{}, err
		}
		if ok {
			decided[s.ID] = d.State
		}
	}
	j := AssistJobDTO{ID: job.ID, Kind: string(job.Kind), State: string(job.State), Waiting: sentence(job.Waiting),
		CreatedAt: ts(job.CreatedAt), UpdatedAt: ts(job.UpdatedAt), NextAttemptAt: ts(job.NextAttemptAt), Attempts: job.Attempts,
		Suggestions: []SuggestionDTO{}, Claims: []ClaimDTO{}, TotalTokens: job.Usage.TotalTokens}
	j.CallID, j.AccountID, j.EmailID = jobSubjects(job.Request)
	if job.Error != nil {
		j.ErrorCode, j.ErrorMessage = string(job.Error.Code), job.Error.Message
	}
	fillResult(&j, job, decided)
	return j, nil
}

func fillResult(j *AssistJobDTO, job assist.Job, decided map[string]string) {
	hs := requestHypotheses(job.Request)
	var list []assist.Suggestion
	switch {
	case job.Evidence != nil:
		list, j.Discarded = job.Evidence.Suggestions, job.Evidence.Discarded
	case job.Triage != nil:
		list, j.Discarded, j.Summary = job.Triage.Links, job.Triage.Discarded, job.Triage.Summary
	case job.Brief != nil:
		j.Discarded = job.Brief.Dropped
		for _, c := range job.Brief.Claims {
			j.Claims = append(j.Claims, ClaimDTO{Text: c.Text, Sources: nonNil(c.Sources)})
		}
	}
	for _, s := range list {
		switch decided[s.ID] {
		case "accepted":
			j.Accepted++
		case "rejected":
			j.Rejected++
		default:
			j.Suggestions = append(j.Suggestions, suggestionDTO(s, hs))
		}
	}
}

func jobSuggestions(job assist.Job) []assist.Suggestion {
	switch {
	case job.Evidence != nil:
		return job.Evidence.Suggestions
	case job.Triage != nil:
		return job.Triage.Links
	}
	return nil
}

func requestHypotheses(r assist.JobRequest) []notebook.Hypothesis {
	switch {
	case r.Evidence != nil:
		return r.Evidence.Hypotheses
	case r.Triage != nil:
		return r.Triage.Hypotheses
	case r.Brief != nil:
		return r.Brief.Hypotheses
	}
	return nil
}

func suggestionDTO(s assist.Suggestion, hs []notebook.Hypothesis) SuggestionDTO {
	d := SuggestionDTO{ID: s.ID, HypothesisID: s.HypothesisID, QuestionID: s.QuestionID, Signal: string(s.Signal),
		Strength: s.Strength, Quote: s.Quote, Start: s.Start, End: s.End, EmailID: s.EmailID}
	for _, h := range hs {
		if h.ID != s.HypothesisID {
			continue
		}
		d.Statement = h.Statement
		for _, q := range h.Questions {
			if q.ID == s.QuestionID {
				d.Question = q.Text
			}
		}
	}
	if s.WTP != nil {
		d.WTP = &WTPDTO{Amount: s.WTP.Amount, Currency: s.WTP.Currency, Period: s.WTP.Period, BudgetOwner: s.WTP.BudgetOwner}
	}
	return d
}
