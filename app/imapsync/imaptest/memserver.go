package imaptest

import (
	"bytes"
	"crypto/tls"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// The MemServer's user unless MemOptions names another.
const (
	MemUser     = "rep@myco.example"
	MemPassword = "correct horse"
)

// MemOptions shape a MemServer; the zero value is MemUser/MemPassword with
// INBOX and Sent over plain TCP.
type MemOptions struct {
	Username, Password string
	Folders            []string         // created empty; default INBOX and Sent
	TLS                *tls.Certificate // implicit TLS on the listener when set
	// FreshUIDValidity burns a time-dependent number of UIDVALIDITY values
	// first (the server counts from 1), so an app that met an earlier server
	// re-scans instead of seeing "no change".
	FreshUIDValidity bool
}

// MemServer is go-imap's in-memory IMAP server listening on 127.0.0.1.
type MemServer struct {
	Addr               string // host:port
	Host               string
	Port               int
	Username, Password string
	user               *imapmemserver.User
	srv                *imapserver.Server
}

// NewMemServer starts a server; Close stops it. Tests use StartMem.
func NewMemServer(o MemOptions) (*MemServer, error) {
	if o.Username == "" {
		o.Username, o.Password = MemUser, MemPassword
	}
	if o.Folders == nil {
		o.Folders = []string{"INBOX", "Sent"}
	}
	user := imapmemserver.NewUser(o.Username, o.Password)
	if o.FreshUIDValidity {
		for i := time.Now().UnixNano()%1000 + 1; i > 0; i-- {
			if err := user.Create("scratch", nil); err != nil {
				return nil, err
			}
			if err := user.Delete("scratch"); err != nil {
				return nil, err
			}
		}
	}
	for _, name := range o.Folders {
		if err := user.Create(name, nil); err != nil {
			return nil, err
		}
	}
	mem := imapmemserver.New()
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		InsecureAuth: true, // plaintext login on 127.0.0.1 only
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if o.TLS != nil {
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{*o.TLS}})
	}
	go func() { _ = srv.Serve(ln) }() // returns when Close closes the listener
	s := &MemServer{Addr: ln.Addr().String(), Username: o.Username, Password: o.Password, user: user, srv: srv}
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	return s, nil
}

// StartMem starts a server that stops when the test ends.
func StartMem(t testing.TB, o MemOptions) *MemServer {
	t.Helper()
	s, err := NewMemServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Close stops the server and drops its connections.
func (s *MemServer) Close() error { return s.srv.Close() }

// User is the server's one mailbox user, for what Append does not cover
// (deleting or re-creating a folder under a connected client).
func (s *MemServer) User() *imapmemserver.User { return s.user }

// Append stores a raw RFC 5322 message in folder with the given internal
// date (zero: now).
func (s *MemServer) Append(folder string, raw []byte, at time.Time) error {
	_, err := s.user.Append(folder, bytes.NewReader(raw), &imap.AppendOptions{Time: at})
	return err
}

// Deliver appends raw messages to folder or fails the test.
func (s *MemServer) Deliver(t testing.TB, folder string, raws ...[]byte) {
	t.Helper()
	for _, raw := range raws {
		if err := s.Append(folder, raw, time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
}

// Client is a second, independent logged-in connection (a "phone"
// changing flags or deleting messages), closed when the test ends.
func (s *MemServer) Client(t testing.TB) *imapclient.Client {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(s.Username, s.Password).Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}
