package imapsync

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldnotes/app/imapsync/imaptest"
)

// cutProxy forwards 127.0.0.1 TCP to a server and, when armed, cuts every
// connection once the server has sent cutAfter bytes: a server (or a Wi-Fi
// link) dying in the middle of a FETCH.
type cutProxy struct {
	ln       net.Listener
	target   string
	cutAfter atomic.Int64 // 0 = never
	cuts     atomic.Int32
	lastConn atomic.Int64 // bytes the server sent on the last finished connection
	wg       sync.WaitGroup
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target}
	go p.accept()
	t.Cleanup(func() { ln.Close(); p.wg.Wait() })
	return p
}

func (p *cutProxy) port() int { return p.ln.Addr().(*net.TCPAddr).Port }

func (p *cutProxy) accept() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.wg.Add(2)
		go func() { defer p.wg.Done(); io.Copy(server, client); server.Close() }()
		go func() { defer p.wg.Done(); p.serverToClient(client, server) }()
	}
}

func (p *cutProxy) serverToClient(client, server net.Conn) {
	defer client.Close()
	defer server.Close()
	var sent int64
	buf := make([]byte, 16<<10)
	for {
		n, err := server.Read(buf)
		if n > 0 {
			limit := p.cutAfter.Load()
			if limit > 0 && sent+int64(n) > limit {
				client.Write(buf[:limit-sent])
				p.cuts.Add(1)
				return
			}
			if _, werr := client.Write(buf[:n]); werr != nil {
				return
			}
			sent += int64(n)
		}
		if err != nil {
			p.lastConn.Store(sent)
			return
		}
	}
}

// TestDovecotDropMidFetch: the connection dies in the middle of the body
// FETCH; the next pull completes with no duplicates and no losses.
func TestDovecotDropMidFetch(t *testing.T) {
	d := needDovecot(t)
	user := d.NewUser(t, "drop")
	const n = 300
	for i := 0; i < n; i++ {
		d.Deliver(t, user, "INBOX", bulkMessage(i))
	}
	d.Resync(t, user)
	proxy := startCutProxy(t, d.Addr())
	s := d.settings(user)
	s.Port = proxy.port()
	s.Folders = []string{"INBOX"}
	// Measure a whole pull, then cut later ones at fractions of it:
	// envelopes come first (~40% of the bytes), then the bodies.
	if _, err := PullOnce(t.Context(), s, testDirectory, NewMemMailbox(), nil); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	whole := proxy.lastConn.Load()
	for _, percent := range []int64{20, 60, 90} {
		t.Run(fmt.Sprintf("cut at %d%%", percent), func(t *testing.T) {
			proxy.cutAfter.Store(whole * percent / 100)
			mb := NewMemMailbox()
			c, err := PullOnce(t.Context(), s, testDirectory, mb, nil)
			if err == nil || !errorsIs(err, ErrUnreachable) {
				t.Fatalf("the cut did not surface as a lost connection: %+v %v", c, err)
			}
			t.Logf("first pull stored %d bodies before the cut: %v", c.Fetched, err)

			proxy.cutAfter.Store(0)
			c, err = PullOnce(t.Context(), s, testDirectory, mb, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := len(mb.Emails()); got != countRelevantBulk(n) {
				t.Errorf("%d emails after resume, want %d (%+v)", got, countRelevantBulk(n), c)
			}
			assertOneLocationEach(t, mb, "INBOX", 0)
			for _, e := range mb.Emails() { // no half message stored from the cut FETCH
				body, err := GetBody(t.Context(), mb, e.ID)
				if err != nil || strings.Count(body.Text, "Line ") != 20 {
					t.Errorf("body of %q incomplete: %d lines, %v", e.Subject, strings.Count(body.Text, "Line "), err)
				}
			}
			c, err = PullOnce(t.Context(), s, testDirectory, mb, nil)
			if err != nil || c.Scanned != 0 || c.Fetched != 0 {
				t.Errorf("third pull should be a no-op: %+v %v", c, err)
			}
		})
	}
}

// TestDovecotRestart: the server restarts between and during pulls; the
// puller reconnects and loses nothing.
func TestDovecotRestart(t *testing.T) {
	imaptest.SkipWithoutDovecot(t)
	own, err := imaptest.StartDovecot("") // its own instance: the test stops it
	if err != nil {
		t.Fatal(err)
	}
	defer own.Destroy()
	d := dovecot{own}
	user := d.NewUser(t, "restart")
	for i := 0; i < 50; i++ {
		d.Deliver(t, user, "INBOX", bulkMessage(i))
	}
	d.Resync(t, user)
	mb := NewMemMailbox()
	p := &Puller{Settings: d.settings(user), Directory: testDirectory, Mailbox: mb}
	defer p.Close()
	if _, err := p.Pull(t.Context()); err != nil {
		t.Fatal(err)
	}
	d.Stop()
	if c, err := net.DialTimeout("tcp", d.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatalf("Dovecot still listens after stop; log: %s", d.Log())
	}
	// An already-open connection may outlive the master for a while; a new
	// one must fail in words.
	if _, err := PullOnce(t.Context(), d.settings(user), testDirectory, NewMemMailbox(), nil); !errorsIs(err, ErrUnreachable) {
		t.Errorf("pull while the server is down: %v", err)
	}
	p.Pull(t.Context()) // whatever the old connection does, the puller must recover below
	for i := 50; i < 60; i++ {
		d.Deliver(t, user, "INBOX", bulkMessage(i))
	}
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	d.Resync(t, user)
	c, err := p.Pull(t.Context())
	if err != nil {
		t.Fatalf("pull after restart: %v", err)
	}
	if c.Scanned != 10 || len(mb.Emails()) != countRelevantBulk(60) {
		t.Errorf("after restart: %+v, %d emails, want %d", c, len(mb.Emails()), countRelevantBulk(60))
	}
	assertOneLocationEach(t, mb, "INBOX", 0)
}
