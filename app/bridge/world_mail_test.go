package bridge

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/imapsync/imaptest"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
)

const (
	testIMAPUser = "rep@myco.example"
	testIMAPPass = "correct horse battery"
)

// eventLog is an Emitter that keeps every event.
type eventLog struct {
	mu     sync.Mutex
	events []loggedEvent
}

type loggedEvent struct {
	name string
	data any
}

func (r *eventLog) Emit(name string, data any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, loggedEvent{name, data})
}

func (r *eventLog) named(name string) []any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []any
	for _, e := range r.events {
		if e.name == name {
			out = append(out, e.data)
		}
	}
	return out
}

// browserRec is a Browser that remembers what it was asked to open.
type browserRec struct {
	mu     sync.Mutex
	opened []string
}

func (b *browserRec) OpenURL(u string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opened = append(b.opened, u)
}

// pullNow is a MailControl that pulls synchronously on SyncNow, with the
// real adapter and the saved settings, so tests need no goroutines. The
// window's own runner (app/desktop) is tested there.
type pullNow struct {
	t     *testing.T
	md    *MailDeps
	mu    sync.Mutex
	calls int
}

func (p *pullNow) Apply(imapsync.Settings, bool) {}
func (p *pullNow) Cancel()                       {}
func (p *pullNow) SyncNow() {
	p.mu.Lock()
	p.calls++
	p.mu.Unlock()
	ctx := context.Background()
	s, _, err := mailstore.LoadSettings(ctx, p.md.Store, p.md.Secrets)
	if err != nil {
		p.t.Errorf("load settings: %v", err)
		return
	}
	s.Timeout = 5 * time.Second
	c, err := imapsync.PullOnce(ctx, s, p.md.Store, p.md.Store, p.md.Tracker.Progress)
	p.md.Tracker.Pulled(c, err)
}

// mailWorld is a real in-memory store with an account, a contact, a
// hypothesis and a call, a Mail area over it, and go-imap's in-memory IMAP
// server on 127.0.0.1:0.
type mailWorld struct {
	st      *store.Store
	d       *Deps
	mail    *Mail
	events  *eventLog
	browser *browserRec
	imap    *imaptest.MemServer
	acct    notebook.Account
	contact notebook.Contact
	hyp     notebook.Hypothesis
	call    notebook.Call
}

func newMailWorld(t *testing.T) *mailWorld {
	t.Helper()
	t.Setenv("FIELDNOTES_NO_KEYRING", "1") // secrets fall back to the store's encrypted local space
	st, err := store.Open(store.Options{InMemory: true, Author: "rep"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &mailWorld{st: st, events: &eventLog{}, browser: &browserRec{}}
	w.seed(t)
	w.d = &Deps{Store: StoreBackend(st), Emit: w.events, Author: "rep", Role: notebook.AudienceSales,
		Now: func() time.Time { return time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC) }}
	md := &MailDeps{Store: mailstore.New(st), Secrets: secrets.Vault{Scope: t.TempDir(), Fallback: st},
		Tracker: NewMailTracker(w.events), Browser: w.browser}
	md.Control = &pullNow{t: t, md: md}
	w.d.Mail = md
	w.mail = NewMail(w.d)
	w.startIMAP(t)
	return w
}

func (w *mailWorld) seed(t *testing.T) {
	t.Helper()
	w.acct = notebook.Account{ID: notebook.NewID(), Name: "Acme Freight", Domains: []string{"acme.com"}, Segment: "smb", Stage: notebook.StageCustomer}
	w.contact = notebook.Contact{ID: notebook.NewID(), Email: "ana@acme.com", Name: "Ana Lopez", AccountID: w.acct.ID}
	w.hyp = notebook.Hypothesis{ID: notebook.NewID(), Statement: "SMB finance teams pay for automatic reconciliation", Status: notebook.StatusActive,
		Rank: 1, Segments: []string{"smb"}, Questions: []notebook.Question{{ID: "q1", Text: "Would you pay for it?", Kind: notebook.AnswerSignal}}}
	w.call = notebook.Call{ID: notebook.NewID(), AccountID: w.acct.ID, StartedAt: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC),
		Kind: notebook.CallDiscovery, Title: "Discovery", Author: "rep", ContactIDs: []string{w.contact.ID}}
	for _, r := range []notebook.Record{&w.acct, &w.contact, &w.hyp, &w.call} {
		if _, err := w.st.Save(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	w.drainOutbox(t) // the seed is not what the tests look at
}

// drainOutbox acknowledges everything queued so far, as a sync would.
func (w *mailWorld) drainOutbox(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	muts, err := w.st.Outbox(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(muts) > 0 {
		if err := w.st.AckOutbox(ctx, muts[len(muts)-1].MutationID); err != nil {
			t.Fatal(err)
		}
	}
}

func (w *mailWorld) startIMAP(t *testing.T) {
	t.Helper()
	w.imap = imaptest.StartMem(t, imaptest.MemOptions{Username: testIMAPUser, Password: testIMAPPass})
}

func (w *mailWorld) settingsInput(password string) MailSettingsInput {
	return MailSettingsInput{Host: w.imap.Host, Port: w.imap.Port, Security: "none", Username: testIMAPUser, Password: password, Folders: []string{"INBOX", "Sent"}}
}

func (w *mailWorld) deliver(t *testing.T, folder, raw string) {
	t.Helper()
	w.imap.Deliver(t, folder, []byte(raw))
}

// message builds a raw RFC 5322 message; html "" makes it text only.
func message(from, to, subject, msgID, text, html string) string {
	head := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <%s>\r\nDate: Fri, 20 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n", from, to, subject, msgID)
	if html == "" {
		return head + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
	}
	return head + "Content-Type: multipart/alternative; boundary=b1\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n" +
		"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--b1--\r\n"
}

// outboxIDs lists the record ids waiting to sync, by type.
func (w *mailWorld) outboxIDs(t *testing.T, typ notebook.Type) map[string][]string {
	t.Helper()
	muts, err := w.st.Outbox(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, m := range muts {
		if m.Type == typ {
			for f := range m.Fields {
				out[m.ID] = append(out[m.ID], f)
			}
			if m.Fields == nil {
				out[m.ID] = append(out[m.ID], m.Op)
			}
		}
	}
	return out
}

func codeOf(err error) notebook.Code { return notebook.ErrorCode(err) }
