// Package bridge holds the thin structs the Wails window binds to the
// frontend: one per screen area (Home, Accounts, Calls, Evidence, Deals,
// Hypotheses, Recruiting, Search, Settings). Each method takes and returns DTOs with json
// tags, does one small thing against the notebook store, and returns errors
// as *notebook.Error so the UI can show a code and a sentence.
//
// Why a separate package: the bound methods are the UI's whole API, and
// keeping them free of Wails (events go out through Emitter, native file
// dialogs through Dialogs, the store through Backend) lets every method be
// tested with `go test` and no window. app/desktop supplies the real
// implementations; tests supply in-memory ones.
//
// Bound methods never panic into Wails: a panic would leave the JavaScript
// promise pending forever (wails-recipe.md §4), so every method recovers and
// returns an internal error instead.
package bridge
