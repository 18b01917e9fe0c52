package bridge

import (
	"context"
	"slices"
	"strings"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
)

// keyRead marks an email read on this computer (local only; the server's
// \Seen flag is not changed by reading in Fieldnotes).
const keyRead = "mail/read/"

// EmailRow is an email in the inbox.
type EmailRow struct {
	ID          string   `json:"id"`
	Subject     string   `json:"subject"`
	From        string   `json:"from"`
	To          []string `json:"to"`
	Date        string   `json:"date"`
	Excerpt     string   `json:"excerpt"`
	AccountID   string   `json:"account_id"`
	AccountName string   `json:"account_name"`
	ContactIDs  []string `json:"contact_ids"`
	Links       []string `json:"links"` // ids of calls and evidence it is linked to
	Unread      bool     `json:"unread"`
	Shared      bool     `json:"shared"` // linked as evidence: its metadata and excerpt sync to the hub
}

// MailGroup is one account's relevant mail, newest first.
type MailGroup struct {
	AccountID   string     `json:"account_id"` // "" for mail matched by a contact without an account
	AccountName string     `json:"account_name"`
	Unread      int        `json:"unread"`
	Newest      string     `json:"newest"`
	Emails      []EmailRow `json:"emails"`
}

// MailAttachment is attachment metadata (the content stays on the server).
type MailAttachment struct {
	Index       int    `json:"index"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Inline      bool   `json:"inline"`
}

// EmailView is the reading pane. SrcDoc is a complete, sanitised document
// for <iframe sandbox="allow-same-origin" srcdoc> (never allow-scripts: the
// parent intercepts link clicks and calls Mail.OpenLink); it carries the
// strict CSP (also in CSP) so nothing in it runs or loads.
type EmailView struct {
	Email       EmailRow         `json:"email"`
	SrcDoc      string           `json:"srcdoc"`
	CSP         string           `json:"csp"`
	Text        string           `json:"text"` // plain text, for quoting a selected part
	HasHTML     bool             `json:"has_html"`
	Attachments []MailAttachment `json:"attachments"`
	Problems    []string         `json:"problems"` // what was malformed and shown best-effort
	Truncated   bool             `json:"truncated"`
	OnComputer  bool             `json:"on_computer"` // false: only the excerpt is here (e.g. pulled on another device)
}

// Inbox returns the newest relevant mail (up to limit, default 200)
// grouped by account, with unread counts.
func (m *Mail) Inbox(limit int) (groups []MailGroup, err error) {
	defer guard(m.d.Log, "Mail.Inbox", &err)
	rows, err := m.rows(Query{Newest: true}, limit)
	if err != nil {
		return nil, err
	}
	byAccount := map[string]*MailGroup{}
	groups = []MailGroup{}
	order := []string{}
	for _, r := range rows {
		g := byAccount[r.AccountID]
		if g == nil {
			g = &MailGroup{AccountID: r.AccountID, AccountName: r.AccountName, Emails: []EmailRow{}}
			byAccount[r.AccountID], order = g, append(order, r.AccountID)
		}
		g.Emails = append(g.Emails, r)
		if r.Unread {
			g.Unread++
		}
		g.Newest = max(g.Newest, r.Date)
	}
	for _, id := range order {
		groups = append(groups, *byAccount[id])
	}
	sortGroups(groups)
	return groups, nil
}

// ForAccount returns one account's relevant mail, newest first.
func (m *Mail) ForAccount(accountID string, limit int) (rows []EmailRow, err error) {
	defer guard(m.d.Log, "Mail.ForAccount", &err)
	return m.rows(Query{AccountID: accountID, Newest: true}, limit)
}

func (m *Mail) rows(q Query, limit int) ([]EmailRow, error) {
	md, err := m.deps()
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 2000 {
		limit = 200
	}
	q.Limit = limit
	ctx := context.Background()
	emails, err := listOf[notebook.Email](ctx, m.d.Store, notebook.TypeEmail, q)
	if err != nil {
		return nil, err
	}
	names, err := accountNames(ctx, m.d)
	if err != nil {
		return nil, err
	}
	sortEmailsNewest(emails)
	rows := make([]EmailRow, 0, len(emails))
	for _, e := range emails {
		if r, ok := m.row(ctx, md, e, names); ok {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// row builds an inbox line; hidden emails (marked not relevant) are skipped.
func (m *Mail) row(ctx context.Context, md *MailDeps, e notebook.Email, names map[string]string) (EmailRow, bool) {
	ms, err := imapsync.GetMessageState(ctx, md.Store, e.ID)
	if err == nil && ms.Hidden {
		return EmailRow{}, false
	}
	unread := err == nil && !ms.Seen
	if unread {
		if _, err := md.Store.LocalGet(ctx, keyRead+e.ID); err == nil {
			unread = false
		}
	}
	return EmailRow{ID: e.ID, Subject: e.Subject, From: e.From, To: nonNil(e.To), Date: ts(e.Date), Excerpt: e.Excerpt,
		AccountID: e.AccountID, AccountName: names[e.AccountID], ContactIDs: nonNil(e.ContactIDs), Links: nonNil(e.Links),
		Unread: unread, Shared: md.Store.Shared(ctx, e.ID)}, true
}

func sortEmailsNewest(es []notebook.Email) {
	for i := 1; i < len(es); i++ { // insertion sort: the store hands them nearly sorted
		for j := i; j > 0 && es[j].Date.After(es[j-1].Date); j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// Read opens an email: sanitised HTML as a srcdoc with a strict CSP (no
// script, no remote content), the plain text, and attachment metadata. It
// marks the email read on this computer.
func (m *Mail) Read(emailID string) (v EmailView, err error) {
	defer guard(m.d.Log, "Mail.Read", &err)
	md, err := m.deps()
	if err != nil {
		return v, err
	}
	ctx := context.Background()
	e, row, err := m.load(ctx, md, emailID)
	if err != nil {
		return v, err
	}
	v = EmailView{Email: row, CSP: imapsync.CSP, Attachments: []MailAttachment{}, Problems: []string{}}
	body, err := imapsync.GetBody(ctx, md.Store, emailID)
	switch {
	case err == nil:
		fillBody(&v, body)
	case notebook.IsCode(err, notebook.NotFound):
		v.Text, v.SrcDoc = e.Excerpt, imapsync.TextSrcDoc(e.Excerpt)
	default:
		return v, err
	}
	if err := md.Store.LocalPut(ctx, keyRead+emailID, []byte("1")); err != nil {
		return v, err
	}
	v.Email.Unread = false
	return v, nil
}

func fillBody(v *EmailView, b imapsync.Body) {
	v.OnComputer, v.Text, v.Truncated, v.Problems = true, b.Text, b.Truncated, nonNil(b.Problems)
	if b.HTML != "" {
		// Sanitised when stored; sanitised again here so a body stored by an
		// older version can never carry more than today's policy allows.
		v.HasHTML, v.SrcDoc = true, imapsync.SrcDoc(imapsync.SanitizeHTML(b.HTML))
	} else {
		v.SrcDoc = imapsync.TextSrcDoc(b.Text)
	}
	for _, a := range b.Attachments {
		v.Attachments = append(v.Attachments, MailAttachment{Index: a.Index, Name: a.Name, ContentType: a.ContentType, Size: a.Size, Inline: a.Inline})
	}
}

// SetRead marks an email read or unread on this computer.
func (m *Mail) SetRead(emailID string, read bool) (err error) {
	defer guard(m.d.Log, "Mail.SetRead", &err)
	md, err := m.deps()
	if err != nil {
		return err
	}
	ctx := context.Background()
	if read {
		return md.Store.LocalPut(ctx, keyRead+emailID, []byte("1"))
	}
	return md.Store.LocalDelete(ctx, keyRead+emailID)
}

func (m *Mail) load(ctx context.Context, md *MailDeps, emailID string) (notebook.Email, EmailRow, error) {
	var e notebook.Email
	if err := m.d.Store.Get(ctx, emailID, &e); err != nil {
		return e, EmailRow{}, err
	}
	names, err := accountNames(ctx, m.d)
	if err != nil {
		return e, EmailRow{}, err
	}
	row, ok := m.row(ctx, md, e, names)
	if !ok {
		return e, row, notebook.Errorf(notebook.NotFound, "this email was marked not relevant")
	}
	return e, row, nil
}

// MarkNotRelevant hides an email for good: it leaves the inbox and search,
// its content is removed from this computer and it is never fetched again.
// An email already linked as evidence must be unlinked first (it is shared).
func (m *Mail) MarkNotRelevant(emailID string) (err error) {
	defer guard(m.d.Log, "Mail.MarkNotRelevant", &err)
	md, err := m.deps()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var e notebook.Email
	if err := m.d.Store.Get(ctx, emailID, &e); err != nil {
		return err
	}
	if md.Store.Shared(ctx, emailID) {
		return notebook.Errorf(notebook.Conflict, "this email backs evidence and is shared; delete that evidence before hiding the email")
	}
	if err := imapsync.MarkNotRelevant(ctx, md.Store, emailID); err != nil {
		return err
	}
	if err := md.Store.LocalDelete(ctx, keyRead+emailID); err != nil {
		return err
	}
	return md.Store.Hide(ctx, emailID)
}

// LinkToCall links an email to a call (it shows on the call's screen). The
// link stays on this computer unless the email is also evidence.
func (m *Mail) LinkToCall(emailID, callID string) (r EmailRow, err error) {
	defer guard(m.d.Log, "Mail.LinkToCall", &err)
	return m.link(emailID, func(ctx context.Context, e *notebook.Email) error {
		var call notebook.Call
		if err := m.d.Store.Get(ctx, callID, &call); err != nil {
			return err
		}
		e.Links = addOnce(e.Links, call.ID)
		if e.AccountID == "" {
			e.AccountID = call.AccountID
		}
		return nil
	})
}

// LinkToContact links an email to a contact (e.g. a colleague of the
// customer the matcher did not know yet).
func (m *Mail) LinkToContact(emailID, contactID string) (r EmailRow, err error) {
	defer guard(m.d.Log, "Mail.LinkToContact", &err)
	return m.link(emailID, func(ctx context.Context, e *notebook.Email) error {
		var c notebook.Contact
		if err := m.d.Store.Get(ctx, contactID, &c); err != nil {
			return err
		}
		e.ContactIDs = addOnce(e.ContactIDs, c.ID)
		if e.AccountID == "" {
			e.AccountID = c.AccountID
		}
		return nil
	})
}

// Unlink removes a call or contact link (evidence links go with the evidence).
func (m *Mail) Unlink(emailID, recordID string) (r EmailRow, err error) {
	defer guard(m.d.Log, "Mail.Unlink", &err)
	return m.link(emailID, func(_ context.Context, e *notebook.Email) error {
		e.Links = filter(e.Links, func(s string) bool { return s != recordID })
		e.ContactIDs = filter(e.ContactIDs, func(s string) bool { return s != recordID })
		return nil
	})
}

// link changes an email and saves it as it is: local-only stays local-only,
// shared stays shared.
func (m *Mail) link(emailID string, change func(context.Context, *notebook.Email) error) (EmailRow, error) {
	md, err := m.deps()
	if err != nil {
		return EmailRow{}, err
	}
	ctx := context.Background()
	e, _, err := m.load(ctx, md, emailID)
	if err != nil {
		return EmailRow{}, err
	}
	if err := change(ctx, &e); err != nil {
		return EmailRow{}, err
	}
	if err := md.Store.Save(ctx, e, false); err != nil {
		return EmailRow{}, err
	}
	_, row, err := m.load(ctx, md, emailID)
	return row, err
}

// EmailEvidenceInput turns (part of) an email into evidence. Quote is the
// part the rep selected; "" uses the excerpt. It must be the email's own
// words: a quote not found in the message is refused.
type EmailEvidenceInput struct {
	EmailID      string  `json:"email_id"`
	HypothesisID string  `json:"hypothesis_id"`
	QuestionID   string  `json:"question_id"`
	Signal       string  `json:"signal"`
	Strength     int     `json:"strength"`
	Quote        string  `json:"quote"`
	CallID       string  `json:"call_id"`
	ContactID    string  `json:"contact_id"`
	WTP          *WTPDTO `json:"wtp"`
}

// LinkAsEvidence saves evidence quoting the email and shares the email: from
// now on its metadata and excerpt (never the body) sync to the hub. This is
// the only way an email leaves the laptop.
func (m *Mail) LinkAsEvidence(in EmailEvidenceInput) (out EvidenceDTO, err error) {
	defer guard(m.d.Log, "Mail.LinkAsEvidence", &err)
	md, err := m.deps()
	if err != nil {
		return out, err
	}
	ctx := context.Background()
	e, _, err := m.load(ctx, md, in.EmailID)
	if err != nil {
		return out, err
	}
	ev, err := m.emailEvidence(ctx, md, e, in)
	if err != nil {
		return out, err
	}
	e.Links = addOnce(e.Links, ev.ID)
	// The email first: the hub then never holds evidence citing an email it
	// has not been sent.
	if err := md.Store.Save(ctx, e, true); err != nil {
		return out, err
	}
	if _, err := m.d.Store.Save(ctx, ev); err != nil {
		return out, err
	}
	return evidenceDTO(ev), nil
}

func (m *Mail) emailEvidence(ctx context.Context, md *MailDeps, e notebook.Email, in EmailEvidenceInput) (notebook.Evidence, error) {
	quote, err := emailQuote(ctx, md, e, in.Quote)
	if err != nil {
		return notebook.Evidence{}, err
	}
	var h notebook.Hypothesis
	if err := m.d.Store.Get(ctx, in.HypothesisID, &h); err != nil {
		return notebook.Evidence{}, err
	}
	contact := in.ContactID
	if contact == "" && len(e.ContactIDs) == 1 {
		contact = e.ContactIDs[0]
	}
	ev := notebook.Evidence{ID: notebook.NewID(), HypothesisID: h.ID, QuestionID: in.QuestionID, AccountID: e.AccountID,
		CallID: in.CallID, ContactID: contact, Signal: notebook.Signal(in.Signal), Strength: in.Strength, Quote: quote,
		Author: m.d.author(), AuthorRole: m.d.role(), Source: "email", Links: []string{e.ID}, CapturedAt: m.d.now()}
	if in.WTP != nil {
		ev.WTP = &notebook.WTP{Amount: in.WTP.Amount, Currency: in.WTP.Currency, Period: in.WTP.Period, BudgetOwner: in.WTP.BudgetOwner}
	}
	return ev, ev.Validate()
}

// emailQuote checks that the selected text is the email's own words
// (whitespace-insensitive) and defaults to the excerpt.
func emailQuote(ctx context.Context, md *MailDeps, e notebook.Email, selected string) (string, error) {
	selected = strings.TrimSpace(selected)
	if selected == "" {
		if strings.TrimSpace(e.Excerpt) == "" {
			return "", notebook.Errorf(notebook.Invalid, "this email has no text to quote; select the words to quote")
		}
		return e.Excerpt, nil
	}
	haystack := e.Subject + "\n" + e.Excerpt
	if body, err := imapsync.GetBody(ctx, md.Store, e.ID); err == nil {
		haystack += "\n" + body.Text + "\n" + imapsync.HTMLToText(body.HTML)
	}
	if !strings.Contains(squash(haystack), squash(selected)) {
		return "", &notebook.Error{Code: notebook.Invalid, Message: "the quote must be words from the email itself; select them in the message",
			Fields: map[string]string{"quote": "is not in the email"}}
	}
	return selected, nil
}

// squash collapses all white space, so a selection across line breaks
// still matches the message text.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// addOnce adds id to a set kept as a list (an email's links and contacts).
func addOnce(list []string, id string) []string {
	if slices.Contains(list, id) {
		return list
	}
	return append(slices.Clip(list), id)
}
