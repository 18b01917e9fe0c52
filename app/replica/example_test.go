package replica_test

import (
	"context"
	"log/slog"

	"fieldnotes/app/replica"
	"fieldnotes/app/store"
	"fieldnotes/sync/syncclient"
)

// Example shows how the desktop app runs sync for an open notebook and
// feeds the sync badge.
func Example() {
	ctx := context.Background()
	st, err := store.Open(store.Options{InMemory: true})
	if err != nil {
		return
	}
	defer st.Close()
	settings := replica.NewSettings(st, "/path/to/data", slog.Default())
	eng, err := replica.NewEngine(ctx, st, settings, syncclient.Config{
		OnStatus: func(s syncclient.Status) {
			_ = s // emit "sync:status" to the UI: s.Online, s.Pending, s.LastSyncedAt, s.LastError, s.Phase
		},
	})
	if err != nil {
		return
	}
	runCtx, stop := context.WithCancel(ctx)
	served := make(chan struct{})
	defer func() { stop(); <-served }()                  // stop the engine before the store closes
	go func() { _ = eng.Serve(runCtx); close(served) }() // one owner: push, pull, long-poll, back off
	go replica.WakeOnEdits(runCtx, st, eng)              // a local edit leaves at once
	// Settings screen, "Save": store the address and token, wake the engine.
	_ = settings.Apply(ctx, eng, "https://hub.example.com", "fh_…")
	// "Sync now" button: eng.ScheduleSync(); badge: eng.Status().
}
