package desktop

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"fieldnotes/app/bridge"
	"fieldnotes/app/store"
)

// app holds the Wails context and the services that live as long as the window.
type app struct {
	parent context.Context
	st     *store.Store
	log    *slog.Logger

	mu     sync.Mutex
	ctx    context.Context // Wails' context, set on startup
	cancel context.CancelFunc
	done   chan struct{}
}

// newApp is the window's half before the store is open: the services are
// built with the app as their Emitter, then Run sets st.
func newApp(parent context.Context, log *slog.Logger) *app {
	return &app{parent: parent, log: log, done: make(chan struct{})}
}

func (a *app) startup(ctx context.Context) {
	a.mu.Lock()
	a.ctx = ctx
	svc, cancel := context.WithCancel(a.parent)
	a.cancel = cancel
	a.mu.Unlock()
	go a.forwardChanges(svc)
	go func() { // Ctrl+C in the terminal closes the window like the close button
		select {
		case <-a.parent.Done():
			runtime.Quit(ctx)
		case <-svc.Done():
		}
	}()
	go func() {
		if err := a.st.Maintain(svc, 10*time.Minute); err != nil && svc.Err() == nil {
			a.log.Warn("store maintenance stopped", "err", err)
		}
	}()
}

// quit closes the window as its close button does (Restart to update).
func (a *app) quit() {
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx != nil {
		runtime.Quit(ctx)
	}
}

func (a *app) domReady(context.Context) { a.log.Info(readyMessage()) }

func (a *app) shutdown(context.Context) {
	a.mu.Lock()
	started := a.cancel != nil
	if started {
		a.cancel()
	}
	a.mu.Unlock()
	if started { // the change forwarder runs only after startup
		<-a.done
	}
}

// wailsContext is Wails' context once the window started, else nil.
func (a *app) wailsContext() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

// Emit sends an event to every connected frontend (the window and, in dev
// builds, any browser on the dev server).
func (a *app) Emit(name string, data any) {
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx != nil {
		runtime.EventsEmit(ctx, name, data)
	}
}

// forwardChanges turns the store's change feed into `records:changed`
// events. Bursts (an import of thousands of rows) are coalesced into one
// {op:"batch"} event per 100 ms so the UI refreshes once, not per row.
func (a *app) forwardChanges(ctx context.Context) {
	defer close(a.done)
	ch, stop := a.st.Subscribe()
	defer stop()
	var pending []store.Change
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case c, ok := <-ch:
			if !ok {
				return
			}
			pending = append(pending, c)
		case <-tick.C:
			a.flush(pending)
			pending = pending[:0]
		}
	}
}

// resync reports whether the store said this window missed changes.
func resync(changes []store.Change) bool {
	for _, c := range changes {
		if c.Op == store.OpResync {
			return true
		}
	}
	return false
}

func (a *app) flush(changes []store.Change) {
	switch {
	case len(changes) == 0:
	case len(changes) <= 20 && !resync(changes):
		for _, c := range changes {
			a.Emit("records:changed", bridge.RecordChange{Type: string(c.Type), ID: c.ID, Op: c.Op, Origin: c.Origin, Count: 1})
		}
	default:
		a.Emit("records:changed", bridge.RecordChange{Op: "batch", Origin: changes[len(changes)-1].Origin, Count: len(changes)})
	}
}
