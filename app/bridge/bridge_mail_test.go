package bridge

import (
	"context"
	"html"
	"strings"
	"testing"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
)

const hostileHTML = `<p>We would pay 500 EUR a month for automatic reconciliation.</p>
<script>alert(1)</script><img src="http://evil.example/pixel.png" onerror="alert(2)">
<a href="https://acme.com/pricing" onclick="alert(3)">pricing</a><form action="http://evil.example/"><input name=x></form>
<iframe src="http://evil.example/"></iframe><style>@import url(http://evil.example/x.css)</style>`

// deliverCorpus puts two relevant messages (one with hostile HTML) and one
// irrelevant newsletter in INBOX.
func (w *mailWorld) deliverCorpus(t *testing.T) (htmlID, plainID string) {
	w.deliver(t, "INBOX", message("Ana Lopez <ana@acme.com>", testIMAPUser, "Pricing for reconciliation", "p1@acme.com",
		"We would pay 500 EUR a month for automatic reconciliation.", hostileHTML))
	w.deliver(t, "INBOX", message("bob@eu.acme.com", testIMAPUser, "Month-end close", "p2@acme.com",
		"Our close takes nine days, mostly matching invoices by hand.", ""))
	w.deliver(t, "INBOX", message("news@other.example", testIMAPUser, "Weekly newsletter", "n1@other.example",
		"Nothing about any customer.", ""))
	return imapsync.EmailID("p1@acme.com"), imapsync.EmailID("p2@acme.com")
}

func (w *mailWorld) configure(t *testing.T) {
	t.Helper()
	if _, err := w.mail.SaveSettings(w.settingsInput(testIMAPPass)); err != nil {
		t.Fatal(err)
	}
}

func TestMailSettingsPasswordIsWriteOnly(t *testing.T) {
	w := newMailWorld(t)
	if s, _ := w.mail.Status(); s.State != MailNotConfigured {
		t.Fatalf("status before settings = %+v", s)
	}
	if _, err := w.mail.SyncNow(); codeOf(err) != notebook.NotSetUp {
		t.Fatalf("SyncNow without settings: %v", err)
	}
	in := w.settingsInput(testIMAPPass)
	in.Security = "none"
	in.Host = "imap.example.com"
	if _, err := w.mail.SaveSettings(in); codeOf(err) != notebook.Invalid {
		t.Fatalf("clear-text to a remote host must be refused: %v", err)
	}
	out, err := w.mail.SaveSettings(w.settingsInput(testIMAPPass))
	if err != nil {
		t.Fatal(err)
	}
	if !out.HasPassword || !out.Configured {
		t.Fatalf("saved = %+v", out)
	}
	raw, err := w.st.LocalGet(context.Background(), mailstore.SettingsKey)
	if err != nil || strings.Contains(string(raw), testIMAPPass) {
		t.Fatalf("settings blob holds the password (or is missing): %s %v", raw, err)
	}
	again, err := w.mail.SaveSettings(w.settingsInput("")) // password "" keeps the stored one
	if err != nil || !again.HasPassword {
		t.Fatalf("resave without password: %+v %v", again, err)
	}
}

func TestMailTestConnectionSaysWhatIsWrong(t *testing.T) {
	w := newMailWorld(t)
	w.configure(t)
	ok, err := w.mail.TestConnection(w.settingsInput("")) // the stored password
	if err != nil || !ok.OK || !contains(ok.Folders, "INBOX") {
		t.Fatalf("good settings: %+v %v", ok, err)
	}
	bad, err := w.mail.TestConnection(w.settingsInput("wrong"))
	if err != nil || bad.OK || bad.Problem != "auth" || bad.Message == "" {
		t.Fatalf("wrong password: %+v %v", bad, err)
	}
	if strings.Contains(bad.Message, "wrong") {
		t.Fatalf("the message repeats the password: %q", bad.Message)
	}
	down := w.settingsInput(testIMAPPass)
	down.Port = 1 // nothing listens there
	unreachable, err := w.mail.TestConnection(down)
	if err != nil || unreachable.Problem != "unreachable" {
		t.Fatalf("closed port: %+v %v", unreachable, err)
	}
}

