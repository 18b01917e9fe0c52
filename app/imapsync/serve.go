package imapsync

import (
	"context"
	"log/slog"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Service keeps a mailbox in sync while the app is open: it pulls, then
// IDLEs on INBOX (or sleeps for PollEvery when the server has no IDLE) until
// the server reports a change, a nudge arrives through ScheduleSync, or the
// poll interval passes. Failures back off exponentially up to MaxBackoff.
// One goroutine (Serve) owns the connection and the state.
type Service struct {
	Puller     *Puller
	PollEvery  time.Duration // 0 means 5 minutes
	MaxBackoff time.Duration // 0 means 5 minutes
	// OnPulled is called after every pull (the app emits mail:fetched).
	OnPulled func(Counts, error)

	nudge chan struct{}
}

// NewService wires a Service around a Puller.
func NewService(s Settings, dir Directory, mb Mailbox, progress func(Progress), log *slog.Logger) *Service {
	return &Service{
		Puller: &Puller{Settings: s, Directory: dir, Mailbox: mb, Progress: progress, Log: log},
		nudge:  make(chan struct{}, 1),
	}
}

// ScheduleSync asks Serve to pull soon (an account was added, the user
// pressed "sync"). It never blocks; nudges coalesce.
func (s *Service) ScheduleSync() {
	select {
	case s.nudge <- struct{}{}:
	default:
	}
}

// Serve runs until ctx ends. It returns ctx.Err().
func (s *Service) Serve(ctx context.Context) error {
	if s.nudge == nil {
		s.nudge = make(chan struct{}, 1)
	}
	defer s.Puller.Close()
	backoff := time.Second
	for {
		counts, err := s.Puller.Pull(ctx)
		if s.OnPulled != nil {
			s.OnPulled(counts, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		wait := s.pollEvery()
		if err != nil {
			s.Puller.log().Warn("mail sync failed; retrying", "server", s.Puller.Settings.String(), "in", backoff, "err", err)
			wait, backoff = backoff, min(backoff*2, s.maxBackoff())
		} else {
			backoff = time.Second
		}
		if err := s.waitForChange(ctx, wait, err == nil); err != nil {
			return err
		}
	}
}

func (s *Service) pollEvery() time.Duration {
	if s.PollEvery > 0 {
		return s.PollEvery
	}
	return 5 * time.Minute
}

func (s *Service) maxBackoff() time.Duration {
	if s.MaxBackoff > 0 {
		return s.MaxBackoff
	}
	return 5 * time.Minute
}

// waitForChange blocks until something may have changed. With a healthy
// connection that supports IDLE it idles on INBOX; otherwise it sleeps.
func (s *Service) waitForChange(ctx context.Context, wait time.Duration, healthy bool) error {
	timer := time.NewTimer(wait)
	defer timer.Stop()
	sess := s.Puller.sess
	if healthy && sess != nil && sess.idle {
		return s.idle(ctx, sess, timer.C)
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.nudge:
	case <-timer.C:
	}
	return nil
}

func (s *Service) idle(ctx context.Context, sess *session, timeout <-chan time.Time) error {
	sel, err := sess.c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		s.Puller.Close()
		return nil
	}
	drain(sess.updates) // SELECT's own EXISTS is not news…
	if fs, err := (state{s.Puller.Mailbox}).folder(ctx, "INBOX"); err == nil && fs.UIDNext != 0 && uint32(sel.UIDNext) != fs.UIDNext {
		return nil // …but mail that arrived during the pull is: pull again now
	}
	cmd, err := sess.c.Idle()
	if err != nil {
		s.Puller.Close()
		return nil
	}
	var result error
	select {
	case <-ctx.Done():
		result = ctx.Err()
	case <-s.nudge:
	case <-sess.updates:
	case <-timeout:
	case <-sess.c.Closed():
	}
	if err := cmd.Close(); err != nil {
		s.Puller.Close()
		return result
	}
	if err := cmd.Wait(); err != nil {
		s.Puller.Close()
	}
	return result
}

func drain(ch chan struct{}) {
	select {
	case <-ch:
	default:
	}
}
