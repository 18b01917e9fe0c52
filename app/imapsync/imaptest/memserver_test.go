package imaptest

import (
	"crypto/tls"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// TestMemServer: a delivered message is there for a second client, with the
// internal date it was given; a wrong password is refused.
func TestMemServer(t *testing.T) {
	s := StartMem(t, MemOptions{})
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := s.Append("Sent", []byte("Subject: hi\r\n\r\nhello\r\n"), at); err != nil {
		t.Fatal(err)
	}
	c := s.Client(t)
	data, err := c.Status("Sent", &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil || data.NumMessages == nil || *data.NumMessages != 1 {
		t.Fatalf("Sent: %+v, %v", data, err)
	}
	bad, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bad.Close()
	if err := bad.Login(s.Username, "wrong").Wait(); err == nil {
		t.Error("a wrong password logged in")
	}
}

// TestMemServerTLS: with a certificate the listener speaks implicit TLS.
func TestMemServerTLS(t *testing.T) {
	cert, err := SelfSignedCert()
	if err != nil {
		t.Fatal(err)
	}
	s := StartMem(t, MemOptions{TLS: &cert, Folders: []string{"INBOX"}})
	c, err := imapclient.DialTLS(s.Addr, &imapclient.Options{TLSConfig: &tls.Config{InsecureSkipVerify: true}}) // a self-signed test certificate
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(s.Username, s.Password).Wait(); err != nil {
		t.Fatal(err)
	}
}
