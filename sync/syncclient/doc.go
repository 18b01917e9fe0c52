// Package syncclient is the client side of Fieldnotes sync protocol v1
// (shared/design/sync-protocol.md): the engine that drains the local outbox
// to the hub, pulls the hub's changes page by page, long-polls while online
// and backs off while offline, and reports a status the UI shows as a badge.
//
// Why it looks like this:
//   - One goroutine owns the engine's state (architecture.md, rule 2):
//     Engine.Serve loops push → pull → long-poll; everyone else only nudges it
//     through ScheduleSync (a 1-buffered channel) or Configure. A nudge
//     cancels an in-flight long-poll, so a local edit leaves at once.
//   - One push in flight, mutations in outbox order: the hub applies each
//     client's mutations exactly once by mutation_id, so order is the
//     contract. Batches stay within 500 mutations and 1 MiB; a 413 halves the
//     batch; a single mutation the hub can never take (413/400 alone) is
//     recorded as a local rejection so it cannot block the outbox forever.
//   - The engine never decides what a record looks like: it hands the hub's
//     verdicts (ResolvePushed, RenumberOutbox) and pages (ApplyPulled) to the
//     Replica, whose store commits page + cursor + outbox clean-up in one
//     transaction. A 410 reset forgets the cursor only; the outbox is kept
//     and replayed.
//   - Initial downloads are pipelined: page N+1 is fetched and decoded while
//     page N is applied (the next cursor is known as soon as a page is
//     decoded). The cursor only moves when a page is applied, so a crash in
//     between costs a re-download, never a gap.
//   - Errors are *notebook.Error values with messages a person understands
//     ("the hub refused the token"); refusals that retrying cannot fix
//     (401/403/426) stop the engine until it is reconfigured.
//
// Libraries: the standard library only (net/http, encoding/json, log/slog)
// plus sync/syncproto for the wire types and app/notebook for error codes.
// Nothing under sync/ may import app/store (architecture.md, rule 1), which
// is why the store is reached through the Replica interface defined here and
// adapted in app/replica — and why the multi-client tests with real stores
// live in app/replica, not here. The tests here run the real hub over real
// HTTP (sync/synctest) with an in-memory Replica.
//
// ProductClient (product.go) is the one other client of the hub in the app:
// the product API (who am I, announce hypotheses, insights, anonymised
// export), on the same transport and error kinds as the engine.
package syncclient
