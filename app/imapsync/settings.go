package imapsync

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// Security says how the connection to the IMAP server is protected.
type Security string

// The three ways to connect. SecurityNone is refused for anything but the
// loopback interface: a password must never cross a network in clear.
const (
	SecurityTLS      Security = "tls"      // implicit TLS, usually port 993
	SecurityStartTLS Security = "starttls" // plain connect, then STARTTLS, usually port 143
	SecurityNone     Security = "none"     // loopback only (tests, local bridges such as ProtonMail Bridge)
)

// AuthMethod says how to log in.
type AuthMethod string

// Login methods. The token methods take an OAuth access token the user
// pastes (or the app obtains) in Settings.Password.
const (
	AuthPassword    AuthMethod = ""            // LOGIN with a password or app password
	AuthXOAuth2     AuthMethod = "xoauth2"     // Google, Microsoft
	AuthOAuthBearer AuthMethod = "oauthbearer" // RFC 7628
)

// Settings is everything needed to reach one mailbox. The password is held
// by the caller (the OS keyring) and passed in; it is never written to a file
// or a log by this package.
type Settings struct {
	Host     string     `json:"host"`
	Port     int        `json:"port"`
	Security Security   `json:"security"`
	Username string     `json:"username"`
	Password string     `json:"-"`
	Auth     AuthMethod `json:"auth,omitempty"`
	// Folders to watch; empty means INBOX plus the folder the server marks
	// \Sent (SPECIAL-USE).
	Folders []string `json:"folders,omitempty"`
	// TLSConfig overrides the TLS settings (tests with a self-signed
	// certificate); nil verifies against the system roots.
	TLSConfig *tls.Config `json:"-"`
	// Timeout bounds connecting and logging in; 0 means 15 seconds.
	Timeout time.Duration `json:"-"`
}

// String describes the settings for logs, without the password.
func (s Settings) String() string {
	return fmt.Sprintf("%s@%s (%s)", s.Username, s.address(), s.Security)
}

func (s Settings) address() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
}

func (s Settings) timeout() time.Duration {
	if s.Timeout > 0 {
		return s.Timeout
	}
	return 15 * time.Second
}

// Validate names every problem with the settings in words.
func (s Settings) Validate() error {
	p := notebook.NewProblems("mail settings")
	if strings.TrimSpace(s.Host) == "" {
		p.Add("host", "is required (for example imap.gmail.com)")
	}
	if s.Port <= 0 || s.Port > 65535 {
		p.Add("port", "must be between 1 and 65535 (993 for TLS, 143 for STARTTLS)")
	}
	switch s.Security {
	case SecurityTLS, SecurityStartTLS:
	case SecurityNone:
		if !isLoopback(s.Host) {
			p.Add("security", "\"none\" sends your password in clear; it is only allowed for 127.0.0.1, ::1 or localhost — choose tls or starttls")
		}
	default:
		p.Add("security", "%q is not one of tls, starttls, none", s.Security)
	}
	if s.Username == "" {
		p.Add("username", "is required")
	}
	if s.Password == "" {
		p.Add("password", "is required (a password, an app password or an OAuth token)")
	}
	switch s.Auth {
	case AuthPassword, AuthXOAuth2, AuthOAuthBearer:
	default:
		p.Add("auth", "%q is not one of xoauth2, oauthbearer (or empty for a password)", s.Auth)
	}
	return p.Err()
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// Failure kinds, for errors.Is: every connection error returned by this
// package wraps exactly one of them, so the UI can say which thing is wrong.
var (
	ErrUnreachable = errors.New("imap server unreachable")
	ErrTLS         = errors.New("tls failure")
	ErrAuth        = errors.New("authentication failed")
	ErrProtocol    = errors.New("imap protocol error")
)

// classify turns a low-level error into a *notebook.Error whose message a
// person understands and whose chain contains one of the Err* kinds.
func classify(s Settings, stage string, err error) error {
	if err == nil {
		return nil
	}
	var nbErr *notebook.Error
	if errors.As(err, &nbErr) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return notebook.Wrap(notebook.Internal, err, "mail sync was cancelled or timed out while %s", stage)
	}
	addr := s.address()
	switch {
	case stage == "setting up TLS" || isTLSError(err):
		return notebook.Wrap(notebook.Internal, fmt.Errorf("%w: %v", ErrTLS, err),
			"a secure (TLS) connection to %s could not be set up: the server's certificate is not trusted or the port does not speak %s — check the port and security setting", addr, s.Security)
	case stage == "logging in":
		return notebook.Wrap(notebook.Forbidden, fmt.Errorf("%w: %v", ErrAuth, err),
			"the server %s refused the user name or password for %s (some providers need an app password)", addr, s.Username)
	case isNetError(err) && stage != "connecting":
		return notebook.Wrap(notebook.Internal, fmt.Errorf("%w: %v", ErrUnreachable, err),
			"the connection to the mail server %s was lost while %s; the next sync resumes where this one stopped", addr, stage)
	case isNetError(err):
		return notebook.Wrap(notebook.Internal, fmt.Errorf("%w: %v", ErrUnreachable, err),
			"cannot reach the mail server %s: check the server name and port, and that you are online", addr)
	}
	return notebook.Wrap(notebook.Internal, fmt.Errorf("%w: %v", ErrProtocol, err),
		"the mail server %s failed while %s: %s", addr, stage, shortReason(err))
}

func isTLSError(err error) bool {
	var recErr tls.RecordHeaderError
	var certErr *tls.CertificateVerificationError
	var alert tls.AlertError
	if errors.As(err, &recErr) || errors.As(err, &certErr) || errors.As(err, &alert) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:") || strings.Contains(msg, "STARTTLS")
}

func isNetError(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "EOF") ||
		strings.Contains(err.Error(), "closed network connection") || strings.Contains(err.Error(), "broken pipe")
}

// shortReason keeps the first line of a server's reason, never more than a
// sentence, so no message content can end up in an error shown to people.
func shortReason(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return msg
}
