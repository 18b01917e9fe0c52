package imaptest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
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

const (
	dovecotBin = "/usr/sbin/dovecot"
	doveadmBin = "/usr/bin/doveadm"
	mailUID    = 8 // Debian's "mail" user: mail processes must not run as root

	// DovecotPassword is every Dovecot test user's password.
	DovecotPassword = "pw-for-tests"
	// MaxDovecotUsers is how many users NewUser hands out per instance:
	// they are all written up front, because Dovecot caches the passwd-file.
	MaxDovecotUsers = 40
)

// Dovecot is one throwaway Dovecot instance.
type Dovecot struct {
	Dir     string // config, state, logs and Maildir homes; removed by Destroy
	Conf    string // its dovecot.conf
	Port    int    // plain IMAP on 127.0.0.1
	TLSPort int    // implicit TLS (imaps) with a self-signed certificate
	CertPEM []byte // trust this to verify the server

	mu    sync.Mutex
	users int
}

var (
	shared     *Dovecot
	sharedErr  error
	sharedOnce sync.Once
	fileSeq    atomic.Int64
)

// DovecotMissing says why no Dovecot can run here (not installed, not
// root), or nil.
func DovecotMissing() error {
	for _, bin := range []string{dovecotBin, doveadmBin} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("%s is not installed (apt-get install dovecot-imapd; make apt does)", bin)
		}
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("the throwaway Dovecot needs root to run mail processes as uid %d", mailUID)
	}
	return nil
}

// RequireEnv names the environment variable that turns a missing Dovecot
// from a skip into a failure (`make test` sets it, as it installs Dovecot).
const RequireEnv = "FIELDNOTES_REQUIRE_DOVECOT"

// SkipWithoutDovecot skips the test, loudly, where DovecotMissing; under
// RequireEnv it fails instead, so make test never passes unverified.
func SkipWithoutDovecot(t testing.TB) {
	t.Helper()
	if err := DovecotMissing(); err != nil {
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("Dovecot is required here (%s): %v", RequireEnv, err)
		}
		t.Skip("!!!!!!!! SKIPPING REAL-DOVECOT TEST: " + err.Error() +
			" — the IMAP integration is NOT verified on this machine !!!!!!!!")
	}
}

// SharedDovecot returns the test binary's one Dovecot, starting it on
// first use, or skips where there is none. Call StopShared from TestMain.
func SharedDovecot(t testing.TB) *Dovecot {
	t.Helper()
	SkipWithoutDovecot(t)
	sharedOnce.Do(func() { shared, sharedErr = StartDovecot("") })
	if sharedErr != nil {
		t.Fatalf("starting Dovecot: %v", sharedErr)
	}
	return shared
}

// StopShared stops and removes the shared Dovecot if one was started.
func StopShared() {
	if shared != nil {
		shared.Destroy()
	}
}

// StartDovecot configures and starts an instance in dir ("" for a new
// temp dir; a given dir's parents must let the dovecot user through). Destroy stops it and removes dir; a watchdog does so too if
// this process dies first.
func StartDovecot(dir string) (*Dovecot, error) {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "fieldnotes-dovecot-"); err != nil {
			return nil, err
		}
	}
	d := &Dovecot{Dir: dir, Conf: filepath.Join(dir, "dovecot.conf")}
	if err := d.configure(); err != nil {
		return nil, err
	}
	return d, d.Start()
}

