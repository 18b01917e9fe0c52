package imapsync

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"

	"fieldnotes/app/notebook"
)

func corpusExpectations(corpus []corpusMessage) (relevantMsgs, uniqueEmails int) {
	seen := map[string]bool{}
	for _, cm := range corpus {
		if !cm.relevant {
			continue
		}
		relevantMsgs++
		p, _ := ParseMessage(strings.NewReader(string(cm.raw)))
		key := p.MessageID
		if key == "" {
			key = cm.name
		}
		if !seen[key] {
			seen[key] = true
			uniqueEmails++
		}
	}
	return
}

// checkCorpusPulled asserts what a first pull of nastyCorpus must store:
// every relevant message once, nothing irrelevant, readable bodies.
func checkCorpusPulled(t *testing.T, mb *MemMailbox, corpus []corpusMessage, c Counts) {
	t.Helper()
	relevant, unique := corpusExpectations(corpus)
	if c.Scanned != len(corpus) || c.Relevant != relevant || c.Fetched != unique || c.Skipped != len(corpus)-unique {
		t.Errorf("counts %+v; want scanned %d relevant %d fetched %d skipped %d", c, len(corpus), relevant, unique, len(corpus)-unique)
	}
	emails := mb.Emails()
	if len(emails) != unique {
		t.Fatalf("%d emails stored, want %d", len(emails), unique)
	}
	byMsgID := map[string]notebook.Email{}
	for _, e := range emails {
		if err := e.Validate(); err != nil {
			t.Errorf("stored email invalid: %v", err)
		}
		if strings.Contains(e.Subject, "Ticket") || strings.Contains(e.Subject, "Sale") || strings.Contains(e.Subject, "not acme") || strings.Contains(e.Subject, "relay") {
			t.Errorf("irrelevant message stored: %q", e.Subject)
		}
		byMsgID[e.MessageID] = e
		body, err := GetBody(t.Context(), mb, e.ID)
		if err != nil {
			t.Errorf("no body for %s: %v", e.Subject, err)
		}
		if strings.Contains(body.HTML, "<script") {
			t.Errorf("unsanitised HTML stored")
		}
	}
	if e := byMsgID["c5@initech.com"]; e.AccountID != "acc-initech" {
		t.Errorf("From without angle brackets: %+v", e)
	}
	if e := byMsgID["c11@else.example"]; e.AccountID != "acc-globex" || len(e.ContactIDs) != 1 {
		t.Errorf("contact in Cc: %+v", e)
	}
	if e := byMsgID["c3@eu.acme.com"]; e.AccountID != "acc-acme" {
		t.Errorf("subdomain: %+v", e)
	}
	ms, err := GetMessageState(t.Context(), mb, EmailID("c1@acme.com"))
	if err != nil || len(ms.Locations) != 2 {
		t.Errorf("message in INBOX and Sent: state %+v, %v; want two locations", ms, err)
	}
	body, _ := GetBody(t.Context(), mb, EmailID("c3@eu.acme.com"))
	if len(body.Attachments) != 1 || body.Attachments[0].Size < 1<<20 {
		t.Errorf("large attachment metadata: %+v", body.Attachments)
	}
}

