package signin

import (
	"context"
	"sync"
)

// Attempts lets one sign-in run at a time and be cancelled: the person
// closed the browser tab, or clicked the button again. A nil *Attempts
// runs sign-ins that cannot be cancelled.
type Attempts struct {
	mu     sync.Mutex
	seq    uint64
	cancel context.CancelFunc
}

// Start ends the sign-in under way, if any, and returns the context of a
// new one and the func that releases it when done.
func (a *Attempts) Start(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	if a == nil {
		return ctx, func() { cancel(nil) }
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancel != nil {
		a.cancel()
	}
	a.seq++
	mine := a.seq
	a.cancel = func() { cancel(errCancelled) }
	return ctx, func() {
		cancel(nil)
		a.mu.Lock()
		defer a.mu.Unlock()
		if a.seq == mine {
			a.cancel = nil
		}
	}
}

// Cancel ends the sign-in under way; it then fails with "cancelled".
func (a *Attempts) Cancel() {
	if a == nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cancel != nil {
		a.cancel()
		a.cancel = nil
	}
}
