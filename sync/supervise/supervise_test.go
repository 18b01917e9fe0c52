package supervise

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestRestartsWithBackoffAndStops(t *testing.T) {
	sup := New(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	sup.MinBackoff, sup.MaxBackoff = 5*time.Millisecond, 20*time.Millisecond
	var runs atomic.Int32
	sup.Run("flaky", func(ctx context.Context) error {
		if runs.Add(1) == 2 {
			panic("boom")
		}
		if runs.Load() < 5 {
			return errors.New("failed")
		}
		<-ctx.Done()
		return nil
	})
	deadline := time.Now().Add(10 * time.Second)
	for runs.Load() < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d runs: a failed or panicking service was not restarted", runs.Load())
		}
		time.Sleep(time.Millisecond)
	}
	sup.Stop(time.Second)
	n := runs.Load()
	time.Sleep(50 * time.Millisecond)
	if runs.Load() != n {
		t.Fatal("a service ran again after stop")
	}
}

func TestStopDoesNotWaitForeverForAStuckService(t *testing.T) {
	sup := New(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	release := make(chan struct{})
	defer close(release)
	sup.Run("stuck", func(context.Context) error { <-release; return nil })
	start := time.Now()
	sup.Stop(50 * time.Millisecond)
	if waited := time.Since(start); waited > time.Second {
		t.Fatalf("Stop waited %v for a service that ignores its context", waited)
	}
}
