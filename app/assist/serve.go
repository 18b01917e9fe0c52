package assist

import (
	"context"
	"errors"
	"time"

	"fieldnotes/app/notebook"
)

// Serve runs queued jobs, one at a time, until ctx ends (then it returns
// nil; a job interrupted by shutdown is queued again). It is the only
// goroutine that runs jobs; everything else nudges it. A second concurrent
// Serve returns a Conflict error at once.
func (a *Assistant) Serve(ctx context.Context) error {
	a.mu.Lock()
	if a.serving {
		a.mu.Unlock()
		return notebook.Errorf(notebook.Conflict, "the AI queue is already being served")
	}
	a.serving = true
	a.mu.Unlock()
	defer func() {
		a.mu.Lock()
		a.serving = false
		a.mu.Unlock()
	}()
	for {
		job, wait := a.next()
		if job != nil {
			a.run(ctx, job)
			continue
		}
		if a.sleep(ctx, wait) {
			return nil
		}
	}
}

// sleep waits for a nudge, ctx's end or wait to pass (wait 0: no timeout);
// it reports whether ctx ended.
func (a *Assistant) sleep(ctx context.Context, wait time.Duration) bool {
	var timeout <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return true
	case <-a.nudge:
	case <-timeout:
	}
	return false
}

// next picks the queued job due first and claims it (state running). It
// returns the job when it is due, otherwise how long to wait (0: until
// nudged).
func (a *Assistant) next() (*Job, time.Duration) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.canRunLocked() {
		return nil, 0
	}
	var best *Job
	for _, j := range a.jobs {
		if j.State != JobQueued {
			continue
		}
		if best == nil || j.NextAttemptAt.Before(best.NextAttemptAt) ||
			(j.NextAttemptAt.Equal(best.NextAttemptAt) && j.CreatedAt.Before(best.CreatedAt)) {
			best = j
		}
	}
	if best == nil {
		return nil, 0
	}
	if wait := best.NextAttemptAt.Sub(a.now()); wait > 0 {
		return nil, wait
	}
	best.State = JobRunning // claimed under the lock, so Cancel sees it running
	a.running = best.ID
	return best, 0
}

// run executes one job and records its outcome.
func (a *Assistant) run(ctx context.Context, j *Job) {
	jobCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	a.mu.Lock()
	a.cancelRun = cancel
	if a.cancelled[j.ID] { // cancelled between claim and start
		cancel()
	}
	cfg := a.cfg
	req := j.Request
	if err := a.persistLocked(ctx, j); err != nil {
		a.log.Warn("assist: could not save job state", "job", j.ID, "err", err)
	}
	a.broadcastLocked()
	a.mu.Unlock()

	started := time.Now()
	progress := func(p Progress) {
		p.JobID, p.Kind = j.ID, j.Kind
		if a.opts.OnProgress != nil {
			a.opts.OnProgress(p)
		}
	}
	res, usage, err := a.execute(jobCtx, cfg, req, progress)

	a.mu.Lock()
	defer a.mu.Unlock()
	a.running, a.cancelRun = "", nil
	j.Usage = j.Usage.Add(usage)
	a.addUsageLocked(ctx, usage)
	a.settleLocked(ctx, j, res, err)
	a.log.Info("assist: job ran", "job", j.ID, "kind", j.Kind, "state", j.State,
		"tokens", usage.TotalTokens, "ms", time.Since(started).Milliseconds())
}