func (d *Dovecot) configure() error {
	var err error
	if d.Port, err = freePort(); err != nil {
		return err
	}
	if d.TLSPort, err = freePort(); err != nil {
		return err
	}
	for _, sub := range []string{"run", "state", "log", "home", "tls"} {
		if err := os.MkdirAll(filepath.Join(d.Dir, sub), 0o755); err != nil {
			return err
		}
	}
	if err := os.Chmod(d.Dir, 0o755); err != nil { // the auth process (user dovecot) must reach the passwd-file
		return err
	}
	passwd := filepath.Join(d.Dir, "passwd")
	var lines strings.Builder
	for i := 1; i <= MaxDovecotUsers; i++ {
		fmt.Fprintf(&lines, "user%d:{PLAIN}%s:%d:%d::%s::\n", i, DovecotPassword, mailUID, mailUID, filepath.Join(d.Dir, "home", fmt.Sprintf("user%d", i)))
	}
	if err := os.WriteFile(passwd, []byte(lines.String()), 0o640); err != nil {
		return err
	}
	if out, err := exec.Command("chown", "root:dovecot", passwd).CombinedOutput(); err != nil {
		return fmt.Errorf("chown passwd-file: %w: %s", err, out)
	}
	certPEM, keyPEM, err := SelfSignedPEM()
	if err != nil {
		return err
	}
	d.CertPEM = certPEM
	if err := os.WriteFile(filepath.Join(d.Dir, "tls", "cert.pem"), certPEM, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(d.Dir, "tls", "key.pem"), keyPEM, 0o600); err != nil {
		return err
	}
	if err := os.WriteFile(d.Conf, []byte(d.config()), 0o644); err != nil {
		return err
	}
	if out, err := d.Doveadm("config", "-n"); err != nil {
		return fmt.Errorf("invalid dovecot config: %w: %s", err, out)
	}
	return nil
}

func (d *Dovecot) config() string {
	return fmt.Sprintf(`# throwaway Dovecot for fieldnotes tests and benchmarks (app/imapsync/imaptest)
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
`, d.Dir, d.Port, mailUID, d.TLSPort)
}

// Start runs the master with stdio detached (it daemonises) and waits for
// the port; after Stop it starts the same instance again.
func (d *Dovecot) Start() error {
	cmd := exec.Command(dovecotBin, "-c", d.Conf)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("dovecot -c %s: %w (log: %s)", d.Conf, err, d.Log())
	}
	d.watchdog()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", d.Addr(), 200*time.Millisecond); err == nil {
			return c.Close()
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("dovecot did not listen on %s (log: %s)", d.Addr(), d.Log())
}

// watchdog stops this instance (and removes its directory) if this process
// dies without cleaning up (a panic, a test timeout, ^C): Dovecot
// daemonises, so nothing else would.
func (d *Dovecot) watchdog() {
	script := fmt.Sprintf(`while kill -0 %d 2>/dev/null; do sleep 1; done; %s -c %s stop 2>/dev/null; sleep 1; rm -rf %s`,
		os.Getpid(), doveadmBin, d.Conf, d.Dir)
	cmd := exec.Command("sh", "-c", script)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if cmd.Start() == nil {
		go func() { _ = cmd.Wait() }() // reap it; its exit status says nothing
	}
}

// Stop stops exactly this instance (doveadm stop on its own config; the
// master's own pid file as a fallback) and waits until it is gone.
func (d *Dovecot) Stop() {
	if _, err := d.Doveadm("stop"); err != nil {
		d.killMaster()
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(filepath.Join(d.Dir, "run", "master.pid")); err != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *Dovecot) killMaster() {
	b, err := os.ReadFile(filepath.Join(d.Dir, "run", "master.pid"))
	if err != nil {
		return // not running
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return
	}
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Kill() // best effort: the caller waits for the pid file to go
	}
}

// Destroy stops the instance and removes its directory.
func (d *Dovecot) Destroy() {
	d.Stop()
	_ = os.RemoveAll(d.Dir) // a temp dir; the watchdog retries if this fails
}

// Addr is the plain IMAP listener's host:port.
func (d *Dovecot) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(d.Port)) }

// TLSConfig trusts the instance's self-signed certificate.
func (d *Dovecot) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(d.CertPEM)
	return &tls.Config{RootCAs: pool}
}

