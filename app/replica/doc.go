// Package replica connects the local notebook (app/store) to the sync
// engine (sync/syncclient): an adapter that makes *store.Store a
// syncclient.Replica by converting store.Envelope / store.Mutation to and
// from the wire types of sync/syncproto, the sync settings (hub address in
// the store's local state, token in the OS keyring through app/secrets),
// and the wiring helpers the desktop app and the command line share
// (NewEngine, WakeOnEdits).
//
// Why a package of its own: nothing under sync/ may import app/ (other than
// app/notebook), and app/store imports only app/notebook, so the two meet
// here. For the same reason the multi-client end-to-end harness lives here
// and not in sync/synctest: it needs real app/store stores (real Badger,
// in memory) on every simulated device, with the real hub and the
// fault-injecting proxy of sync/synctest over real HTTP on 127.0.0.1.
// It runs 100 seeds by default; more with
//
//	go test ./app/replica -run TestHarness -sync.seeds=2000
//	go test ./app/replica -run TestHarness -sync.seed=17 -v   # replay one seed
//
// Libraries: app/store (the only Badger importer), app/secrets (the only
// keyring importer), sync/syncclient and sync/syncproto, app/notebook for
// error codes; log/slog for logs.
package replica
