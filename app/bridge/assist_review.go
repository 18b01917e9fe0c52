package bridge

import (
	"context"
	"strings"

	"fieldnotes/app/assist"
	"fieldnotes/app/notebook"
)

// Accept turns one suggestion, with the rep's edits, into evidence (source
// "ai", or "email" for a triage suggestion, which also shares that email).
// This click is the only way AI output becomes evidence.
func (a *Assist) Accept(jobID, suggestionID string, edits SuggestionEdits) (out EvidenceDTO, err error) {
	defer guard(a.d.Log, "Assist.Accept", &err)
	ad, err := a.deps()
	if err != nil {
		return out, err
	}
	ctx := context.Background()
	job, s, err := a.undecided(ctx, ad, jobID, suggestionID)
	if err != nil {
		return out, err
	}
	edited := s // decisions are remembered by the proposal as made, not as edited
	if err := applyEdits(&edited, edits, sourceText(job.Request)); err != nil {
		return out, err
	}
	ev, err := edited.ToEvidence(a.origin(job.Request, edits.ContactID))
	if err != nil {
		return out, err
	}
	if s.EmailID != "" {
		if err := a.shareEmail(ctx, ad, s.EmailID, ev.ID); err != nil {
			return out, err
		}
	}
	if _, err := a.d.Store.Save(ctx, ev); err != nil {
		return out, err
	}
	if err := assist.SaveDecision(ctx, ad.Local, job, s, assist.Decision{State: "accepted", EvidenceID: ev.ID}); err != nil {
		return out, err
	}
	return evidenceDTO(ev), nil
}

// Reject dismisses a suggestion; it is remembered and never shown again.
func (a *Assist) Reject(jobID, suggestionID string) (err error) {
	defer guard(a.d.Log, "Assist.Reject", &err)
	ad, err := a.deps()
	if err != nil {
		return err
	}
	ctx := context.Background()
	job, s, err := a.undecided(ctx, ad, jobID, suggestionID)
	if err != nil {
		return err
	}
	return assist.SaveDecision(ctx, ad.Local, job, s, assist.Decision{State: "rejected"})
}

// undecided finds a suggestion the rep has not yet accepted or rejected.
func (a *Assist) undecided(ctx context.Context, ad *AssistDeps, jobID, suggestionID string) (assist.Job, assist.Suggestion, error) {
	job, err := ad.Assistant.Job(jobID)
	if err != nil {
		return job, assist.Suggestion{}, err
	}
	s, ok := job.Suggestion(suggestionID)
	if !ok {
		return job, s, notebook.Errorf(notebook.NotFound, "this suggestion is no longer there; refresh the list")
	}
	d, decided, err := assist.LoadDecision(ctx, ad.Local, job, s)
	if err == nil && decided {
		err = notebook.Errorf(notebook.Conflict, "this suggestion was already %s", d.State)
	}
	return job, s, err
}

// sourceText is the text a job's quotes were taken from.
func sourceText(r assist.JobRequest) string {
	switch {
	case r.Evidence != nil:
		return r.Evidence.Notes
	case r.Triage != nil:
		return r.Triage.Email.Subject + "\n" + r.Triage.Email.Excerpt + "\n" + r.Triage.Text
	}
	return ""
}

func applyEdits(s *assist.Suggestion, e SuggestionEdits, source string) error {
	if e.QuestionID != "" {
		s.QuestionID = e.QuestionID
	}
	if e.Signal != "" {
		s.Signal = notebook.Signal(e.Signal)
	}
	if e.Strength != 0 {
		s.Strength = e.Strength
	}
	if e.Quote != "" && e.Quote != s.Quote {
		if !containsSquashed(source, e.Quote) {
			return &notebook.Error{Code: notebook.Invalid, Message: "an edited quote must still be words from the notes; shorten it, but do not rewrite it",
				Fields: map[string]string{"quote": "is not in the notes"}}
		}
		s.Quote = e.Quote
	}
	switch {
	case e.ClearWTP:
		s.WTP = nil
	case e.WTP != nil:
		s.WTP = &notebook.WTP{Amount: e.WTP.Amount, Currency: e.WTP.Currency, Period: e.WTP.Period, BudgetOwner: e.WTP.BudgetOwner}
	}
	return nil
}

// containsSquashed reports whether needle occurs in haystack, ignoring how
// white space is laid out (a selection across line breaks).
func containsSquashed(haystack, needle string) bool {
	n := squash(needle)
	return n != "" && strings.Contains(squash(haystack), n)
}

// origin is where accepted evidence comes from: the request's account and
// call, the rep, and the contact the rep picked.
func (a *Assist) origin(r assist.JobRequest, contactID string) assist.Origin {
	callID, accountID, _ := jobSubjects(r)
	return assist.Origin{AccountID: accountID, CallID: callID, ContactID: contactID, Author: a.d.Author,
		AuthorRole: a.d.Role, CapturedAt: a.d.now()}
}

// shareEmail links an email to the evidence accepted from it and lets it
// sync (metadata and excerpt only), exactly like Mail.LinkAsEvidence.
func (a *Assist) shareEmail(ctx context.Context, ad *AssistDeps, emailID, evidenceID string) error {
	if ad.Mail == nil {
		return notebook.Errorf(notebook.NotSetUp, "mail is not available in this build")
	}
	var e notebook.Email
	if err := a.d.Store.Get(ctx, emailID, &e); err != nil {
		return err
	}
	e.Links = addOnce(e.Links, evidenceID)
	return ad.Mail.Save(ctx, e, true)
}
