// Package notebook is Fieldnotes' domain: the records a field notebook holds
// (Hypothesis, Study, Account, Contact, Call, Evidence, Email), their
// validation, the hybrid logical clock that orders edits, record ids, and the
// error codes that cross every boundary (store, bridge, CLI, hub).
//
// It imports only the standard library so that every other package — the
// Badger store, the IMAP importer, the AI assistant, the sync hub — can share
// one vocabulary without depending on each other (architecture.md, rule 1).
//
// Records serialise to the snake_case field names of sync-protocol.md. Data
// fields carry no `omitempty`: a record always names every field it knows, so
// a store can tell "cleared" from "not mentioned" when it computes the
// changed fields of an edit, while fields it does not know (written by a newer
// client) are kept by the store untouched.
package notebook