// Log is the tail of the instance's log, for failure messages.
func (d *Dovecot) Log() string {
	b, err := os.ReadFile(filepath.Join(d.Dir, "log", "dovecot.log"))
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// AddUser hands out the next unused passwd-file user (password
// DovecotPassword) with an empty Maildir holding INBOX and Sent.
func (d *Dovecot) AddUser() (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.users >= MaxDovecotUsers {
		return "", fmt.Errorf("more than %d Dovecot test users; raise MaxDovecotUsers", MaxDovecotUsers)
	}
	d.users++
	user := fmt.Sprintf("user%d", d.users)
	for _, sub := range []string{"cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"} {
		if err := os.MkdirAll(filepath.Join(d.maildir(user), sub), 0o755); err != nil {
			return "", err
		}
	}
	return user, d.chownHome(user)
}

// NewUser is AddUser for a test; purpose goes to the test log.
func (d *Dovecot) NewUser(t testing.TB, purpose string) string {
	t.Helper()
	user, err := d.AddUser()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Dovecot user %s (%s) at %s", user, purpose, d.maildir(user))
	return user
}

func (d *Dovecot) maildir(user string) string { return filepath.Join(d.Dir, "home", user, "Maildir") }

func (d *Dovecot) chownHome(user string) error {
	owner := fmt.Sprintf("%d:%d", mailUID, mailUID)
	if out, err := exec.Command("chown", "-R", owner, filepath.Join(d.Dir, "home", user)).CombinedOutput(); err != nil {
		return fmt.Errorf("chown: %w: %s", err, out)
	}
	return nil
}

// Put writes messages straight into user's Maildir folder ("INBOX" or
// "Sent"), read (\Seen) or not; Reindex makes Dovecot see them.
func (d *Dovecot) Put(user, folder string, seen bool, raws ...[]byte) error {
	dir := d.maildir(user)
	if folder != "INBOX" {
		dir = filepath.Join(dir, "."+folder)
	}
	flags := ""
	if seen {
		flags = "S"
	}
	for _, raw := range raws {
		n := fileSeq.Add(1)
		// Names as delivery agents make them (time, microseconds, pid, a
		// counter): Dovecot hashes the base name, and too-regular names
		// collide and make every SELECT quadratic.
		name := fmt.Sprintf("%d.M%06dP%dQ%d.fieldnotes,S=%d:2,%s", 1700000000+n*7, (n*7919)%1000000, os.Getpid(), n, len(raw), flags)
		if err := os.WriteFile(filepath.Join(dir, "cur", name), raw, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Deliver is Put (unread) for a test; call Resync afterwards.
func (d *Dovecot) Deliver(t testing.TB, user, folder string, raws ...[]byte) {
	t.Helper()
	if err := d.Put(user, folder, false, raws...); err != nil {
		t.Fatal(err)
	}
}

// Reindex hands what Put wrote to the mail user and has Dovecot index it.
func (d *Dovecot) Reindex(user string) error {
	if err := d.chownHome(user); err != nil {
		return err
	}
	if out, err := d.Doveadm("force-resync", "-u", user, "*"); err != nil {
		return fmt.Errorf("doveadm force-resync: %w: %s", err, out)
	}
	return nil
}

// Resync is Reindex for a test.
func (d *Dovecot) Resync(t testing.TB, user string) {
	t.Helper()
	if err := d.Reindex(user); err != nil {
		t.Fatal(err)
	}
}

// Doveadm runs doveadm against this instance's config.
func (d *Dovecot) Doveadm(args ...string) (string, error) {
	out, err := exec.Command(doveadmBin, append([]string{"-c", d.Conf}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("doveadm %v: %w", args, err)
	}
	return string(out), nil
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	return port, ln.Close()
}

// MbsyncConfig is an mbsyncrc (Debian isync, the peer the benchmarks time
// the app against) that copies folders (e.g. "INBOX Sent") of user on this
// instance's plain port into the Maildir local, at mbsync's defaults.
func (d *Dovecot) MbsyncConfig(user, local, folders string) string {
	return fmt.Sprintf(`IMAPAccount bench
Host 127.0.0.1
Port %d
User %s
Pass %s
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path %s/
Inbox %s/INBOX

Channel bench
Far :remote:
Near :local:
Patterns %s
Create Near
SyncState *
`, d.Port, user, DovecotPassword, local, local, folders)
}