func TestMailInboxReadAndOnlyLinkedEmailsSync(t *testing.T) {
	w := newMailWorld(t)
	w.configure(t)
	htmlID, plainID := w.deliverCorpus(t)
	st, err := w.mail.SyncNow()
	if err != nil {
		t.Fatal(err)
	}
	if st.State != MailIdle || st.Last.Fetched != 2 || st.Last.Scanned != 3 {
		t.Fatalf("status after pull = %+v", st)
	}
	if len(w.events.named("mail:fetched")) != 1 {
		t.Fatalf("mail:fetched events = %d", len(w.events.named("mail:fetched")))
	}
	groups, err := w.mail.Inbox(0)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 1 || groups[0].AccountName != "Acme Freight" || len(groups[0].Emails) != 2 || groups[0].Unread != 2 {
		t.Fatalf("inbox = %+v", groups)
	}
	if got := w.outboxIDs(t, notebook.TypeEmail); len(got) != 0 {
		t.Fatalf("pulled emails queued for the hub: %v", got)
	}

	v, err := w.mail.Read(htmlID)
	if err != nil {
		t.Fatal(err)
	}
	assertSafeSrcDoc(t, v)
	if !strings.Contains(v.Text, "500 EUR a month") || !v.HasHTML || v.Email.Unread {
		t.Fatalf("read view = %+v", v)
	}
	if groups, _ = w.mail.Inbox(0); groups[0].Unread != 1 {
		t.Fatalf("read mail still unread: %+v", groups[0])
	}

	if _, err := w.mail.LinkAsEvidence(EmailEvidenceInput{EmailID: htmlID, HypothesisID: w.hyp.ID, Signal: "supports",
		Quote: "We would pay 900 EUR"}); codeOf(err) != notebook.Invalid {
		t.Fatalf("a quote that is not in the email must be refused: %v", err)
	}
	if got := w.outboxIDs(t, notebook.TypeEmail); len(got) != 0 {
		t.Fatalf("a refused link shared the email: %v", got)
	}
	ev, err := w.mail.LinkAsEvidence(EmailEvidenceInput{EmailID: htmlID, HypothesisID: w.hyp.ID, QuestionID: "q1",
		Signal: "supports", Strength: 2, Quote: "pay 500 EUR a\n month", CallID: w.call.ID})
	if err != nil {
		t.Fatal(err)
	}
	if ev.Source != "email" || ev.Quote != "pay 500 EUR a\n month" || ev.AccountID != w.acct.ID || ev.ContactID != w.contact.ID {
		t.Fatalf("evidence = %+v", ev)
	}
	if _, err := w.mail.LinkToCall(plainID, w.call.ID); err != nil {
		t.Fatal(err)
	}
	queued := w.outboxIDs(t, notebook.TypeEmail)
	if len(queued) != 1 || queued[htmlID] == nil {
		t.Fatalf("only the email linked as evidence may sync; outbox has %v", queued)
	}
	for _, f := range queued[htmlID] {
		if !contains([]string{"id", "message_id", "subject", "from", "to", "date", "excerpt", "account_id", "contact_ids", "links"}, f) {
			t.Fatalf("the shared email carries field %q", f)
		}
	}
	if evs := w.outboxIDs(t, notebook.TypeEvidence); evs[ev.ID] == nil {
		t.Fatalf("evidence not queued: %v", evs)
	}
	rows, _ := w.mail.ForAccount(w.acct.ID, 10)
	for _, r := range rows {
		if r.Shared != (r.ID == htmlID) {
			t.Fatalf("row %s shared=%v", r.Subject, r.Shared)
		}
		if r.ID == plainID && !contains(r.Links, w.call.ID) {
			t.Fatalf("call link missing: %+v", r)
		}
	}
	hits, err := w.d.Store.Search(context.Background(), "reconciliation", 10)
	if err != nil || !hasHit(hits, htmlID) {
		t.Fatalf("emails must join search: %+v %v", hits, err)
	}
}

func hasHit(hits []Hit, id string) bool {
	for _, h := range hits {
		if h.ID == id {
			return true
		}
	}
	return false
}

