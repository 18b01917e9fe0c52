package imapsync

import (
	"log/slog"
	"os"
	"testing"
	"time"

	"fieldnotes/app/imapsync/imaptest"
)

// dovecot is the shared throwaway Dovecot of imaptest, with the Settings
// this package's tests connect with.
type dovecot struct{ *imaptest.Dovecot }

const dovePass = imaptest.DovecotPassword

// needDovecot returns the test binary's shared Dovecot, or skips loudly
// where Dovecot is not installed.
func needDovecot(t testing.TB) dovecot {
	t.Helper()
	return dovecot{imaptest.SharedDovecot(t)}
}

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	code := m.Run()
	imaptest.StopShared()
	os.Exit(code)
}

func (d dovecot) doveadm(t testing.TB, args ...string) string {
	t.Helper()
	out, err := d.Doveadm(args...)
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return out
}

func (d dovecot) settings(user string) Settings {
	return Settings{Host: "127.0.0.1", Port: d.Port, Security: SecurityNone, Username: user, Password: dovePass, Timeout: 10 * time.Second}
}

// tlsSettings trusts the test certificate.
func (d dovecot) tlsSettings(user string, sec Security) Settings {
	s := d.settings(user)
	s.Security = sec
	if sec == SecurityTLS {
		s.Port = d.TLSPort
	}
	s.TLSConfig = d.TLSConfig()
	return s
}
