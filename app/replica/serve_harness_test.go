package replica

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"testing"
	"time"

	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/synctest"
)

var flagServeSeeds = flag.Int("sync.serveseeds", 10, "seeds of the harness with engines running Serve")

// TestHarnessServe: the same three devices, but each runs the engine as the
// app does (Serve + WakeOnEdits, long-polling) while the random edits
// happen and the proxy injects faults — long-polls cut, truncated pages,
// 5xx/429 with Retry-After. Afterwards every store must equal the hub.
func TestHarnessServe(t *testing.T) {
	for seed := 1; seed <= *flagServeSeeds; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { runServeSeed(t, uint64(1000+seed)) })
	}
}

func runServeSeed(t *testing.T, seed uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	scope := &seedScope{TB: t}
	defer scope.close()
	w := newWorld(t, scope, seed)
	w.setupSharedCall(ctx)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	for _, d := range w.devs {
		eng, err := syncclient.New(syncclient.Config{Replica: New(d.st), HubURL: w.proxy.URL, Token: d.user.Token, Logger: quiet,
			LongPoll: time.Second, MinBackoff: 5 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		d.eng = eng
		go func() { _ = eng.Serve(runCtx); done <- struct{}{} }()
		go WakeOnEdits(runCtx, d.st, eng)
	}
	w.proxy.SetPolicy(synctest.RandomPolicy(seed, 0.15))
	for step := 0; step < *flagSteps; step++ {
		w.edit(ctx, w.devs[w.rng.IntN(len(w.devs))])
		time.Sleep(time.Duration(w.rng.IntN(20)) * time.Millisecond)
	}
	w.concurrentNotesOffline(ctx, stop, done)
	w.heal(ctx)
	w.verify(ctx)
	t.Logf("faults: %v", w.proxy.Counts())
}

// concurrentNotesOffline stops the engines (the devices go offline), then
// both rep devices type into the shared call.
func (w *world) concurrentNotesOffline(ctx context.Context, stop context.CancelFunc, done chan struct{}) {
	w.proxy.SetPolicy(func(int, *http.Request) synctest.Fault { return synctest.Fault{} })
	stop()
	for range w.devs {
		<-done
	}
	for _, d := range w.devs { // SyncOnce needs an engine not serving: reuse the same one
		if st := d.eng.Status(); st.Phase != syncclient.PhaseIdle {
			w.t.Fatalf("%s still running: %+v", d.name, st)
		}
	}
	w.concurrentNotes(ctx)
}