func assertSafeSrcDoc(t *testing.T, v EmailView) {
	t.Helper()
	low := strings.ToLower(v.SrcDoc)
	for _, bad := range []string{"<script", "onerror", "onclick", "evil.example", "<form", "<iframe", "@import", "javascript:"} {
		if strings.Contains(low, bad) {
			t.Fatalf("srcdoc contains %q:\n%s", bad, v.SrcDoc)
		}
	}
	if !strings.Contains(v.SrcDoc, "Content-Security-Policy") || v.CSP != imapsync.CSP || !strings.Contains(html.UnescapeString(v.SrcDoc), "default-src 'none'") {
		t.Fatalf("srcdoc without the strict CSP:\n%s", v.SrcDoc)
	}
}

func TestMailNotRelevantStaysHidden(t *testing.T) {
	w := newMailWorld(t)
	w.configure(t)
	htmlID, plainID := w.deliverCorpus(t)
	w.mail.SyncNow()
	if _, err := w.mail.LinkAsEvidence(EmailEvidenceInput{EmailID: htmlID, HypothesisID: w.hyp.ID, Signal: "supports"}); err != nil {
		t.Fatal(err)
	}
	if err := w.mail.MarkNotRelevant(htmlID); codeOf(err) != notebook.Conflict {
		t.Fatalf("hiding an email that backs evidence: %v", err)
	}
	if err := w.mail.MarkNotRelevant(plainID); err != nil {
		t.Fatal(err)
	}
	w.deliver(t, "INBOX", message("ana@acme.com", testIMAPUser, "Follow-up", "p3@acme.com", "One more thing.", ""))
	if st, _ := w.mail.SyncNow(); st.State != MailIdle {
		t.Fatalf("pull after hiding: %+v", st)
	}
	rows, err := w.mail.ForAccount(w.acct.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == plainID {
			t.Fatalf("hidden email is back: %+v", r)
		}
	}
	if len(rows) != 2 {
		t.Fatalf("rows = %d, want the linked one and the follow-up", len(rows))
	}
	if _, err := w.mail.Read(plainID); codeOf(err) != notebook.NotFound {
		t.Fatalf("reading a hidden email: %v", err)
	}
	hits, _ := w.d.Store.Search(context.Background(), "invoices", 10)
	if hasHit(hits, plainID) {
		t.Fatal("hidden email still in search")
	}
	if q := w.outboxIDs(t, notebook.TypeEmail); q[plainID] != nil {
		t.Fatalf("hiding queued a delete for a local-only email: %v", q)
	}
}

func TestMailOpenLinkOnlyWebAndMailto(t *testing.T) {
	w := newMailWorld(t)
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "fieldnotes://x", "", "https://", "data:text/html,<script>"} {
		if err := w.mail.OpenLink(bad); codeOf(err) != notebook.Invalid {
			t.Errorf("OpenLink(%q) = %v", bad, err)
		}
	}
	for _, good := range []string{"https://acme.com/pricing", "http://acme.com", "mailto:ana@acme.com"} {
		if err := w.mail.OpenLink(good); err != nil {
			t.Errorf("OpenLink(%q) = %v", good, err)
		}
	}
	if len(w.browser.opened) != 3 {
		t.Fatalf("opened %v", w.browser.opened)
	}
}

func TestMailTrackerThrottlesProgress(t *testing.T) {
	ev := &eventLog{}
	tr := NewMailTracker(ev)
	for i := range 1000 {
		tr.Progress(imapsync.Progress{Folder: "INBOX", Stage: "fetching", Done: i, Total: 1000})
	}
	n := len(ev.named("mail:progress"))
	if n < 1 || n > 10 {
		t.Fatalf("%d progress events for 1000 steps in a tight loop", n)
	}
	if s := tr.Status(); s.State != MailSyncing || s.Done != 999 || s.Total != 1000 {
		t.Fatalf("status = %+v", s)
	}
	tr.Pulled(imapsync.Counts{}, notebook.Errorf(notebook.Forbidden, "the server refused the password"))
	if s := tr.Status(); s.State != MailError || s.ErrorCode != "forbidden" || !strings.Contains(s.Message, "refused") {
		t.Fatalf("status after failure = %+v", s)
	}
}
