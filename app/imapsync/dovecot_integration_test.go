package imapsync

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

func TestDovecotConnection(t *testing.T) {
	d := needDovecot(t)
	user := d.NewUser(t, "conn")
	folders, err := TestConnection(t.Context(), d.settings(user))
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) != 2 || folders[0] != "INBOX" || folders[1] != "Sent" {
		t.Errorf("default folders from SPECIAL-USE = %v, want [INBOX Sent]", folders)
	}
	bad := d.settings(user)
	bad.Password = "nope"
	if _, err := TestConnection(t.Context(), bad); !errors.Is(err, ErrAuth) {
		t.Errorf("wrong password against Dovecot: %v", err)
	}
	for _, sec := range []Security{SecurityTLS, SecurityStartTLS} {
		trusted := d.tlsSettings(user, sec)
		if folders, err := TestConnection(t.Context(), trusted); err != nil || len(folders) != 2 {
			t.Errorf("%s with a trusted certificate: %v %v", sec, folders, err)
		}
		if _, err := PullOnce(t.Context(), trusted, testDirectory, NewMemMailbox(), nil); err != nil {
			t.Errorf("pull over %s: %v", sec, err)
		}
		untrusted := trusted
		untrusted.TLSConfig = nil // the system roots do not know the test certificate
		untrusted.Host = "localhost"
		if _, err := TestConnection(t.Context(), untrusted); !errors.Is(err, ErrTLS) || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("%s with an untrusted certificate: %v", sec, err)
		}
	}
	plainToTLSPort := d.settings(user)
	plainToTLSPort.Security = SecurityStartTLS
	plainToTLSPort.Port = d.TLSPort
	start := time.Now()
	_, err = TestConnection(t.Context(), plainToTLSPort)
	t.Logf("plain connection to the TLS port: %v after %v", err, time.Since(start))
	if !errors.Is(err, ErrTLS) && !errors.Is(err, ErrProtocol) && !errors.Is(err, ErrUnreachable) {
		t.Errorf("STARTTLS against the implicit-TLS port: %v", err)
	}
}

