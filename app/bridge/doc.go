// Package bridge holds the thin structs the Wails window binds to the
// frontend: one per screen area, sixteen today (All in bind.go lists them):
// Home, Accounts, Calls, Evidence, Deals, Hypotheses, Recruiting, Search, Settings
// (import and export), Mail, Assist (AI drafts and triage), Sync (hub
// settings, status, pending changes, joining by invite, company sign-in),
// Product (the PM's hypotheses, publish and decide, insights, anonymised
// export), Welcome (the first launch), Updates (signed updates from the
// hub, app/update) and Invites (the Team screen). Each method takes and
// returns DTOs with json tags, calls the service that owns the concept (the
// notebook store, app/notebook's rules, the sync engine, the hub's product
// API through syncclient.ProductClient, the mail adapter and settings in
// app/mailstore, the AI queue, its settings and the rep's decisions in
// app/assist), and returns
// errors as *notebook.Error so the UI can show a code and a sentence:
// unavailable (the hub cannot be reached or had a problem), not_set_up (no
// hub, mail or AI configured, or not in this build), forbidden, invalid,
// not_found, conflict (clashes with the current state), internal.
//
// The DTOs are the UI's types too: `wails generate module` turns them into
// frontend/wailsjs/go/models.ts, which frontend/src/lib/api uses as is, so
// every DTO field is typed (no map[string]any or any; ts_type where the
// generator would say any). Enums lists the closed lists bound with
// EnumBind; RecordChange is the one payload of `records:changed`.
//
// Why a separate package: the bound methods are the UI's whole API, and
// keeping them free of Wails (events go out through Emitter, native file
// dialogs through Dialogs, the store through Backend) lets every method be
// tested with `go test` and no window. app/wiring supplies the real
// implementations; tests supply in-memory ones.
//
// Bound methods never panic into Wails: a panic would leave the JavaScript
// promise pending forever (wails-recipe.md §4), so every method recovers and
// returns an internal error instead.
package bridge
