package bridge

import (
	"sync"
	"time"

	"fieldnotes/app/assist"
)

// AssistDone is the payload of `assist:done`: a job reached a final state
// (done, failed, cancelled). The UI then fetches it with Assist.Job.
type AssistDone struct {
	JobID     string `json:"job_id"`
	Kind      string `json:"kind"`
	State     string `json:"state"`
	CallID    string `json:"call_id"`
	AccountID string `json:"account_id"`
	EmailID   string `json:"email_id"`
	Message   string `json:"message"` // why it failed, in words
}

// AssistProgress is the payload of `assist:progress`.
type AssistProgress struct {
	JobID    string `json:"job_id"`
	Kind     string `json:"kind"`
	Phase    string `json:"phase"` // sending, receiving, retrying
	Received int    `json:"received"`
}

// AssistEvents turns the assistant's callbacks into events. Streaming calls
// OnProgress once per chunk (hundreds a second), so progress is throttled
// per job; a change of phase always goes out.
type AssistEvents struct {
	emit  Emitter
	every time.Duration
	now   func() time.Time

	mu   sync.Mutex
	last map[string]assistTick
}

type assistTick struct {
	at    time.Time
	phase string
}

// NewAssistEvents sends through e, at most one progress event per job every
// 250 ms.
func NewAssistEvents(e Emitter) *AssistEvents {
	return &AssistEvents{emit: e, every: 250 * time.Millisecond, now: time.Now, last: map[string]assistTick{}}
}

// OnProgress is assist.Options.OnProgress. It never blocks for long.
func (ev *AssistEvents) OnProgress(p assist.Progress) {
	now := ev.now()
	ev.mu.Lock()
	prev, seen := ev.last[p.JobID]
	send := !seen || prev.phase != p.Phase || now.Sub(prev.at) >= ev.every
	if send {
		ev.last[p.JobID] = assistTick{at: now, phase: p.Phase}
	}
	ev.mu.Unlock()
	if send && ev.emit != nil {
		ev.emit.Emit("assist:progress", AssistProgress{JobID: p.JobID, Kind: string(p.Kind), Phase: p.Phase, Received: p.Received})
	}
}

// OnDone is assist.Options.OnDone.
func (ev *AssistEvents) OnDone(j assist.Job) {
	ev.mu.Lock()
	delete(ev.last, j.ID)
	ev.mu.Unlock()
	if ev.emit == nil {
		return
	}
	d := AssistDone{JobID: j.ID, Kind: string(j.Kind), State: string(j.State)}
	d.CallID, d.AccountID, d.EmailID = jobSubjects(j.Request)
	if j.Error != nil {
		d.Message = j.Error.Message
	}
	ev.emit.Emit("assist:done", d)
}

// jobSubjects says which call, account and email a request is about.
func jobSubjects(r assist.JobRequest) (callID, accountID, emailID string) {
	switch {
	case r.Evidence != nil:
		return r.Evidence.CallID, r.Evidence.AccountID, ""
	case r.Triage != nil:
		return "", r.Triage.Email.AccountID, r.Triage.Email.ID
	case r.Brief != nil:
		return "", r.Brief.Account.ID, ""
	}
	return "", "", ""
}