// settleLocked decides what an attempt's outcome means for the job.
func (a *Assistant) settleLocked(ctx context.Context, j *Job, res result, err error) {
	cancelledByUser := a.cancelled[j.ID]
	delete(a.cancelled, j.ID)
	var transient *transientError
	var unreachable *unreachableError
	var nbErr *notebook.Error
	switch {
	case err == nil:
		a.reachable, a.unreached = true, 0
		j.Evidence, j.Triage, j.Brief = res.evidence, res.triage, res.brief
		a.finishOrLog(ctx, j, JobDone, nil)
	case cancelledByUser:
		a.finishOrLog(ctx, j, JobCancelled, nil)
	case ctx.Err() != nil: // shutting down: run again next time
		j.State = JobQueued
		a.saveOrLog(ctx, j)
	case errors.As(err, &transient):
		a.reachable, a.unreached = true, 0
		j.Attempts++
		if j.Attempts >= a.cfg.MaxAttempts {
			a.finishOrLog(ctx, j, JobFailed, notebook.Wrap(notebook.Internal, err, "%s; gave up after %d tries", transient.reason, j.Attempts))
			return
		}
		j.State = JobQueued
		j.NextAttemptAt = a.now().Add(max(a.backoff(j.Attempts), transient.retryAfter))
		a.log.Info("assist: job will be retried", "job", j.ID, "reason", transient.reason, "at", j.NextAttemptAt)
		a.saveOrLog(ctx, j)
	case errors.As(err, &unreachable):
		a.reachable = false
		a.unreached++
		j.State = JobQueued
		j.NextAttemptAt = a.now().Add(a.backoff(a.unreached))
		a.log.Info("assist: endpoint unreachable; job waits", "job", j.ID, "at", j.NextAttemptAt)
		a.saveOrLog(ctx, j)
	case errors.As(err, &nbErr):
		a.reachable, a.unreached = true, 0
		a.log.Warn("assist: job failed", "job", j.ID, "kind", j.Kind, "code", nbErr.Code)
		a.finishOrLog(ctx, j, JobFailed, nbErr)
	default:
		a.log.Error("assist: job failed unexpectedly", "job", j.ID, "err", err)
		a.finishOrLog(ctx, j, JobFailed, notebook.Wrap(notebook.Internal, err, "the AI request failed unexpectedly; details are in the log"))
	}
}

func (a *Assistant) finishOrLog(ctx context.Context, j *Job, state JobState, jobErr *notebook.Error) {
	if err := a.finishLocked(context.WithoutCancel(ctx), j, state, jobErr); err != nil {
		a.log.Warn("assist: could not save job state", "job", j.ID, "err", err)
	}
}

func (a *Assistant) saveOrLog(ctx context.Context, j *Job) {
	if err := a.persistLocked(context.WithoutCancel(ctx), j); err != nil {
		a.log.Warn("assist: could not save job state", "job", j.ID, "err", err)
	}
	a.broadcastLocked()
}

func (a *Assistant) addUsageLocked(ctx context.Context, u Usage) {
	if u == (Usage{}) {
		return
	}
	a.usage.Total = a.usage.Total.Add(u)
	if err := a.persistUsageLocked(context.WithoutCancel(ctx)); err != nil {
		a.log.Warn("assist: could not save token usage", "err", err)
	}
}

// backoff is capped exponential backoff with "equal jitter": half the delay
// fixed, half random, so many clients do not retry in step.
func (a *Assistant) backoff(attempt int) time.Duration {
	d := a.cfg.BackoffInitial
	for i := 1; i < attempt && d < a.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, a.cfg.BackoffMax)
	return d/2 + time.Duration(a.jitter()*float64(d/2))
}

// result holds whichever answer a job produced.
type result struct {
	evidence *EvidenceResult
	triage   *TriageResult
	brief    *BriefResult
}

// execute runs one request against the endpoint: redact, ask (retrying a
// malformed answer once), restore, check.
func (a *Assistant) execute(ctx context.Context, cfg Config, req JobRequest, progress func(Progress)) (result, Usage, error) {
	c := caller{cfg: cfg, http: a.http, log: a.log}
	switch {
	case req.Evidence != nil:
		r := *req.Evidence
		red := NewRedactor(!cfg.DisableRedaction, r.Contacts)
		res, u, err := ask(ctx, c, evidencePrompt(r, red), progress, func(ans string) (EvidenceResult, error) {
			return decodeEvidence(ans, r.Hypotheses, r.Notes, red)
		})
		return result{evidence: &res}, u, err
	case req.Triage != nil:
		r := *req.Triage
		red := NewRedactor(!cfg.DisableRedaction, r.Contacts)
		res, u, err := ask(ctx, c, triagePrompt(r, red), progress, func(ans string) (TriageResult, error) {
			return decodeTriage(ans, r.Hypotheses, r.Email.ID, r.text(), red)
		})
		return result{triage: &res}, u, err
	case req.Brief != nil:
		r := *req.Brief
		red := NewRedactor(!cfg.DisableRedaction, r.Contacts)
		known := briefSources(r)
		res, u, err := ask(ctx, c, briefPrompt(r, red), progress, func(ans string) (BriefResult, error) {
			return decodeBrief(ans, r.Account.ID, known, red)
		})
		return result{brief: &res}, u, err
	}
	return result{}, Usage{}, notebook.Errorf(notebook.Invalid, "an AI request must ask for exactly one thing")
}

