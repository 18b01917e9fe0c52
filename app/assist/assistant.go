package assist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"time"

	"fieldnotes/app/notebook"
)

// Options are the assistant's collaborators; every field may be zero.
type Options struct {
	Logger     *slog.Logger
	HTTPClient *http.Client // default: a client without its own timeout (Config.RequestTimeout applies)
	// OnProgress receives streaming progress (the bridge emits assist:progress).
	// It is called from the Serve goroutine and must not block.
	OnProgress func(Progress)
	// OnDone receives each job that reaches a final state (assist:done).
	OnDone func(Job)
	Now    func() time.Time
	Jitter func() float64 // in [0,1); default math/rand
}

// Assistant is the AI service: a durable queue of jobs run by one Serve loop.
// All methods are safe for concurrent use.
type Assistant struct {
	store QueueStore
	opts  Options
	log   *slog.Logger
	http  *http.Client
	nudge chan struct{}

	mu        sync.Mutex
	serving   bool
	cfg       Config
	online    bool
	reachable bool
	jobs      map[string]*Job
	running   string             // id of the running job
	cancelRun context.CancelFunc // cancels the running job
	cancelled map[string]bool    // running jobs the user cancelled
	unreached int                // consecutive "cannot reach" failures
	usage     UsageReport
	changed   chan struct{} // closed and replaced on every job change
}

// New makes an assistant and loads the queue left by the previous run (jobs
// that were running then are queued again). It assumes the computer is
// online until told otherwise with SetOnline.
func New(cfg Config, store QueueStore, opts Options) (*Assistant, error) {
	if store == nil {
		return nil, notebook.Errorf(notebook.Invalid, "the AI assistant needs a queue store")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	a := &Assistant{store: store, opts: opts, nudge: make(chan struct{}, 1), cfg: cfg.withDefaults(),
		online: true, reachable: true, jobs: map[string]*Job{}, cancelled: map[string]bool{}, changed: make(chan struct{})}
	a.log = opts.Logger
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	a.http = opts.HTTPClient
	if a.http == nil {
		a.http = &http.Client{}
	}
	if err := a.load(context.Background()); err != nil {
		return nil, err
	}
	return a, nil
}

func (a *Assistant) now() time.Time {
	if a.opts.Now != nil {
		return a.opts.Now()
	}
	return time.Now()
}

func (a *Assistant) jitter() float64 {
	if a.opts.Jitter != nil {
		return a.opts.Jitter()
	}
	return rand.Float64()
}

func (a *Assistant) load(ctx context.Context) error {
	err := a.store.LocalScan(ctx, jobKeyPrefix, func(key string, value []byte) error {
		var j Job
		if err := json.Unmarshal(value, &j); err != nil || j.ID == "" {
			a.log.Warn("assist: skipping unreadable queued job", "key", key)
			return nil
		}
		if j.State == JobRunning {
			j.State = JobQueued
		}
		a.jobs[j.ID] = &j
		return nil
	})
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "could not read the AI queue")
	}
	raw, err := a.store.LocalGet(ctx, usageKey)
	switch {
	case err == nil:
		if json.Unmarshal(raw, &a.usage) != nil {
			a.log.Warn("assist: usage record unreadable; starting from zero")
		}
	case !notebook.IsCode(err, notebook.NotFound):
		return notebook.Wrap(notebook.Internal, err, "could not read AI token usage")
	}
	if a.usage.Since.IsZero() {
		a.usage.Since = a.now().UTC()
	}
	return nil
}

// Configure applies new settings (the key included) and wakes the queue.
func (a *Assistant) Configure(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	a.mu.Lock()
	a.cfg = cfg.withDefaults()
	a.retrySoonLocked() // new settings deserve an immediate try
	a.mu.Unlock()
	a.Nudge()
	return nil
}

// RetryNow runs waiting jobs at once instead of after their backoff (the
// UI's "try now").
func (a *Assistant) RetryNow() {
	a.mu.Lock()
	a.retrySoonLocked()
	a.mu.Unlock()
	a.Nudge()
}

func (a *Assistant) retrySoonLocked() {
	a.reachable, a.unreached = true, 0
	for _, j := range a.jobs {
		if j.State == JobQueued {
			j.NextAttemptAt = time.Time{}
		}
	}
}

