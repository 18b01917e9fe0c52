package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A throwaway Dovecot (Debian dovecot-imapd) as imap-notes.md describes and
// app/imapsync's tests start it: its own config in a temp dir, nothing from
// /etc/dovecot, 127.0.0.1 on a free port, mail processes as the mail user.

const (
	mailUID  = 8
	dovePass = "bench-pass"
	mboxUser = "rep"
)

type mailSize struct{ inbox, sent, relevant int }

func parseMailSizes(s string) ([]mailSize, error) {
	var out []mailSize
	for _, part := range strings.Split(s, ",") {
		var m mailSize
		if _, err := fmt.Sscanf(strings.TrimSpace(part), "%d:%d:%d", &m.inbox, &m.sent, &m.relevant); err != nil || m.relevant > m.inbox+m.sent {
			return nil, fmt.Errorf("-mail-sizes %q: want INBOX:Sent:relevant", s)
		}
		out = append(out, m)
	}
	return out, nil
}

func benchMail(ctx context.Context, o options, t *table) error {
	for _, bin := range []string{"/usr/sbin/dovecot", "/usr/bin/doveadm", "/usr/bin/mbsync"} {
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("%s is not installed (apt-get install dovecot-imapd isync; make apt does)", bin)
		}
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("the throwaway Dovecot needs root (mail processes run as uid %d)", mailUID)
	}
	sizes, err := parseMailSizes(o.mailSizes)
	if err != nil {
		return err
	}
	for _, sz := range sizes {
		if err := benchMailbox(ctx, o, sz, t); err != nil {
			return err
		}
	}
	return nil
}

func benchMailbox(ctx context.Context, o options, sz mailSize, t *table) error {
	dir, cleanup, err := tempDir(o, "fieldnotes-bench-mail-")
	if err != nil {
		return err
	}
	defer cleanup()
	port, conf, err := startDovecot(dir)
	if err != nil {
		return err
	}
	defer exec.Command("/usr/bin/doveadm", "-c", conf, "stop").Run()
	if err := fillMaildir(dir, conf, sz); err != nil {
		return err
	}
	// the notebook knows the customers' accounts, which makes their mail relevant
	nb := filepath.Join(dir, "notebook")
	csv := filepath.Join(dir, "accounts.csv")
	var b strings.Builder
	b.WriteString("name,domain\n")
	for i := 0; i < customers; i++ {
		fmt.Fprintf(&b, "Customer %d,cust%d.example\n", i, i)
	}
	if err := os.WriteFile(csv, []byte(b.String()), 0o644); err != nil {
		return err
	}
	env := []string{"FIELDNOTES_KEY=" + benchKey, "BENCH_IMAP_PASSWORD=" + dovePass}
	if _, err := run(ctx, env, o.app, "--data", nb, "import", csv); err != nil {
		return err
	}
	app, err := run(ctx, env, o.app, "--data", nb, "mail", "sync", "--host", "127.0.0.1", "--port", fmt.Sprint(port),
		"--user", mboxUser, "--password-env", "BENCH_IMAP_PASSWORD", "--security", "none")
	if err != nil {
		return err
	}
	peer, err := runMbsync(ctx, dir, port, sz.sent > 0)
	if err != nil {
		return err
	}
	goal := "—"
	switch {
	case sz.inbox == 10000:
		goal = "≤ 0.15×"
	case sz.inbox == 3000:
		goal = "≤ 0.25×"
	}
	t.add(row{what: fmt.Sprintf("first `fieldnotes mail sync` of INBOX %s + Sent %d, %s relevant, into the encrypted notebook", count(sz.inbox), sz.sent, count(sz.relevant)),
		app:   fmt.Sprintf("%s (CPU %s; %s)", secs(app.wall), secs(app.cpu), strings.TrimSpace(app.stdout)),
		floor: fmt.Sprintf("mbsync (isync) defaults, same folders: %s", secs(peer.wall)),
		ratio: ratio(app.wall, peer.wall), goal: goal})
	return nil
}

// customers is how many accounts (domains) the relevant mail comes from.
const customers = 200

