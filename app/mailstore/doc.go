// Package mailstore is the notebook's side of mail, beside app/replica (the
// notebook's side of sync): Store adapts the encrypted store to imapsync's
// Mailbox and Directory (pulled emails saved local-only, the rep's links
// kept, hidden emails never brought back, whole FETCH batches in a few
// commits), and LoadSettings/SaveSettings keep the IMAP settings in the
// store's local space with the password in the vault.
//
// It is its own package because three callers need the very same adapter:
// the window's mail service (app/wiring), `fieldnotes mail sync` (app/cli)
// and the Mail area (app/bridge); the bridge only maps DTOs over it.
package mailstore
