package main

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"fieldnotes/sync/hub"
)

// hubServices is what `fieldhub serve` runs beside the HTTP server: the
// hub's own list (change hints, tombstone purge, the product follower,
// webhook delivery — hub.Server.Services, which synctest runs too). A
// background loop that belongs to serve alone is added here.
func hubServices(srv *hub.Server) []hub.Service {
	return srv.Services()
}

// supervisor runs the hub's services until its context ends, the way the
// desktop app runs its own (app/desktop/services.go): each service owns
// its state in its Serve loop; the supervisor only restarts one that
// returned an error or panicked, with capped exponential backoff, so one
// broken loop (a receiver, a database hiccup) never takes the hub down.
type supervisor struct {
	log        *slog.Logger
	minBackoff time.Duration
	maxBackoff time.Duration
	healthy    time.Duration // a run this long resets the backoff

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newSupervisor(parent context.Context, log *slog.Logger) *supervisor {
	ctx, cancel := context.WithCancel(parent)
	return &supervisor{log: log, minBackoff: time.Second, maxBackoff: time.Minute, healthy: time.Minute, ctx: ctx, cancel: cancel}
}

// run starts serve in its own goroutine and keeps it running until stop.
func (s *supervisor) run(name string, serve func(context.Context) error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		backoff := s.minBackoff
		for {
			started := time.Now()
			err := protect(s.ctx, serve)
			if s.ctx.Err() != nil {
				return
			}
			if time.Since(started) >= s.healthy {
				backoff = s.minBackoff
			}
			s.log.Warn("service stopped; restarting", "service", name, "in", backoff.String(), "err", err)
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(backoff*2, s.maxBackoff)
		}
	}()
}

// protect turns a panic in a service into an error, so it is restarted
// instead of crashing the hub.
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

// stop cancels every service and waits for them, bounded: a service stuck
// in I/O must not keep the hub from exiting.
func (s *supervisor) stop(wait time.Duration) {
	s.cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(wait):
		s.log.Warn("services did not stop in time", "waited", wait.String())
	}
}
