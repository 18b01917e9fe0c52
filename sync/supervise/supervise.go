// Package supervise runs long-lived services — loops with the signature
// Serve(ctx) error that own their state — for as long as a context lives,
// restarting one that returned or panicked with capped exponential
// backoff, so one broken loop never takes the process or the others down.
// Both processes use it: the desktop app (mail, AI queue, sync) and
// `fieldhub serve` (change hints, purge, webhooks, the insights projector).
// Standard library only; small enough that a dependency (suture, oklog/run)
// would bring more than it saves.
package supervise

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// Supervisor runs services until Stop or its parent context ends.
type Supervisor struct {
	log        *slog.Logger
	MinBackoff time.Duration // first wait before a restart
	MaxBackoff time.Duration // the cap on the doubling wait
	Healthy    time.Duration // a run this long resets the backoff

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New returns a supervisor bound to parent (1 s → 1 min backoff).
func New(parent context.Context, log *slog.Logger) *Supervisor {
	ctx, cancel := context.WithCancel(parent)
	return &Supervisor{log: log, MinBackoff: time.Second, MaxBackoff: time.Minute, Healthy: time.Minute, ctx: ctx, cancel: cancel}
}

// Run starts serve in its own goroutine and keeps it running until Stop.
func (s *Supervisor) Run(name string, serve func(context.Context) error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		backoff := s.MinBackoff
		for {
			started := time.Now()
			err := protect(s.ctx, serve)
			if s.ctx.Err() != nil {
				return
			}
			if time.Since(started) >= s.Healthy {
				backoff = s.MinBackoff
			}
			s.log.Warn("service stopped; restarting", "service", name, "in", backoff.String(), "err", err)
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, s.MaxBackoff)
		}
	}()
}

// protect turns a panic in a service into an error, so it is restarted
// instead of crashing the process.
func protect(ctx context.Context, serve func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
		}
	}()
	if err = serve(ctx); err == nil {
		err = fmt.Errorf("returned without an error")
	}
	return err
}

// Stop cancels every service and waits for them, at most wait: a service
// stuck in I/O must not keep the window from closing or the hub from
// exiting.
func (s *Supervisor) Stop(wait time.Duration) {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		s.log.Warn("services did not stop in time", "waited", wait.String())
	}
}
