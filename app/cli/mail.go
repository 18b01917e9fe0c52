package cli

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/wiring"
)

func init() {
	extraCommands = append(extraCommands, command{"mail",
		"mail sync [--host H --port P --user U --password-env VAR --security tls|starttls|none --folder F]  pull the relevant emails once and print counts",
		runMail})
}

func runMail(e *env, args []string) error {
	if len(args) == 0 || args[0] != "sync" {
		return notebook.Errorf(notebook.Invalid, "mail: the only subcommand is `mail sync` (see fieldnotes help)")
	}
	return runMailSync(e, args[1:])
}

// mailFlags are the command-line overrides of the saved mail settings.
type mailFlags struct {
	host, user, passwordEnv, security string
	port                              int
	folders                           folderList
}

type folderList []string

func (f *folderList) String() string     { return strings.Join(*f, ",") }
func (f *folderList) Set(v string) error { *f = append(*f, v); return nil }

func parseMailFlags(e *env, args []string) (mailFlags, *flag.FlagSet, error) {
	var m mailFlags
	fs := newFlags("mail sync", e)
	fs.StringVar(&m.host, "host", "", "IMAP server, e.g. imap.gmail.com (default: the saved settings)")
	fs.IntVar(&m.port, "port", 0, "port (default: 993 for tls, 143 for starttls)")
	fs.StringVar(&m.user, "user", "", "user name, usually your email address")
	fs.StringVar(&m.passwordEnv, "password-env", "", "read the password (or app password) from this environment variable (default: the keyring)")
	fs.StringVar(&m.security, "security", "", "tls, starttls, or none (127.0.0.1 only)")
	fs.Var(&m.folders, "folder", "a folder to pull (repeatable; default: INBOX and Sent)")
	if err := fs.Parse(args); err != nil {
		return m, fs, notebook.Errorf(notebook.Invalid, "mail sync: %v", err)
	}
	if fs.NArg() > 0 {
		return m, fs, notebook.Errorf(notebook.Invalid, "mail sync: unexpected argument %q", fs.Arg(0))
	}
	return m, fs, nil
}

// runMailSync pulls once with the saved settings, overridden by any flags
// (which are not saved: the app's Settings screen owns them), and prints
// what it did. Any failure is an error in words and a non-zero exit.
func runMailSync(e *env, args []string) error {
	flags, _, err := parseMailFlags(e, args)
	if err != nil {
		return err
	}
	return e.withMain(func(m *wiring.Main) error {
		s, err := mailSettings(e, m.Mailbox, m.Vault, flags)
		if err != nil {
			return err
		}
		counts, err := imapsync.PullOnce(e.ctx, s, m.Mailbox, m.Mailbox, mailProgress(e))
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, counts.String())
		return nil
	})
}

// mailSettings starts from the saved settings and applies the flags.
func mailSettings(e *env, kv mailstore.KV, vault secrets.Vault, f mailFlags) (imapsync.Settings, error) {
	s, configured, err := mailstore.LoadSettings(e.ctx, kv, vault)
	if err != nil {
		return s, err
	}
	override := f.host != "" || f.user != "" || f.security != "" || f.port != 0
	if !configured && !override {
		return s, notebook.Errorf(notebook.Invalid, "mail is not set up: save the server in the app's Settings, or pass --host, --user, --password-env and --security")
	}
	applyMailFlags(&s, f)
	if f.passwordEnv != "" {
		if s.Password = os.Getenv(f.passwordEnv); s.Password == "" {
			return s, notebook.Errorf(notebook.Invalid, "--password-env %s: that environment variable is empty", f.passwordEnv)
		}
	}
	return s, s.Validate()
}

func applyMailFlags(s *imapsync.Settings, f mailFlags) {
	if f.host != "" {
		s.Host = f.host
	}
	if f.user != "" {
		s.Username = f.user
	}
	if f.security != "" {
		s.Security = imapsync.Security(f.security)
	}
	switch {
	case f.port != 0:
		s.Port = f.port
	case s.Port == 0 && s.Security == imapsync.SecurityTLS:
		s.Port = 993
	case s.Port == 0:
		s.Port = 143
	}
	if len(f.folders) > 0 {
		s.Folders = f.folders
	}
}

// mailProgress prints one line per folder and stage on stderr, so a long
// first pull shows it is moving without flooding the terminal.
func mailProgress(e *env) func(imapsync.Progress) {
	last := ""
	return func(p imapsync.Progress) {
		key := p.Folder + "/" + p.Stage
		if key == last {
			return
		}
		last = key
		if p.Total > 0 {
			fmt.Fprintf(e.stderr, "%s: %s %d message(s)\n", p.Folder, p.Stage, p.Total)
		} else {
			fmt.Fprintf(e.stderr, "%s: %s\n", p.Folder, p.Stage)
		}
	}
}
