package imapsync

import (
	"crypto/tls"
	"testing"
	"time"

	"fieldnotes/app/imapsync/imaptest"
)

const (
	memUser = imaptest.MemUser
	memPass = imaptest.MemPassword
)

// memServer is imaptest's in-memory IMAP server, with the Settings this
// package's tests connect with.
type memServer struct{ *imaptest.MemServer }

func startMemServer(t testing.TB, tlsCert *tls.Certificate) memServer {
	t.Helper()
	return memServer{imaptest.StartMem(t, imaptest.MemOptions{TLS: tlsCert})}
}

func (s memServer) settings() Settings {
	return Settings{Host: s.Host, Port: s.Port, Security: SecurityNone, Username: memUser, Password: memPass,
		Folders: []string{"INBOX", "Sent"}, Timeout: 5 * time.Second}
}

func (s memServer) appendCorpus(t testing.TB) []corpusMessage {
	var corpus []corpusMessage
	for _, cm := range nastyCorpus() {
		if !cm.notOnMemServer {
			s.Deliver(t, cm.folder, cm.raw)
			corpus = append(corpus, cm)
		}
	}
	return corpus
}

func selfSignedCert(t testing.TB) tls.Certificate {
	t.Helper()
	c, err := imaptest.SelfSignedCert()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