// TestDovecotCorpus runs the whole nasty corpus (including what the
// in-memory server cannot serve) through a real server, then the
// CONDSTORE paths: a no-change resync, CHANGEDSINCE flags, expunge.
func TestDovecotCorpus(t *testing.T) {
	d := needDovecot(t)
	user := d.NewUser(t, "corpus")
	corpus := nastyCorpus()
	for _, cm := range corpus {
		d.Deliver(t, user, cm.folder, cm.raw)
	}
	d.Resync(t, user)
	mb := NewMemMailbox()
	s := d.settings(user)
	c, err := PullOnce(t.Context(), s, testDirectory, mb, nil)
	if err != nil {
		t.Fatal(err)
	}
	checkCorpusPulled(t, mb, corpus, c)
	if e, err := GetBody(t.Context(), mb, EmailID("c5b@acme.com")); err != nil || e.Text == "" {
		t.Errorf("message with a malformed header line: %+v %v", e, err)
	}

	c, err = PullOnce(t.Context(), s, testDirectory, mb, nil)
	if err != nil || c.Scanned != 0 || c.Fetched != 0 || c.FlagChanges != 0 {
		t.Fatalf("no-change resync: %+v %v", c, err)
	}

	phone, err := imapclient.DialInsecure(d.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer phone.Close()
	if err := phone.Login(user, dovePass).Wait(); err != nil {
		t.Fatal(err)
	}
	if _, err := phone.Select("INBOX", nil).Wait(); err != nil {
		t.Fatal(err)
	}
	if err := phone.Store(imap.UIDSetNum(1), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagSeen}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := phone.Store(imap.UIDSetNum(2), &imap.StoreFlags{Op: imap.StoreFlagsAdd, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close(); err != nil {
		t.Fatal(err)
	}
	if err := phone.Expunge().Close(); err != nil {
		t.Fatal(err)
	}
	c, err = PullOnce(t.Context(), s, testDirectory, mb, nil)
	if err != nil || c.FlagChanges != 1 || c.Expunged != 1 || c.Scanned != 0 {
		t.Fatalf("CHANGEDSINCE flags and expunge: %+v %v", c, err)
	}
	if ms, _ := GetMessageState(t.Context(), mb, EmailID("c1@acme.com")); !ms.Seen {
		t.Errorf("read state not picked up: %+v", ms)
	}
}

// TestDovecotUIDValidityChange: the server renumbers INBOX; the next pull
// re-scans it, fetches nothing again and duplicates nothing.
func TestDovecotUIDValidityChange(t *testing.T) {
	d := needDovecot(t)
	user := d.NewUser(t, "uidv")
	for i := 0; i < 40; i++ {
		d.Deliver(t, user, "INBOX", bulkMessage(i))
	}
	d.Resync(t, user)
	mb := NewMemMailbox()
	s := d.settings(user)
	if _, err := PullOnce(t.Context(), s, testDirectory, mb, nil); err != nil {
		t.Fatal(err)
	}
	before := len(mb.Emails())
	d.doveadm(t, "mailbox", "update", "-u", user, "--uid-validity", "4242", "INBOX")
	d.Deliver(t, user, "INBOX", bulkMessage(100)) // and one new relevant message
	d.Resync(t, user)
	saves := mb.Saves()
	c, err := PullOnce(t.Context(), s, testDirectory, mb, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Rescanned != 1 || c.Fetched != 1 || mb.Saves() != saves+1 || len(mb.Emails()) != before+1 {
		t.Errorf("after UIDVALIDITY change: %+v, saves %d→%d, emails %d→%d", c, saves, mb.Saves(), before, len(mb.Emails()))
	}
	assertOneLocationEach(t, mb, "INBOX", 4242)
}

func assertOneLocationEach(t *testing.T, mb *MemMailbox, folder string, uidValidity uint32) {
	t.Helper()
	for _, e := range mb.Emails() {
		ms, err := GetMessageState(t.Context(), mb, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range ms.Locations {
			if l.Folder == folder && (uidValidity == 0 || l.UIDValidity == uidValidity) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("email %s has %d current locations in %s: %+v", e.Subject, n, folder, ms.Locations)
		}
	}
}

// TestDovecotServeIdle: the Service idles on a real Dovecot and pulls as
// soon as a message is appended by another client.
func TestDovecotServeIdle(t *testing.T) {
	d := needDovecot(t)
	user := d.NewUser(t, "idle")
	mb := NewMemMailbox()
	svc := NewService(d.settings(user), testDirectory, mb, nil, nil)
	svc.PollEvery = time.Minute
	pulled := make(chan Counts, 10)
	svc.OnPulled = func(c Counts, err error) {
		if err != nil {
			t.Errorf("pull: %v", err)
		}
		pulled <- c
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- svc.Serve(ctx) }()
	<-pulled
	time.Sleep(200 * time.Millisecond) // let it enter IDLE
	other, err := imapclient.DialInsecure(d.Addr(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Login(user, dovePass).Wait(); err != nil {
		t.Fatal(err)
	}
	raw := msg([]string{"From: ana@acme.com", "To: rep@myco.example", "Subject: pushed", "Message-ID: <push1@acme.com>"}, "pushed by IDLE")
	app := other.Append("INBOX", int64(len(raw)), nil)
	app.Write(raw)
	app.Close()
	if _, err := app.Wait(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	select {
	case c := <-pulled:
		if c.Fetched != 1 {
			t.Errorf("IDLE pull: %+v", c)
		}
		t.Logf("IDLE wake-up to stored email: %v", time.Since(start))
	case <-time.After(15 * time.Second):
		t.Fatal("Dovecot's IDLE notification did not wake the service")
	}
	cancel()
	<-done
}
