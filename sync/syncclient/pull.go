package syncclient

import (
	"context"
	"errors"
	"math"
	"time"

	"fieldnotes/sync/syncproto"
)

// pullTimeout bounds one page request (large pages on slow links).
const pullTimeout = 2 * time.Minute

// maxResets bounds 410 answers in one pull, so a hub that resets every
// cursor cannot make the engine download forever.
const maxResets = 2

type fetched struct {
	page syncproto.PullResponse
	err  error
}

// pullToHead pulls pages until has_more is false. A 410 (or a cursor the
// hub cannot read) forgets the cursor and downloads again; the outbox is
// kept and the next push replays it.
func (e *Engine) pullToHead(ctx context.Context, h *hubClient, rep *Report) error {
	for resets := 0; ; resets++ {
		err := e.pullPages(ctx, h, rep)
		if !errors.Is(err, errReset) && !errors.Is(err, errBadCursor) {
			return err
		}
		cursor, cerr := e.replica.Cursor(ctx)
		if cerr != nil {
			return localErr(cerr, "reading the sync position")
		}
		if cursor == "" || resets >= maxResets {
			return asResetErr(err)
		}
		e.log.Warn("sync: the hub cannot continue from this device's position; downloading everything again (pending changes are kept)", "reason", err)
		if err := e.replica.ResetCursor(ctx); err != nil {
			return localErr(err, "resetting the sync position")
		}
		rep.Resets++
	}
}

func asResetErr(err error) error {
	var se *Error
	if errors.As(err, &se) {
		return se
	}
	return newErr(KindProtocol, 410, err, "the hub keeps refusing this device's sync position; trying again later")
}

// pullPages fetches page N+1 while page N is applied: the next cursor is
// known once a page is decoded, and the store only records a cursor with
// its page, so the pipeline never skips a page.
func (e *Engine) pullPages(ctx context.Context, h *hubClient, rep *Report) error {
	cursor, err := e.replica.Cursor(ctx)
	if err != nil {
		return localErr(err, "reading the sync position")
	}
	e.update(func(s *Status) { s.Phase, s.Received, s.Remaining, s.PullStart = PhasePulling, 0, 0, time.Now().UTC() })
	defer e.update(func(s *Status) { s.Remaining = 0 })
	fctx, cancel := context.WithCancel(ctx)
	pages := make(chan fetched, 1)
	go e.fetch(fctx, h, cursor, pages)
	defer func() {
		cancel()
		for range pages { // wait for the fetcher to leave
		}
	}()
	for f := range pages {
		if f.err != nil {
			return f.err
		}
		if err := e.apply(ctx, f.page, rep); err != nil {
			return err
		}
	}
	return nil
}

// fetch sends pages in order until has_more is false or a request fails.
func (e *Engine) fetch(ctx context.Context, h *hubClient, cursor string, out chan<- fetched) {
	defer close(out)
	for {
		rctx, cancel := context.WithTimeout(ctx, pullTimeout)
		page, err := h.pullPage(rctx, e.replica.ClientID(), cursor, e.cfg.PullLimit, 0)
		cancel()
		if err == nil && page.HasMore && page.Cursor == cursor { // would loop forever
			err = newErr(KindProtocol, 200, nil, "the hub keeps sending the same page; trying again later")
		}
		select {
		case out <- fetched{page, err}:
		case <-ctx.Done():
			return
		}
		if err != nil || !page.HasMore {
			return
		}
		cursor = page.Cursor
	}
}

func (e *Engine) apply(ctx context.Context, page syncproto.PullResponse, rep *Report) error {
	if err := e.replica.ApplyPulled(ctx, page.Records, page.Cursor, page.LastMutationID); err != nil {
		return localErr(err, "saving changes from the hub")
	}
	e.update(func(s *Status) {
		s.Online, s.Received = true, s.Received+len(page.Records) // the badge turns online during a long first download
		s.Remaining = int(min(page.Remaining, math.MaxInt32))
	})
	rep.Pages++
	rep.Pulled += len(page.Records)
	e.log.Debug("sync: applied a page", "records", len(page.Records), "has_more", page.HasMore)
	return nil
}

// longPoll waits for the hub's next change (or a nudge, which cancels the
// wait so a local edit is pushed at once) and applies what arrives.
func (e *Engine) longPoll(ctx context.Context, h *hubClient, changed <-chan struct{}, rep *Report) error {
	cursor, err := e.replica.Cursor(ctx)
	if err != nil {
		return localErr(err, "reading the sync position")
	}
	pctx, cancel := context.WithTimeout(ctx, e.cfg.LongPoll+30*time.Second)
	defer cancel()
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-e.nudge:
			cancel()
		case <-changed:
			cancel()
		case <-stop:
		}
	}()
	page, err := h.pullPage(pctx, e.replica.ClientID(), cursor, e.cfg.PullLimit, e.cfg.LongPoll)
	if err != nil {
		if pctx.Err() != nil && ctx.Err() == nil {
			return nil // woken: back to the loop, which pushes first
		}
		if errors.Is(err, errReset) || errors.Is(err, errBadCursor) {
			return e.pullToHead(ctx, h, rep) // meets the 410 again and downloads afresh
		}
		return err
	}
	if err := e.apply(ctx, page, rep); err != nil {
		return err
	}
	if page.HasMore {
		return e.pullToHead(ctx, h, rep)
	}
	return nil
}
