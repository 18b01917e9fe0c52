package bridge

import (
	"context"
	"errors"
	"net/url"
	"sort"
	"strings"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
)

// MailControl is the running mail service as the Mail area sees it
// (app/desktop's runner). Every method only nudges the service's own loop
// and returns at once.
type MailControl interface {
	// Apply restarts the service with new settings (configured false: idle
	// as "not configured").
	Apply(s imapsync.Settings, configured bool)
	SyncNow() // pull now
	Cancel()  // stop the running pull; resume on SyncNow or the next poll
}

// Browser opens a link in the system browser (Wails' BrowserOpenURL).
type Browser interface{ OpenURL(url string) }

// MailDeps is what the Mail area needs besides Deps; app/desktop fills it.
// A nil MailDeps (binding generation, tests of other areas) makes every Mail
// method answer "not available".
type MailDeps struct {
	Store   *mailstore.Store
	Secrets Secrets
	Control MailControl
	Tracker *MailTracker
	Browser Browser
}

// Mail is the mail area: settings, sync, the relevant-mail inbox, reading
// and linking emails to calls, contacts and evidence.
type Mail struct{ d *Deps }

// NewMail binds the mail area.
func NewMail(d *Deps) *Mail { return &Mail{d} }

func (m *Mail) deps() (*MailDeps, error) {
	if m.d.Mail == nil || m.d.Mail.Store == nil {
		return nil, notebook.Errorf(notebook.NotSetUp, "mail is not available in this build")
	}
	return m.d.Mail, nil
}

// MailSettingsDTO is the mail settings form. The password never comes back:
// HasPassword says whether one is stored.
type MailSettingsDTO struct {
	Host        string   `json:"host"`
	Port        int      `json:"port"`
	Security    string   `json:"security"` // tls, starttls, none (127.0.0.1 only)
	Username    string   `json:"username"`
	Auth        string   `json:"auth"`    // "" password, xoauth2, oauthbearer
	Folders     []string `json:"folders"` // [] = INBOX + the server's \Sent folder
	HasPassword bool     `json:"has_password"`
	Configured  bool     `json:"configured"`
}

// MailSettingsInput is what the form sends. Password "" keeps the stored
// one; ClearPassword removes it.
type MailSettingsInput struct {
	Host          string   `json:"host"`
	Port          int      `json:"port"`
	Security      string   `json:"security"`
	Username      string   `json:"username"`
	Auth          string   `json:"auth"`
	Folders       []string `json:"folders"`
	Password      string   `json:"password"`
	ClearPassword bool     `json:"clear_password"`
}

// MailTestResult answers "test connection". Problem is one of unreachable,
// tls, auth, protocol (empty when OK); Message says it in words.
type MailTestResult struct {
	OK      bool     `json:"ok"`
	Problem string   `json:"problem"`
	Message string   `json:"message"`
	Folders []string `json:"folders"` // the folders that would be watched
}

// Settings returns the saved mail settings (without the password).
func (m *Mail) Settings() (out MailSettingsDTO, err error) {
	defer guard(m.d.Log, "Mail.Settings", &err)
	md, err := m.deps()
	if err != nil {
		return out, err
	}
	s, configured, err := mailstore.LoadSettings(context.Background(), md.Store, md.Secrets)
	if err != nil {
		return out, err
	}
	return mailSettingsDTO(s, configured), nil
}

func mailSettingsDTO(s imapsync.Settings, configured bool) MailSettingsDTO {
	return MailSettingsDTO{Host: s.Host, Port: s.Port, Security: string(s.Security), Username: s.Username,
		Auth: string(s.Auth), Folders: nonNil(s.Folders), HasPassword: s.Password != "", Configured: configured}
}

// SaveSettings validates and stores the settings (the password in the OS
// keyring), then restarts the mail service with them.
func (m *Mail) SaveSettings(in MailSettingsInput) (out MailSettingsDTO, err error) {
	defer guard(m.d.Log, "Mail.SaveSettings", &err)
	md, err := m.deps()
	if err != nil {
		return out, err
	}
	ctx := context.Background()
	s, err := m.settingsFrom(ctx, md, in)
	if err != nil {
		return out, err
	}
	if err := s.Validate(); err != nil {
		return out, err
	}
	var pw *string
	if in.Password != "" || in.ClearPassword {
		pw = &s.Password
	}
	if err := mailstore.SaveSettings(ctx, md.Store, md.Secrets, s, pw); err != nil {
		return out, err
	}
	if md.Control != nil {
		md.Control.Apply(s, true)
	}
	logger(m.d.Log).Info("mail settings saved", "server", s.String())
	return mailSettingsDTO(s, true), nil
}

// settingsFrom turns the form into settings, keeping the stored password
// unless a new one was typed or it was cleared.
func (m *Mail) settingsFrom(ctx context.Context, md *MailDeps, in MailSettingsInput) (imapsync.Settings, error) {
	s := imapsync.Settings{Host: strings.TrimSpace(in.Host), Port: in.Port, Security: imapsync.Security(in.Security),
		Username: strings.TrimSpace(in.Username), Auth: imapsync.AuthMethod(in.Auth), Folders: cleanFolders(in.Folders)}
	switch {
	case in.ClearPassword:
	case in.Password != "":
		s.Password = in.Password
	default:
		saved, _, err := mailstore.LoadSettings(ctx, md.Store, md.Secrets)
		if err != nil {
			return s, err
		}
		s.Password = saved.Password
	}
	return s, nil
}

