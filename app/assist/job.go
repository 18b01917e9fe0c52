package assist

import (
	"time"

	"fieldnotes/app/notebook"
)

// Kind says what a job asks for.
type Kind string

// Job kinds.
const (
	KindEvidence Kind = "evidence" // evidence suggestions from call notes
	KindTriage   Kind = "triage"   // one-line summary and links for an email
	KindBrief    Kind = "brief"    // pre-call summary of an account
)

// JobState is where a job is.
type JobState string

// Job states. Done, failed and cancelled are final.
const (
	JobQueued    JobState = "queued"
	JobRunning   JobState = "running"
	JobDone      JobState = "done"
	JobFailed    JobState = "failed"
	JobCancelled JobState = "cancelled"
)

// Final reports whether nothing more will happen to a job in this state.
func (s JobState) Final() bool { return s == JobDone || s == JobFailed || s == JobCancelled }

// JobRequest holds exactly one request.
type JobRequest struct {
	Evidence *EvidenceRequest `json:"evidence,omitempty"`
	Triage   *TriageRequest   `json:"triage,omitempty"`
	Brief    *BriefRequest    `json:"brief,omitempty"`
}

func (r JobRequest) kind() (Kind, error) {
	var kinds []Kind
	if r.Evidence != nil {
		kinds = append(kinds, KindEvidence)
	}
	if r.Triage != nil {
		kinds = append(kinds, KindTriage)
	}
	if r.Brief != nil {
		kinds = append(kinds, KindBrief)
	}
	if len(kinds) != 1 {
		return "", notebook.Errorf(notebook.Invalid, "an AI request must ask for exactly one thing (evidence, triage or brief)")
	}
	return kinds[0], nil
}

func (r JobRequest) validate() error {
	switch {
	case r.Evidence != nil:
		return r.Evidence.validate()
	case r.Triage != nil:
		return r.Triage.validate()
	case r.Brief != nil:
		return r.Brief.validate()
	}
	return nil
}

// Job is one AI request and, once done, its result. Jobs are kept in the
// QueueStore until the app forgets them, so results survive a restart.
type Job struct {
	ID    string   `json:"id"`
	Kind  Kind     `json:"kind"`
	State JobState `json:"state"`
	// Waiting completes "waiting because …" while the job is queued and
	// cannot run yet; empty otherwise.
	Waiting       string     `json:"waiting,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	Attempts      int        `json:"attempts"` // transient failures so far
	Request       JobRequest `json:"request"`
	// Fingerprint identifies the request's content, to fold duplicates.
	Fingerprint string `json:"fingerprint"`

	Evidence *EvidenceResult `json:"evidence_result,omitempty"`
	Triage   *TriageResult   `json:"triage_result,omitempty"`
	Brief    *BriefResult    `json:"brief_result,omitempty"`
	Error    *notebook.Error `json:"error,omitempty"`
	Usage    Usage           `json:"usage"`
}

// Progress reports a running job's streaming answer.
type Progress struct {
	JobID string `json:"job_id"`
	Kind  Kind   `json:"kind"`
	// Phase is "sending", "receiving" or "retrying".
	Phase string `json:"phase"`
	// Received is how many bytes of the answer have arrived.
	Received int `json:"received"`
}

// UsageReport is token usage for the settings screen.
type UsageReport struct {
	Total Usage     `json:"total"`
	Since time.Time `json:"since"`
}

// Suggestion finds one of the job's suggestions (from notes or email
// triage) by its id, for the accept / reject buttons.
func (j Job) Suggestion(id string) (Suggestion, bool) {
	var list []Suggestion
	switch {
	case j.Evidence != nil:
		list = j.Evidence.Suggestions
	case j.Triage != nil:
		list = j.Triage.Links
	}
	for _, s := range list {
		if s.ID == id {
			return s, true
		}
	}
	return Suggestion{}, false
}
