package imapsync

import (
	"context"
	"crypto/tls"
	"log/slog"
	"mime"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
)

// session is one logged-in IMAP connection and what we learnt about the
// server on the way in.
type session struct {
	c         *imapclient.Client
	condstore bool
	idle      bool
	updates   chan struct{} // 1-buffered: the server told us something changed (IDLE)
}

// wordDecoder decodes RFC 2047 words in every charset x/text knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// connect dials, secures and logs in. Every failure comes back classified
// (unreachable, TLS, wrong password). ctx cancels the dial and closes the
// connection if it fires later.
func connect(ctx context.Context, s Settings, log *slog.Logger) (*session, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", s.address())
	if err != nil {
		return nil, classify(s, "connecting", err)
	}
	_ = raw.SetDeadline(time.Now().Add(s.timeout()))
	sess := &session{updates: make(chan struct{}, 1)}
	opts := &imapclient.Options{
		WordDecoder: wordDecoder,
		TLSConfig:   tlsConfig(s),
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			Expunge: func(uint32) { sess.nudge() },
			Mailbox: func(*imapclient.UnilateralDataMailbox) { sess.nudge() },
			Fetch:   func(*imapclient.FetchMessageData) { sess.nudge() },
		},
	}
	c, err := secure(raw, s, opts)
	if err != nil {
		raw.Close()
		return nil, classify(s, "setting up TLS", err)
	}
	sess.c = c
	if err := c.WaitGreeting(); err != nil {
		c.Close()
		return nil, classify(s, "greeting", err)
	}
	if err := login(c, s); err != nil {
		c.Close()
		return nil, classify(s, "logging in", err)
	}
	_ = raw.SetDeadline(time.Time{})
	caps := c.Caps()
	sess.condstore = caps.Has(imap.CapCondStore)
	sess.idle = caps.Has(imap.CapIdle) || caps.Has(imap.CapIMAP4rev2)
	log.Debug("imap connected", "server", s.String(), "condstore", sess.condstore, "idle", sess.idle)
	return sess, nil
}

func (sess *session) nudge() {
	select {
	case sess.updates <- struct{}{}:
	default:
	}
}

func (sess *session) close() {
	if sess == nil || sess.c == nil {
		return
	}
	select {
	case <-sess.c.Closed():
		return
	default:
	}
	done := make(chan struct{})
	go func() { // LOGOUT politely, but never wait long for a dead server
		_ = sess.c.Logout().Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	sess.c.Close()
}

func tlsConfig(s Settings) *tls.Config {
	if s.TLSConfig != nil {
		cfg := s.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = s.Host
		}
		return cfg
	}
	return &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

func secure(raw net.Conn, s Settings, opts *imapclient.Options) (*imapclient.Client, error) {
	switch s.Security {
	case SecurityTLS:
		conn := tls.Client(raw, opts.TLSConfig)
		if err := conn.Handshake(); err != nil {
			return nil, err
		}
		return imapclient.New(conn, opts), nil
	case SecurityStartTLS:
		return imapclient.NewStartTLS(raw, opts)
	default:
		return imapclient.New(raw, opts), nil
	}
}

func login(c *imapclient.Client, s Settings) error {
	switch s.Auth {
	case AuthXOAuth2:
		return c.Authenticate(&xoauth2Client{user: s.Username, token: s.Password})
	case AuthOAuthBearer:
		return c.Authenticate(sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: s.Username, Token: s.Password}))
	default:
		return c.Login(s.Username, s.Password).Wait()
	}
}

// xoauth2Client is the XOAUTH2 SASL mechanism (Google, Microsoft), which
// go-sasl no longer ships: one initial response, and an empty reply to the
// JSON error challenge so the server finishes with a tagged NO.
type xoauth2Client struct{ user, token string }

func (x *xoauth2Client) Start() (string, []byte, error) {
	return "XOAUTH2", []byte("user=" + x.user + "\x01auth=Bearer " + x.token + "\x01\x01"), nil
}

func (x *xoauth2Client) Next([]byte) ([]byte, error) { return []byte{}, nil }

// TestConnection connects, logs in and lists the folders that would be
// watched. The error says in words which of host, TLS or password is wrong
// (errors.Is with ErrUnreachable, ErrTLS, ErrAuth).
func TestConnection(ctx context.Context, s Settings) ([]string, error) {
	sess, err := connect(ctx, s, slog.Default())
	if err != nil {
		return nil, err
	}
	defer sess.close()
	return sess.watchedFolders(s)
}

// watchedFolders is Settings.Folders, or INBOX plus the \Sent folder the
// server names through SPECIAL-USE (LIST attributes).
func (sess *session) watchedFolders(s Settings) ([]string, error) {
	if len(s.Folders) > 0 {
		return s.Folders, nil
	}
	folders := []string{"INBOX"}
	list, err := sess.c.List("", "*", nil).Collect()
	if err != nil {
		return nil, classify(s, "listing folders", err)
	}
	for _, mb := range list {
		for _, attr := range mb.Attrs {
			if attr == imap.MailboxAttrSent && mb.Mailbox != "INBOX" {
				return append(folders, mb.Mailbox), nil
			}
		}
	}
	return folders, nil
}