func cleanFolders(in []string) []string {
	out := []string{}
	for _, f := range in {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// TestConnection connects with the form's settings (the stored password when
// none was typed), logs in and lists the folders that would be watched. A
// failed connection is a result, not an error, so the form can say which of
// host, TLS or password is wrong; settings that cannot work at all are an
// Invalid error naming the fields.
func (m *Mail) TestConnection(in MailSettingsInput) (r MailTestResult, err error) {
	defer guard(m.d.Log, "Mail.TestConnection", &err)
	md, err := m.deps()
	if err != nil {
		return r, err
	}
	ctx := context.Background()
	s, err := m.settingsFrom(ctx, md, in)
	if err != nil {
		return r, err
	}
	if err := s.Validate(); err != nil {
		return r, err
	}
	folders, err := imapsync.TestConnection(ctx, s)
	if err != nil {
		return MailTestResult{Problem: connProblem(err), Message: words(err), Folders: []string{}}, nil
	}
	return MailTestResult{OK: true, Message: "Connected and signed in.", Folders: nonNil(folders)}, nil
}

func connProblem(err error) string {
	switch {
	case errors.Is(err, imapsync.ErrUnreachable):
		return "unreachable"
	case errors.Is(err, imapsync.ErrTLS):
		return "tls"
	case errors.Is(err, imapsync.ErrAuth):
		return "auth"
	}
	return "protocol"
}

// words is the message of a coded error, or a generic sentence.
func words(err error) string {
	var e *notebook.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "the mail server could not be reached; the details are in the log"
}

// MailFolder is a folder the rep can choose to watch.
type MailFolder struct {
	Name    string `json:"name"`
	Watched bool   `json:"watched"` // in the saved settings (or a default)
	Default bool   `json:"default"` // INBOX or the folder the server marks \Sent (SPECIAL-USE)
}

// Folders asks the server (with the saved settings) for INBOX and its
// SPECIAL-USE \Sent folder, and merges them with the folders already chosen.
func (m *Mail) Folders() (out []MailFolder, err error) {
	defer guard(m.d.Log, "Mail.Folders", &err)
	md, err := m.deps()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	s, configured, err := mailstore.LoadSettings(ctx, md.Store, md.Secrets)
	if err != nil {
		return nil, err
	}
	if !configured {
		return nil, notebook.Errorf(notebook.NotSetUp, "mail is not set up yet: save the server settings first")
	}
	chosen := s.Folders
	s.Folders = nil
	defaults, err := imapsync.TestConnection(ctx, s)
	if err != nil {
		return nil, err
	}
	return mergeFolders(defaults, chosen), nil
}

func mergeFolders(defaults, chosen []string) []MailFolder {
	out := []MailFolder{}
	for _, f := range defaults {
		out = append(out, MailFolder{Name: f, Default: true, Watched: len(chosen) == 0 || contains(chosen, f)})
	}
	for _, f := range chosen {
		if !contains(defaults, f) {
			out = append(out, MailFolder{Name: f, Watched: true})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Status is the mail badge: state, progress (folder, n of N), last pull.
func (m *Mail) Status() (s MailStatus, err error) {
	defer guard(m.d.Log, "Mail.Status", &err)
	md, err := m.deps()
	if err != nil || md.Tracker == nil {
		return MailStatus{State: MailStopped, Message: "Mail is not available in this build."}, nil
	}
	return md.Tracker.Status(), nil
}

// SyncNow asks the mail service to pull at once; progress arrives as
// `mail:progress` events.
func (m *Mail) SyncNow() (s MailStatus, err error) {
	defer guard(m.d.Log, "Mail.SyncNow", &err)
	md, err := m.control()
	if err != nil {
		return s, err
	}
	if _, configured, err := mailstore.LoadSettings(context.Background(), md.Store, md.Secrets); err != nil || !configured {
		if err == nil {
			err = notebook.Errorf(notebook.NotSetUp, "mail is not set up yet: add your IMAP server in Settings")
		}
		return s, err
	}
	md.Control.SyncNow()
	return md.Tracker.Status(), nil
}

// Cancel stops a running pull (a first pull of a big mailbox can take a
// while); nothing half-fetched is stored, and the next pull resumes.
func (m *Mail) Cancel() (s MailStatus, err error) {
	defer guard(m.d.Log, "Mail.Cancel", &err)
	md, err := m.control()
	if err != nil {
		return s, err
	}
	md.Control.Cancel()
	return md.Tracker.Status(), nil
}

func (m *Mail) control() (*MailDeps, error) {
	md, err := m.deps()
	if err == nil && (md.Control == nil || md.Tracker == nil) {
		err = notebook.Errorf(notebook.NotSetUp, "the mail service is not running in this build")
	}
	return md, err
}

// OpenLink opens a link from an email in the system browser. Only http,
// https and mailto are opened: anything else (javascript:, file:, custom
// schemes) could run something on the rep's computer.
func (m *Mail) OpenLink(link string) (err error) {
	defer guard(m.d.Log, "Mail.OpenLink", &err)
	md, err := m.deps()
	if err != nil {
		return err
	}
	u, perr := url.Parse(strings.TrimSpace(link))
	if perr != nil || !allowedScheme(u) {
		return notebook.Errorf(notebook.Invalid, "only web (http, https) and mailto links can be opened from an email")
	}
	if md.Browser == nil {
		return notebook.Errorf(notebook.NotSetUp, "links cannot be opened in this build")
	}
	md.Browser.OpenURL(u.String())
	return nil
}

func allowedScheme(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != "" || u.Path != ""
	}
	return false
}

// sortGroups puts the account with the newest mail first.
func sortGroups(groups []MailGroup) {
	sort.SliceStable(groups, func(i, j int) bool {
		if groups[i].Newest != groups[j].Newest {
			return groups[i].Newest > groups[j].Newest
		}
		return groups[i].AccountName < groups[j].AccountName
	})
}
