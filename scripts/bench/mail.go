package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldnotes/app/imapsync/imaptest"
)

// The mail benchmark runs against the throwaway Dovecot of
// app/imapsync/imaptest (the one app/imapsync's tests use): its own config in
// a temp dir, nothing from /etc/dovecot, 127.0.0.1 on a free port, mail
// processes as the mail user.

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
	if err := imaptest.DovecotMissing(); err != nil {
		return err
	}
	if _, err := os.Stat("/usr/bin/mbsync"); err != nil {
		return fmt.Errorf("/usr/bin/mbsync is not installed (apt-get install isync; make apt does)")
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
	if err := os.Chmod(dir, 0o755); err != nil { // Dovecot's auth process (user dovecot) reads the passwd-file below it
		return err
	}
	d, err := imaptest.StartDovecot(filepath.Join(dir, "dovecot"))
	if err != nil {
		return err
	}
	defer d.Stop()
	user, err := d.AddUser()
	if err != nil {
		return err
	}
	if err := fillMaildir(d, user, sz); err != nil {
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
	env := []string{"FIELDNOTES_KEY=" + benchKey, "BENCH_IMAP_PASSWORD=" + imaptest.DovecotPassword}
	if _, err := run(ctx, env, o.app, "--data", nb, "import", csv); err != nil {
		return err
	}
	app, err := run(ctx, env, o.app, "--data", nb, "mail", "sync", "--host", "127.0.0.1", "--port", fmt.Sprint(d.Port),
		"--user", user, "--password-env", "BENCH_IMAP_PASSWORD", "--security", "none")
	if err != nil {
		return err
	}
	peer, err := runMbsync(ctx, dir, d, user, sz.sent > 0)
	if err != nil {
		return err
	}
	goal := "—"
	switch sz.inbox {
	case 10000:
		goal = "≤ 0.15×"
	case 3000:
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

// fillMaildir writes the messages as Maildir files and has Dovecot index
// them: relevant ones from (INBOX) or to (Sent) the customers' domains, the
// rest newsletters and colleagues. Sent is all relevant first.
func fillMaildir(d *imaptest.Dovecot, user string, sz mailSize) error {
	g := newGenerator(7)
	relevantSent := min(sz.sent, sz.relevant)
	relevantInbox := sz.relevant - relevantSent
	for i := 0; i < sz.inbox; i++ {
		step := max(sz.inbox/max(relevantInbox, 1), 1)
		relevant := relevantInbox > 0 && i%step == 0 && i/step < relevantInbox
		if err := d.Put(user, "INBOX", true, mailMessage(g, i, relevant, false)); err != nil {
			return err
		}
	}
	for i := 0; i < sz.sent; i++ {
		if err := d.Put(user, "Sent", true, mailMessage(g, sz.inbox+i, i < relevantSent, true)); err != nil {
			return err
		}
	}
	return d.Reindex(user)
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
func runMbsync(ctx context.Context, dir string, d *imaptest.Dovecot, user string, sent bool) (timed, error) {
	local := filepath.Join(dir, "mbsync-mail")
	if err := os.MkdirAll(local, 0o755); err != nil {
		return timed{}, err
	}
	patterns := "INBOX"
	if sent {
		patterns = "INBOX Sent"
	}
	cfg := d.MbsyncConfig(user, local, patterns)
	conf := filepath.Join(dir, "mbsyncrc")
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		return timed{}, err
	}
	return run(ctx, nil, "/usr/bin/mbsync", "-c", conf, "-a", "-q")
}
