package bridge

import "sync"

// Links holds the fieldnotes:// link the welcome's Join form is filled with:
// the one the app was started with, then any a later launch handed over
// (the single-instance lock in app/desktop). It is shared by the window
// (app/desktop writes) and the Welcome area (reads), hence the lock.
type Links struct {
	mu    sync.Mutex
	link  string
	spent bool // the user chose a way in: the link no longer fills the form
}

// NewLinks starts with the link the app was launched with ("" for none).
func NewLinks(start string) *Links { return &Links{link: start} }

// HandOver makes link the one the Join form shows, even after the user
// already chose a way in: a clicked invite is a new request to join.
func (l *Links) HandOver(link string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.link, l.spent = link, false
}

// current is the link until the user chose a way in, then "".
func (l *Links) current() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.spent {
		return ""
	}
	return l.link
}

func (l *Links) spend() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.spent = true
}
