package bridge

import (
	"errors"
	"sync"
	"time"

	"fieldnotes/app/imapsync"
	"fieldnotes/app/notebook"
)

// Mail service states, as MailStatus.State.
const (
	MailNotConfigured = "not_configured" // no settings saved yet
	MailIdle          = "idle"           // up to date; waiting for new mail (IDLE or poll)
	MailSyncing       = "syncing"        // a pull is running (Folder, Done of Total)
	MailError         = "error"          // the last pull failed (Message says why); retried with backoff
	MailCancelled     = "cancelled"      // the rep cancelled; resumes on SyncNow or the next poll
	MailStopped       = "stopped"        // the app is shutting down, or no mail service in this build
)

// MailCounts is what one pull did.
type MailCounts struct {
	Folders     int `json:"folders"`
	Scanned     int `json:"scanned"`
	Relevant    int `json:"relevant"`
	Fetched     int `json:"fetched"`
	Skipped     int `json:"skipped"`
	Expunged    int `json:"expunged"`
	FlagChanges int `json:"flag_changes"`
}

// MailStatus is the mail badge and progress bar, and the payload of the
// `mail:progress` event.
type MailStatus struct {
	State      string     `json:"state"`
	Message    string     `json:"message"` // in words, for the badge's tooltip
	ErrorCode  string     `json:"error_code"`
	Folder     string     `json:"folder"`
	Stage      string     `json:"stage"` // checking, scanning, fetching, done
	Done       int        `json:"done"`
	Total      int        `json:"total"`
	LastSyncAt string     `json:"last_sync_at"`
	Last       MailCounts `json:"last"`
}

// MailFetched is the payload of `mail:fetched`: a pull changed the inbox.
type MailFetched struct {
	Counts MailCounts `json:"counts"`
	At     string     `json:"at"`
}

// MailTracker turns the mail service's callbacks into MailStatus and the
// `mail:progress` / `mail:fetched` events. Progress events are throttled
// (a first pull of a big mailbox reports thousands of steps); state changes
// always go out at once.
type MailTracker struct {
	emit  Emitter
	every time.Duration
	now   func() time.Time

	mu       sync.Mutex
	status   MailStatus
	lastEmit time.Time
}

// NewMailTracker starts in "not configured" until the service says otherwise.
func NewMailTracker(e Emitter) *MailTracker {
	return &MailTracker{emit: e, every: 250 * time.Millisecond, now: time.Now,
		status: MailStatus{State: MailNotConfigured, Message: "Mail is not set up yet: add your IMAP server in Settings."}}
}

// Status returns the current status.
func (t *MailTracker) Status() MailStatus {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status
}

// SetState records a state the service decided (not configured, idle,
// cancelled, stopped) and announces it.
func (t *MailTracker) SetState(state, message string) {
	t.update(true, func(s *MailStatus) {
		s.State, s.Message, s.ErrorCode = state, message, ""
		s.Folder, s.Stage, s.Done, s.Total = "", "", 0, 0
	})
}

// Progress is the imapsync progress callback.
func (t *MailTracker) Progress(p imapsync.Progress) {
	t.mu.Lock()
	changed := t.status.State != MailSyncing || t.status.Folder != p.Folder || t.status.Stage != p.Stage
	t.mu.Unlock()
	t.update(changed, func(s *MailStatus) {
		s.State, s.Message, s.ErrorCode = MailSyncing, "Checking your mailbox…", ""
		s.Folder, s.Stage, s.Done, s.Total = p.Folder, p.Stage, p.Done, p.Total
	})
}

// Pulled is the service's after-pull callback: it settles the status and
// emits `mail:fetched` when the inbox changed.
func (t *MailTracker) Pulled(c imapsync.Counts, err error) {
	counts := mailCounts(c)
	t.update(true, func(s *MailStatus) {
		s.Folder, s.Stage, s.Done, s.Total = "", "", 0, 0
		if err != nil {
			s.State, s.Message, s.ErrorCode = mailErrorState(err)
			return
		}
		s.State, s.Message, s.ErrorCode = MailIdle, "Up to date.", ""
		s.LastSyncAt, s.Last = ts(t.now()), counts
	})
	if err == nil && (c.Fetched > 0 || c.Expunged > 0 || c.FlagChanges > 0) && t.emit != nil {
		t.emit.Emit("mail:fetched", MailFetched{Counts: counts, At: ts(t.now())})
	}
}

// mailErrorState words a failed pull. (A pull the rep cancelled never gets
// here: the service runner reports MailCancelled itself.)
func mailErrorState(err error) (state, message, code string) {
	var e *notebook.Error
	if errors.As(err, &e) {
		return MailError, e.Message, string(e.Code)
	}
	return MailError, "Mail sync failed; the details are in the log.", string(notebook.Internal)
}

func (t *MailTracker) update(force bool, change func(*MailStatus)) {
	t.mu.Lock()
	change(&t.status)
	s := t.status
	now := t.now()
	send := force || now.Sub(t.lastEmit) >= t.every
	if send {
		t.lastEmit = now
	}
	t.mu.Unlock()
	if send && t.emit != nil {
		t.emit.Emit("mail:progress", s)
	}
}

func mailCounts(c imapsync.Counts) MailCounts {
	return MailCounts{Folders: c.Folders, Scanned: c.Scanned, Relevant: c.Relevant, Fetched: c.Fetched,
		Skipped: c.Skipped, Expunged: c.Expunged, FlagChanges: c.FlagChanges}
}
