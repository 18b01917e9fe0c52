package imapsync

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A real Dovecot (Debian package dovecot-imapd) for integration tests and
// benchmarks, started by the tests themselves: its own config in a temp dir
// (nothing from /etc/dovecot), 127.0.0.1 on a free high port, a passwd-file
// user per test, Maildir homes owned by the mail user (uid 8). Recipe and
// pitfalls: /work/shared/design/imap-notes.md.

const (
	dovecotBin = "/usr/sbin/dovecot"
	doveadmBin = "/usr/bin/doveadm"
	mailUID    = 8 // Debian's "mail" user: mail processes must not run as root
	dovePass   = "pw-for-tests"

	maxTestUsers = 40
)

type dovecot struct {
	dir, conf string
	port      int
	tlsPort   int    // implicit TLS (imaps) with a self-signed certificate
	certPEM   []byte // trust this to verify the server
	mu        sync.Mutex
	users     int
}

var (
	sharedDovecot     *dovecot
	sharedDovecotErr  error
	sharedDovecotOnce sync.Once
	fileSeq           atomic.Int64
)

// needDovecot returns the package's shared Dovecot, starting it on first
// use, or skips loudly where Dovecot is not installed.
func needDovecot(t testing.TB) *dovecot {
	t.Helper()
	skipWithoutDovecot(t)
	sharedDovecotOnce.Do(func() { sharedDovecot, sharedDovecotErr = startDovecot() })
	if sharedDovecotErr != nil {
		t.Fatalf("starting Dovecot: %v", sharedDovecotErr)
	}
	return sharedDovecot
}

func skipWithoutDovecot(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(dovecotBin); err != nil {
		t.Skip("!!!!!!!! SKIPPING REAL-DOVECOT TEST: /usr/sbin/dovecot is not installed. " +
			"Install it with `apt-get install dovecot-imapd` (make test does) — the IMAP integration is NOT verified on this machine !!!!!!!!")
	}
	if os.Geteuid() != 0 {
		t.Skip("!!!!!!!! SKIPPING REAL-DOVECOT TEST: the throwaway Dovecot needs root to run mail processes as uid 8 !!!!!!!!")
	}
}

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	code := m.Run()
	if sharedDovecot != nil {
		sharedDovecot.destroy()
	}
	os.Exit(code)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func startDovecot() (*dovecot, error) {
	dir, err := os.MkdirTemp("", "fieldnotes-dovecot-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	tlsPort, err := freePort()
	if err != nil {
		return nil, err
	}
	d := &dovecot{dir: dir, conf: filepath.Join(dir, "dovecot.conf"), port: port, tlsPort: tlsPort}
	for _, sub := range []string{"run", "state", "log", "home", "tls"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil { // the auth process (user dovecot) must reach the passwd-file
		return nil, err
	}
	passwd := filepath.Join(dir, "passwd")
	var lines strings.Builder
	for i := 1; i <= maxTestUsers; i++ { // all users up front: Dovecot caches the passwd-file
		fmt.Fprintf(&lines, "user%d:{PLAIN}%s:%d:%d::%s::\n", i, dovePass, mailUID, mailUID, filepath.Join(dir, "home", fmt.Sprintf("user%d", i)))
	}
	if err := os.WriteFile(passwd, []byte(lines.String()), 0o640); err != nil {
		return nil, err
	}
	if out, err := exec.Command("chown", "root:dovecot", passwd).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("chown passwd-file: %v: %s", err, out)
	}
	certPEM, keyPEM, err := selfSignedPEM()
	if err != nil {
		return nil, err
	}
	d.certPEM = certPEM
	if err := os.WriteFile(filepath.Join(dir, "tls", "cert.pem"), certPEM, 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "tls", "key.pem"), keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(d.conf, []byte(d.config()), 0o644); err != nil {
		return nil, err
	}
	if out, err := exec.Command(doveadmBin, "-c", d.conf, "config", "-n").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("invalid dovecot config: %v: %s", err, out)
	}
	return d, d.start()
}

func (d *dovecot) config() string {
	return fmt.Sprintf(`# throwaway Dovecot for fieldnotes app/imapsync tests
instance_name = fieldnotes-test-%[2]d
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/log/dovecot.log
info_log_path = %[1]s/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <%[1]s/tls/cert.pem
ssl_key = <%[1]s/tls/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
mail_uid = %[3]d
mail_gid = %[3]d
first_valid_uid = %[3]d
last_valid_uid = %[3]d
first_valid_gid = %[3]d
last_valid_gid = %[3]d
default_internal_user = dovecot
default_login_user = dovenull
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = passwd-file
  args = username_format=%%u %[1]s/passwd
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = %[4]d
    ssl = yes
  }
}
service anvil {
  chroot =
}
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
  }
}
`, d.dir, d.port, mailUID, d.tlsPort)
}