func TestPullMemServer(t *testing.T) {
	srv := startMemServer(t, nil)
	corpus := srv.appendCorpus(t)
	mb := NewMemMailbox()
	var progress []Progress
	var mu sync.Mutex
	c, err := PullOnce(t.Context(), srv.settings(), testDirectory, mb, func(p Progress) {
		mu.Lock()
		progress = append(progress, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	checkCorpusPulled(t, mb, corpus, c)
	_, unique := corpusExpectations(corpus)
	if len(progress) == 0 || progress[len(progress)-1].Stage != "done" {
		t.Errorf("progress: %+v", progress)
	}

	// Nothing changed: no envelope scanned, nothing saved.
	saves := mb.Saves()
	c, err = PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil)
	if err != nil || c.Scanned != 0 || c.Fetched != 0 || mb.Saves() != saves {
		t.Fatalf("no-change resync: %+v, %v, saves %d→%d", c, err, saves, mb.Saves())
	}

	// One new relevant message, one irrelevant.
	srv.Deliver(t, "INBOX", msg([]string{"From: ana@acme.com", "Subject: new", "Message-ID: <new1@acme.com>"}, "new"))
	srv.Deliver(t, "INBOX", msg([]string{"From: x@newco.example", "Subject: from newco", "Message-ID: <newco1@newco.example>"}, "hello from newco"))
	c, err = PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil)
	if err != nil || c.Scanned != 2 || c.Fetched != 1 || c.Skipped != 1 {
		t.Fatalf("incremental: %+v, %v", c, err)
	}

	// A phone reads a message and deletes another.
	phone := srv.Client(t)
	if _, err := phone.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := phone.Store(imap.SeqSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := phone.Store(imap.SeqSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := phone.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	c, err = PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil)
	if err != nil || c.FlagChanges != 1 || c.Expunged != 1 || c.Fetched != 0 {
		t.Fatalf("flags and expunge: %+v, %v", c, err)
	}
	if ms, _ := GetMessageState(t.Context(), mb, EmailID("c1@acme.com")); !ms.Seen {
		t.Errorf("read state not picked up: %+v", ms)
	}
	if ms, _ := GetMessageState(t.Context(), mb, EmailID("c2@acme.com")); len(ms.Locations) != 0 {
		t.Errorf("expunged location kept: %+v", ms)
	}
	if len(mb.Emails()) != unique+1 {
		t.Errorf("an expunged email must stay in the notebook; have %d", len(mb.Emails()))
	}

	// The rep adds the account NewCo: only its one message is fetched, no
	// envelope is scanned again.
	dir := testDirectory
	dir.AccountList = append(append([]notebook.Account{}, dir.AccountList...), notebook.Account{ID: "acc-newco", Name: "NewCo", Domains: []string{"newco.example"}})
	c, err = PullOnce(t.Context(), srv.settings(), dir, mb, nil)
	if err != nil || c.Scanned != 0 || c.Fetched != 1 || c.Relevant != 1 {
		t.Fatalf("re-evaluation after adding an account: %+v, %v", c, err)
	}
}

func TestUIDValidityChangeMemServer(t *testing.T) {
	srv := startMemServer(t, nil)
	corpus := srv.appendCorpus(t)
	mb := NewMemMailbox()
	if _, err := PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil); err != nil {
		t.Fatal(err)
	}
	_, unique := corpusExpectations(corpus)
	hidden := EmailID("c2@acme.com")
	if err := MarkNotRelevant(t.Context(), mb, hidden); err != nil {
		t.Fatal(err)
	}
	// The server rebuilds INBOX: same messages, new UIDVALIDITY.
	if err := srv.User().Delete("INBOX"); err != nil {
		t.Fatal(err)
	}
	if err := srv.User().Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	for _, cm := range corpus {
		if cm.folder == "INBOX" {
			srv.Deliver(t, "INBOX", cm.raw)
		}
	}
	saves := mb.Saves()
	c, err := PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rescanned != 1 || c.Fetched != 0 || mb.Saves() != saves {
		t.Errorf("re-scan after UIDVALIDITY change fetched again: %+v (saves %d→%d)", c, saves, mb.Saves())
	}
	if len(mb.Emails()) != unique {
		t.Errorf("%d emails after re-scan, want %d", len(mb.Emails()), unique)
	}
	ms, _ := GetMessageState(t.Context(), mb, hidden)
	if !ms.Hidden {
		t.Errorf("not-relevant mark lost: %+v", ms)
	}
	if _, err := GetBody(t.Context(), mb, hidden); !notebook.IsCode(err, notebook.NotFound) {
		t.Errorf("hidden email's body still stored: %v", err)
	}
}

func TestTestConnectionErrors(t *testing.T) {
	srv := startMemServer(t, nil)
	s := srv.settings()
	if folders, err := TestConnection(t.Context(), s); err != nil || len(folders) != 2 {
		t.Fatalf("good settings: %v %v", folders, err)
	}

	bad := s
	bad.Password = "wrong"
	_, err := TestConnection(t.Context(), bad)
	if !errors.Is(err, ErrAuth) || !notebook.IsCode(err, notebook.Forbidden) || strings.Contains(err.Error(), "wrong") {
		t.Errorf("wrong password: %v", err)
	}

	tlsToPlain := s
	tlsToPlain.Security = SecurityTLS
	if _, err := TestConnection(t.Context(), tlsToPlain); !errors.Is(err, ErrTLS) {
		t.Errorf("TLS to a plain port: %v", err)
	}

	cert := selfSignedCert(t)
	tlsSrv := startMemServer(t, &cert)
	untrusted := tlsSrv.settings()
	untrusted.Security = SecurityTLS
	if _, err := TestConnection(t.Context(), untrusted); !errors.Is(err, ErrTLS) || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("untrusted certificate: %v", err)
	}

	ln := closedPort(t)
	unreachable := s
	unreachable.Port = ln
	if _, err := TestConnection(t.Context(), unreachable); !errors.Is(err, ErrUnreachable) {
		t.Errorf("closed port: %v", err)
	}

	clear := s
	clear.Host = "imap.example.com"
	if _, err := TestConnection(t.Context(), clear); !notebook.IsCode(err, notebook.Invalid) || !strings.Contains(err.Error(), "security") {
		t.Errorf("clear text to a remote host must be refused: %v", err)
	}
}