func startDovecot(dir string) (int, string, error) {
	port, err := freePort()
	if err != nil {
		return 0, "", err
	}
	for _, sub := range []string{"run", "state", "log", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return 0, "", err
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil { // the auth process (user dovecot) reads the passwd-file
		return 0, "", err
	}
	passwd := filepath.Join(dir, "passwd")
	home := filepath.Join(dir, "home", mboxUser)
	if err := os.WriteFile(passwd, []byte(fmt.Sprintf("%s:{PLAIN}%s:%d:%d::%s::\n", mboxUser, dovePass, mailUID, mailUID, home)), 0o640); err != nil {
		return 0, "", err
	}
	if out, err := exec.Command("chown", "root:dovecot", passwd).CombinedOutput(); err != nil {
		return 0, "", fmt.Errorf("chown passwd-file: %v: %s", err, out)
	}
	conf := filepath.Join(dir, "dovecot.conf")
	cfg := fmt.Sprintf(`# throwaway Dovecot for fieldnotes make bench
instance_name = fieldnotes-bench-%[2]d
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/log/dovecot.log
info_log_path = %[1]s/log/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
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
    port = 0
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
}
`, dir, port, mailUID)
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		return 0, "", err
	}
	if out, err := exec.Command("/usr/bin/doveadm", "-c", conf, "config", "-n").CombinedOutput(); err != nil {
		return 0, "", fmt.Errorf("invalid dovecot config: %v: %s", err, out)
	}
	cmd := exec.Command("/usr/sbin/dovecot", "-c", conf) // daemonises; stdio detached
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "log", "dovecot.log"))
		return 0, "", fmt.Errorf("dovecot: %v: %s", err, log)
	}
	return port, conf, waitPort(port, 15*time.Second)
}

// fillMaildir writes the messages as Maildir files and has Dovecot index
// them: relevant ones from (INBOX) or to (Sent) the customers' domains, the
// rest newsletters and colleagues. Sent is all relevant first.
func fillMaildir(dir, conf string, sz mailSize) error {
	md := filepath.Join(dir, "home", mboxUser, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o755); err != nil {
			return err
		}
	}
	g := newGenerator(7)
	relevantSent := min(sz.sent, sz.relevant)
	relevantInbox := sz.relevant - relevantSent
	write := func(folder string, i int, raw []byte) error {
		name := fmt.Sprintf("%d.M%06dP%dQ%d.bench,S=%d:2,S", 1700000000+i*7, (i*7919)%1000000, os.Getpid(), i, len(raw))
		return os.WriteFile(filepath.Join(md, folder, "cur", name), raw, 0o644)
	}
	for i := 0; i < sz.inbox; i++ {
		step := max(sz.inbox/max(relevantInbox, 1), 1)
		relevant := relevantInbox > 0 && i%step == 0 && i/step < relevantInbox
		if err := write("", i, mailMessage(g, i, relevant, false)); err != nil {
			return err
		}
	}
	for i := 0; i < sz.sent; i++ {
		if err := write(".Sent", sz.inbox+i, mailMessage(g, sz.inbox+i, i < relevantSent, true)); err != nil {
			return err
		}
	}
	if out, err := exec.Command("chown", "-R", fmt.Sprintf("%d:%d", mailUID, mailUID), filepath.Join(dir, "home")).CombinedOutput(); err != nil {
		return fmt.Errorf("chown: %v %s", err, out)
	}
	if out, err := exec.Command("/usr/bin/doveadm", "-c", conf, "force-resync", "-u", mboxUser, "*").CombinedOutput(); err != nil {
		return fmt.Errorf("doveadm force-resync: %v %s", err, out)
	}
	return nil
}

// mailMessage is a plain or multipart message of about 2–4 KB.
func mailMessage(g *generator, i int, relevant, sent bool) []byte {
	other := fmt.Sprintf("News %d <news%d@newsletter.example>", i, i%97)
	if relevant {
		other = fmt.Sprintf("Buyer %d <buyer%d@cust%d.example>", i, i%50, i%customers)
	}
	from, to := other, "Rep <rep@myco.example>"
	if sent {
		from, to = to, other
	}
	date := genEpoch.Add(-time.Duration(i) * 17 * time.Minute).Format(time.RFC1123Z)
	body := g.words(1500)
	h := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Message %d about the %s\r\nDate: %s\r\nMessage-ID: <bench-%d@bench.example>\r\nMIME-Version: 1.0\r\n",
		from, to, i, genWords[i%len(genWords)], date, i)
	if i%2 == 0 {
		return []byte(h + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n")
	}
	return []byte(h + "Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body +
		"\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><p style=\"color:#333\">" + body + "</p></body></html>\r\n--alt--\r\n")
}

// runMbsync copies the same folders with mbsync at its defaults.
func runMbsync(ctx context.Context, dir string, port int, sent bool) (timed, error) {
	local := filepath.Join(dir, "mbsync-mail")
	if err := os.MkdirAll(local, 0o755); err != nil {
		return timed{}, err
	}
	patterns := "INBOX"
	if sent {
		patterns = "INBOX Sent"
	}
	cfg := fmt.Sprintf(`IMAPAccount bench
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
`, port, mboxUser, dovePass, local, local, patterns)
	conf := filepath.Join(dir, "mbsyncrc")
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		return timed{}, err
	}
	return run(ctx, nil, "/usr/bin/mbsync", "-c", conf, "-a", "-q")
}