// start runs the master with stdio detached (it daemonises) and waits for
// the port.
func (d *dovecot) start() error {
	cmd := exec.Command(dovecotBin, "-c", d.conf)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("dovecot -c %s: %v (log: %s)", d.conf, err, d.log())
	}
	d.watchdog()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", d.addr(), 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("dovecot did not listen on %s (log: %s)", d.addr(), d.log())
}

// watchdog stops this instance (and removes its directory) if the test
// binary dies without cleaning up (a panic, a timeout, ^C): Dovecot
// daemonises, so nothing else would.
func (d *dovecot) watchdog() {
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 1; done; %s -c %s stop 2>/dev/null; sleep 1; rm -rf %s`,
		os.Getpid(), doveadmBin, d.conf, d.dir)
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if cmd.Start() == nil {
		go cmd.Wait()
	}
}

// stop stops exactly this instance (doveadm stop on its own config; the
// master's own pid file as a fallback).
func (d *dovecot) stop() {
	if err := exec.Command(doveadmBin, "-c", d.conf, "stop").Run(); err != nil {
		if b, err := os.ReadFile(filepath.Join(d.dir, "run", "master.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil {
				if p, err := os.FindProcess(pid); err == nil {
					p.Kill()
				}
			}
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(d.dir, "run", "master.pid")); err != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *dovecot) destroy() {
	d.stop()
	os.RemoveAll(d.dir)
}

func (d *dovecot) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(d.port)) }

func (d *dovecot) log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "log", "dovecot.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// newUser hands out the next unused passwd-file user, with an empty Maildir.
func (d *dovecot) newUser(t testing.TB, purpose string) string {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.users++
	if d.users > maxTestUsers {
		t.Fatalf("more than %d Dovecot test users; raise maxTestUsers", maxTestUsers)
	}
	user := fmt.Sprintf("user%d", d.users)
	home := filepath.Join(d.dir, "home", user)
	for _, sub := range []string{"Maildir/cur", "Maildir/new", "Maildir/tmp", "Maildir/.Sent/cur", "Maildir/.Sent/new", "Maildir/.Sent/tmp"} {
		if err := os.MkdirAll(filepath.Join(home, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	d.chownHome(t, user)
	t.Logf("Dovecot user %s (%s) at %s", user, purpose, home)
	return user
}

func (d *dovecot) chownHome(t testing.TB, user string) {
	t.Helper()
	if out, err := exec.Command("chown", "-R", fmt.Sprintf("%d:%d", mailUID, mailUID), filepath.Join(d.dir, "home", user)).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v %s", err, out)
	}
}

// deliver writes messages straight into the Maildir (folder "INBOX" or
// "Sent"); call resync afterwards.
func (d *dovecot) deliver(t testing.TB, user, folder string, raws ...[]byte) {
	t.Helper()
	dir := filepath.Join(d.dir, "home", user, "Maildir")
	if folder != "INBOX" {
		dir = filepath.Join(dir, "."+folder)
	}
	for _, raw := range raws {
		n := fileSeq.Add(1)
		// Names as delivery agents make them (time, microseconds, pid, a
		// counter): Dovecot hashes the base name, and too-regular names
		// collide and make every SELECT quadratic.
		name := fmt.Sprintf("%d.M%06dP%dQ%d.fieldnotes,S=%d:2,", 1700000000+n*7, (n*7919)%1000000, os.Getpid(), n, len(raw))
		if err := os.WriteFile(filepath.Join(dir, "cur", name), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func (d *dovecot) resync(t testing.TB, user string) {
	t.Helper()
	d.chownHome(t, user)
	d.doveadm(t, "force-resync", "-u", user, "*")
}

func (d *dovecot) doveadm(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(doveadmBin, append([]string{"-c", d.conf}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("doveadm %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (d *dovecot) settings(user string) Settings {
	return Settings{Host: "127.0.0.1", Port: d.port, Security: SecurityNone, Username: user, Password: dovePass, Timeout: 10 * time.Second}
}

// selfSignedPEM makes a certificate for localhost / 127.0.0.1.
func selfSignedPEM() (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// tlsSettings trusts the test certificate.
func (d *dovecot) tlsSettings(user string, sec Security) Settings {
	s := d.settings(user)
	s.Security = sec
	if sec == SecurityTLS {
		s.Port = d.tlsPort
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(d.certPEM)
	s.TLSConfig = &tls.Config{RootCAs: pool}
	return s
}