// SetOnline tells the assistant whether the computer has a network; queued
// jobs wait while offline and run when it comes back.
func (a *Assistant) SetOnline(online bool) {
	a.mu.Lock()
	changed := a.online != online
	a.online = online
	if online && changed {
		a.retrySoonLocked()
	}
	a.mu.Unlock()
	a.Nudge()
}

// Nudge wakes the Serve loop without blocking.
func (a *Assistant) Nudge() {
	select {
	case a.nudge <- struct{}{}:
	default:
	}
}

// Status says whether AI actions can run now and, if not, why.
func (a *Assistant) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := readiness(a.cfg, a.online, a.reachable)
	for _, j := range a.jobs {
		if j.State == JobQueued {
			st.Queued++
		}
	}
	st.Running = a.running
	return st
}

// canRunLocked reports whether the loop may start jobs at all.
func (a *Assistant) canRunLocked() bool {
	return !a.cfg.OrgDisabled && a.cfg.BaseURL != "" && a.cfg.Model != "" && a.online
}

// SubmitEvidence queues an evidence-from-notes request.
func (a *Assistant) SubmitEvidence(ctx context.Context, r EvidenceRequest) (Job, error) {
	return a.Submit(ctx, JobRequest{Evidence: &r})
}

// SubmitTriage queues an email-triage request.
func (a *Assistant) SubmitTriage(ctx context.Context, r TriageRequest) (Job, error) {
	return a.Submit(ctx, JobRequest{Triage: &r})
}

// SubmitBrief queues a pre-call brief request.
func (a *Assistant) SubmitBrief(ctx context.Context, r BriefRequest) (Job, error) {
	return a.Submit(ctx, JobRequest{Brief: &r})
}

// Submit validates a request, stores it durably as a queued job and wakes
// the loop. The returned job says why it is waiting, if it is. The same
// request while an identical one is still queued or running returns that
// job instead of a second one. With AI switched off for the organisation it
// returns a Forbidden error.
func (a *Assistant) Submit(ctx context.Context, req JobRequest) (Job, error) {
	kind, err := req.kind()
	if err != nil {
		return Job{}, err
	}
	if err := req.validate(); err != nil {
		return Job{}, err
	}
	fp := fingerprint(req)
	a.mu.Lock()
	if a.cfg.OrgDisabled {
		a.mu.Unlock()
		return Job{}, notebook.Errorf(notebook.Forbidden, "%s", reasonOrgDisabled)
	}
	if same := a.unfinishedLocked(fp); same != nil { // a double click, or the same notes again while offline
		snap := a.snapshotLocked(same)
		a.mu.Unlock()
		return snap, nil
	}
	now := a.now().UTC()
	j := &Job{ID: notebook.NewID(), Kind: kind, State: JobQueued, CreatedAt: now, UpdatedAt: now, Request: req, Fingerprint: fp}
	if err := a.persistLocked(ctx, j); err != nil {
		a.mu.Unlock()
		return Job{}, err
	}
	a.jobs[j.ID] = j
	snap := a.snapshotLocked(j)
	a.broadcastLocked()
	a.mu.Unlock()
	a.log.Info("assist: job queued", "job", j.ID, "kind", kind)
	a.Nudge()
	return snap, nil
}

func (a *Assistant) unfinishedLocked(fp string) *Job {
	for _, j := range a.jobs {
		if j.Fingerprint == fp && !j.State.Final() {
			return j
		}
	}
	return nil
}

// fingerprint identifies a request by its content.
func fingerprint(req JobRequest) string {
	raw, _ := json.Marshal(req) // plain data: cannot fail
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:16])
}

// Job returns one job as it is now.
func (a *Assistant) Job(id string) (Job, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	j, ok := a.jobs[id]
	if !ok {
		return Job{}, notebook.Errorf(notebook.NotFound, "there is no AI request %q", id)
	}
	return a.snapshotLocked(j), nil
}

// Jobs returns every job, newest first.
func (a *Assistant) Jobs() []Job {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]Job, 0, len(a.jobs))
	for _, j := range a.jobs {
		out = append(out, a.snapshotLocked(j))
	}
	sort.Slice(out, func(i, k int) bool {
		if !out[i].CreatedAt.Equal(out[k].CreatedAt) {
			return out[i].CreatedAt.After(out[k].CreatedAt)
		}
		return out[i].ID > out[k].ID
	})
	return out
}