// ask sends p and decodes the answer; a malformed answer is asked for once
// more, and a second malformed one becomes an Invalid error — the caller
// never sees part of a bad answer.
func ask[T any](ctx context.Context, c caller, p prompt, progress func(Progress), decode func(string) (T, error)) (T, Usage, error) {
	var zero T
	var usage Usage
	var lastErr error
	for attempt := 0; attempt < 2; attempt++ {
		phase := "sending"
		if attempt > 0 {
			phase = "retrying"
		}
		progress(Progress{Phase: phase})
		comp, err := c.complete(ctx, p, attempt > 0, func(n int) { progress(Progress{Phase: "receiving", Received: n}) })
		usage = usage.Add(comp.Usage)
		if err == nil {
			var res T
			if res, err = decode(comp.Answer); err == nil {
				return res, usage, nil
			}
		}
		if !errors.Is(err, errMalformed) {
			return zero, usage, err
		}
		lastErr = err
		c.log.Debug("assist: unusable answer", "attempt", attempt+1, "err", err)
	}
	return zero, usage, notebook.Wrap(notebook.Invalid, lastErr,
		"the AI answer could not be used, twice in a row; nothing was applied. Try again, or try another model")
}

// ExtractEvidence runs an evidence request now, outside the queue (for the
// CLI and tests). It fails with a "waiting because …" Conflict error when AI
// cannot run, and records token usage like a queued job.
func (a *Assistant) ExtractEvidence(ctx context.Context, r EvidenceRequest, progress func(Progress)) (EvidenceResult, error) {
	res, err := a.direct(ctx, JobRequest{Evidence: &r}, progress)
	if err != nil {
		return EvidenceResult{}, err
	}
	return *res.evidence, nil
}

// TriageEmail runs a triage request now, outside the queue.
func (a *Assistant) TriageEmail(ctx context.Context, r TriageRequest, progress func(Progress)) (TriageResult, error) {
	res, err := a.direct(ctx, JobRequest{Triage: &r}, progress)
	if err != nil {
		return TriageResult{}, err
	}
	return *res.triage, nil
}

// Brief runs a brief request now, outside the queue.
func (a *Assistant) Brief(ctx context.Context, r BriefRequest, progress func(Progress)) (BriefResult, error) {
	res, err := a.direct(ctx, JobRequest{Brief: &r}, progress)
	if err != nil {
		return BriefResult{}, err
	}
	return *res.brief, nil
}

func (a *Assistant) direct(ctx context.Context, req JobRequest, progress func(Progress)) (result, error) {
	if err := req.validate(); err != nil {
		return result{}, err
	}
	cfg, err := a.readyConfig()
	if err != nil {
		return result{}, err
	}
	if progress == nil {
		progress = func(Progress) {}
	}
	res, usage, err := a.execute(ctx, cfg, req, progress)
	a.mu.Lock()
	a.addUsageLocked(ctx, usage)
	a.mu.Unlock()
	if err != nil {
		return result{}, humanError(err)
	}
	return res, nil
}

// humanError gives every error leaving a direct call a code and a message.
func humanError(err error) error {
	var nbErr *notebook.Error
	var transient *transientError
	var unreachable *unreachableError
	switch {
	case errors.As(err, &nbErr):
		return nbErr
	case errors.Is(err, context.Canceled):
		return notebook.Wrap(notebook.Conflict, err, "the AI request was cancelled")
	case errors.As(err, &transient):
		return notebook.Wrap(notebook.Conflict, err, "%s; try again later", transient.reason)
	case errors.As(err, &unreachable):
		return notebook.Wrap(notebook.Conflict, err, "%s", reasonUnreachable)
	}
	return notebook.Wrap(notebook.Internal, err, "the AI request failed unexpectedly; details are in the log")
}