func TestPasswordNeverInErrorsOrStrings(t *testing.T) {
	s := Settings{Host: "127.0.0.1", Port: 1, Security: SecurityNone, Username: "u", Password: "s3cret-pw"}
	_, err := TestConnection(t.Context(), s)
	if err == nil || strings.Contains(err.Error(), "s3cret") || strings.Contains(s.String(), "s3cret") {
		t.Errorf("password leaked: %v / %s", err, s)
	}
}

func TestCancelledPull(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.appendCorpus(t)
	ctx, cancel := context.WithCancel(t.Context())
	mb := NewMemMailbox()
	calls := 0
	_, err := PullOnce(ctx, srv.settings(), testDirectory, mb, func(p Progress) {
		if p.Stage == "fetching" {
			calls++
			cancel()
		}
	})
	if err == nil {
		t.Fatalf("cancelled pull returned no error")
	}
	// The next pull completes what was left, without duplicates.
	c, err := PullOnce(t.Context(), srv.settings(), testDirectory, mb, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, unique := corpusExpectations(memCorpus())
	if len(mb.Emails()) != unique {
		t.Errorf("after resume: %d emails, want %d (%+v)", len(mb.Emails()), unique, c)
	}
}

func TestServeIdleAndNudge(t *testing.T) {
	srv := startMemServer(t, nil)
	mb := NewMemMailbox()
	svc := NewService(srv.settings(), testDirectory, mb, nil, nil)
	svc.PollEvery = time.Minute // only IDLE or a nudge may wake it
	pulled := make(chan Counts, 10)
	svc.OnPulled = func(c Counts, err error) {
		if err != nil {
			t.Errorf("pull: %v", err)
		}
		pulled <- c
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() { done <- svc.Serve(ctx) }()
	<-pulled // first pull, empty mailbox
	time.Sleep(100 * time.Millisecond)
	srv.Deliver(t, "INBOX", msg([]string{"From: ana@acme.com", "Subject: idle", "Message-ID: <idle1@acme.com>"}, "pushed"))
	select {
	case c := <-pulled:
		if c.Fetched != 1 {
			t.Errorf("IDLE wake-up pull: %+v", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("IDLE did not wake the service")
	}
	svc.ScheduleSync()
	select {
	case <-pulled:
	case <-time.After(10 * time.Second):
		t.Fatal("ScheduleSync did not wake the service")
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Serve returned %v", err)
	}
}

func closedPort(t *testing.T) int {
	ln, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*netTCPAddr).Port
	ln.Close()
	return port
}

func memCorpus() []corpusMessage {
	var out []corpusMessage
	for _, cm := range nastyCorpus() {
		if !cm.notOnMemServer {
			out = append(out, cm)
		}
	}
	return out
}

func TestMissingFolderIsNamedAndOthersStillSync(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.Deliver(t, "INBOX", msg([]string{"From: ana@acme.com", "Subject: hi", "Message-ID: <m1@acme.com>"}, "hi"))
	s := srv.settings()
	s.Folders = []string{"Archive", "INBOX"}
	mb := NewMemMailbox()
	c, err := PullOnce(t.Context(), s, testDirectory, mb, nil)
	if !notebook.IsCode(err, notebook.NotFound) || !strings.Contains(err.Error(), "Archive") || c.Fetched != 1 {
		t.Errorf("missing folder: %+v %v", c, err)
	}
}

func TestPullerReconnectsAfterServerDropsIdleConnection(t *testing.T) {
	srv := startMemServer(t, nil)
	srv.appendCorpus(t)
	p := &Puller{Settings: srv.settings(), Directory: testDirectory, Mailbox: NewMemMailbox()}
	defer p.Close()
	if _, err := p.Pull(t.Context()); err != nil {
		t.Fatal(err)
	}
	p.sess.c.Close() // as if a NAT box forgot the connection
	srv.Deliver(t, "INBOX", msg([]string{"From: ana@acme.com", "Subject: later", "Message-ID: <later@acme.com>"}, "later"))
	c, err := p.Pull(t.Context())
	if err != nil || c.Fetched != 1 {
		t.Errorf("pull on a dead kept connection: %+v %v", c, err)
	}
}
