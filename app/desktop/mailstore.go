package desktop

import (
	"context"
	"errors"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// The adapter from *store.Store to imapsync's Mailbox and Directory is
// bridge.MailStore: `fieldnotes mail sync` (app/cli) needs the very same
// adapter and may not import this package. What only the window needs lives
// here: re-judging relevance when the directory changes.

// watchDirectory nudges the mail service whenever an account or contact is
// added, changed or removed (imported, typed, or pulled from the hub). The
// next pull re-evaluates the envelopes already seen, locally, and fetches
// only the bodies that became relevant. Bursts (an import of 5,000
// contacts) coalesce in the service's 1-buffered nudge channel.
func watchDirectory(ctx context.Context, st *store.Store, relevanceChanged func()) error {
	changes, stop := st.Subscribe()
	defer stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case c, ok := <-changes:
			if !ok {
				return errors.New("the store's change feed closed")
			}
			if c.Type == notebook.TypeAccount || c.Type == notebook.TypeContact {
				relevanceChanged()
			}
		}
	}
}