// Cancel stops a job: a queued one is cancelled at once, a running one as
// soon as its request is aborted. Cancelling a cancelled job is a no-op; a
// job already done or failed gives a Conflict error.
func (a *Assistant) Cancel(ctx context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	j, ok := a.jobs[id]
	if !ok {
		return notebook.Errorf(notebook.NotFound, "there is no AI request %q", id)
	}
	switch j.State {
	case JobCancelled:
		return nil
	case JobDone, JobFailed:
		return notebook.Errorf(notebook.Conflict, "this AI request has already finished")
	case JobRunning:
		a.cancelled[id] = true
		if a.running == id && a.cancelRun != nil {
			a.cancelRun()
		}
		return nil
	}
	return a.finishLocked(ctx, j, JobCancelled, nil)
}

// Forget deletes a finished job and its result. Queued or running jobs must
// be cancelled first.
func (a *Assistant) Forget(ctx context.Context, id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	j, ok := a.jobs[id]
	if !ok {
		return nil
	}
	if !j.State.Final() {
		return notebook.Errorf(notebook.Conflict, "cancel this AI request before removing it")
	}
	if err := a.store.LocalDelete(ctx, jobKeyPrefix+id); err != nil {
		return notebook.Wrap(notebook.Internal, err, "could not remove the AI request")
	}
	delete(a.jobs, id)
	a.broadcastLocked()
	return nil
}

// Wait blocks until the job reaches a final state or ctx ends.
func (a *Assistant) Wait(ctx context.Context, id string) (Job, error) {
	for {
		a.mu.Lock()
		j, ok := a.jobs[id]
		if !ok {
			a.mu.Unlock()
			return Job{}, notebook.Errorf(notebook.NotFound, "there is no AI request %q", id)
		}
		snap, changed := a.snapshotLocked(j), a.changed
		a.mu.Unlock()
		if snap.State.Final() {
			return snap, nil
		}
		select {
		case <-ctx.Done():
			return snap, ctx.Err()
		case <-changed:
		}
	}
}

// Usage returns the token usage recorded since Since.
func (a *Assistant) Usage() UsageReport {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.usage
}

// ResetUsage starts the usage count again from zero.
func (a *Assistant) ResetUsage(ctx context.Context) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.usage = UsageReport{Since: a.now().UTC()}
	return a.persistUsageLocked(ctx)
}

func (a *Assistant) snapshotLocked(j *Job) Job {
	s := *j
	if s.State == JobQueued {
		st := readiness(a.cfg, a.online, a.reachable)
		switch {
		case st.State != StateReady:
			s.Waiting = st.Reason
		case s.Attempts > 0:
			s.Waiting = reasonRetryingLater
		}
	}
	return s
}

func (a *Assistant) persistLocked(ctx context.Context, j *Job) error {
	j.UpdatedAt = a.now().UTC()
	raw, err := json.Marshal(j)
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "could not save the AI request")
	}
	if err := a.store.LocalPut(ctx, jobKeyPrefix+j.ID, raw); err != nil {
		return notebook.Wrap(notebook.Internal, err, "could not save the AI request")
	}
	return nil
}

func (a *Assistant) persistUsageLocked(ctx context.Context) error {
	raw, _ := json.Marshal(a.usage) // plain struct: cannot fail
	if err := a.store.LocalPut(ctx, usageKey, raw); err != nil {
		return notebook.Wrap(notebook.Internal, err, "could not save AI token usage")
	}
	return nil
}

func (a *Assistant) broadcastLocked() {
	close(a.changed)
	a.changed = make(chan struct{})
}

// finishLocked moves a job to a final state, saves it and reports it.
func (a *Assistant) finishLocked(ctx context.Context, j *Job, state JobState, jobErr *notebook.Error) error {
	j.State, j.Error = state, jobErr
	err := a.persistLocked(ctx, j)
	a.broadcastLocked()
	if a.opts.OnDone != nil {
		snap := a.snapshotLocked(j)
		go a.opts.OnDone(snap) // never call out while holding the lock
	}
	return err
}

// readyConfig returns the settings when AI can run now, else a "waiting because …" error.
func (a *Assistant) readyConfig() (Config, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := readiness(a.cfg, a.online, true)
	switch st.State {
	case StateDisabled:
		return Config{}, notebook.Errorf(notebook.Forbidden, "%s", st.Reason)
	case StateWaiting:
		return Config{}, notebook.Errorf(notebook.Conflict, "%s", st.Reason)
	}
	return a.cfg, nil
}
