package bridge

import (
	"context"
	"math"
	"slices"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/signin"
	"fieldnotes/app/store"
	"fieldnotes/sync/syncclient"
)

// SyncEngine is the running sync engine as the Sync area sees it
// (*syncclient.Engine). Every method returns at once.
type SyncEngine interface {
	Status() syncclient.Status
	ScheduleSync()
	Configure(hubURL, token string)
	ConfigurePinned(hubURL, token, certSHA256 string)
}

// SyncSettings reads and writes the hub address (store local state) and the
// token (OS keyring): replica.Settings in the app.
type SyncSettings interface {
	HubURL(ctx context.Context) (string, error)
	SetHubURL(ctx context.Context, url string) error
	Token(ctx context.Context) (string, error)
	SetToken(ctx context.Context, token string) error
	CertPin(ctx context.Context) (string, error)
	SetCertPin(ctx context.Context, pin string) error
}

// SyncDeps is what the Sync area needs besides Deps; app/desktop fills it.
type SyncDeps struct {
	Engine   SyncEngine
	Settings SyncSettings
	Store    *store.Store     // the outbox and the hub's refusals
	Browser  Browser          // opens the company sign-in page (signin.go); nil: not offered
	SignIns  *signin.Attempts // the company sign-in under way, to cancel; nil: not cancellable
}

// Sync is the sync area: the badge, "sync now", hub settings, and the
// pending-changes view with what the hub refused.
type Sync struct{ d *Deps }

// NewSync binds the sync area.
func NewSync(d *Deps) *Sync { return &Sync{d} }

func (s *Sync) deps() (*SyncDeps, error) {
	if s.d.SyncArea == nil || s.d.SyncArea.Engine == nil {
		return nil, notebook.Errorf(notebook.NotSetUp, "sync is not available in this build")
	}
	return s.d.SyncArea, nil
}

// SyncStatus is the sync badge and the payload of `sync:status`.
type SyncStatus struct {
	State        string `json:"state"`   // not_configured, offline, syncing, idle, error (as SyncState)
	Message      string `json:"message"` // in words
	Phase        string `json:"phase"`   // the engine's own phase: pushing, pulling, waiting, backoff, stopped …
	Online       bool   `json:"online"`
	Pending      int    `json:"pending"`
	LastSyncedAt string `json:"last_synced_at"`
	LastError    string `json:"last_error"`
	ErrorKind    string `json:"error_kind"` // offline, unauthorized, wrong_user, outdated, hub_error …
	RetryAt      string `json:"retry_at"`
	HubURL       string `json:"hub_url"`
	Rev          uint64 `json:"rev"` // grows with every change: the newest of two arrivals wins
	// A download in progress: records received, about how many are left
	// (0: unknown or done) and the seconds that will take at today's rate
	// (0: too early to say).
	Received    int `json:"received"`
	Remaining   int `json:"remaining"`
	SecondsLeft int `json:"seconds_left"`
}

// secondsLeft extrapolates the pull's rate so far; 0 until a second of it
// has been seen, so the first guess is not wild.
func secondsLeft(st syncclient.Status, now time.Time) int {
	elapsed := now.Sub(st.PullStart)
	if st.Received == 0 || st.Remaining == 0 || st.PullStart.IsZero() || elapsed < time.Second {
		return 0
	}
	return int(math.Ceil(elapsed.Seconds() / float64(st.Received) * float64(st.Remaining)))
}

// SyncStatusOf words an engine status for the UI.
func SyncStatusOf(st syncclient.Status) SyncStatus {
	out := SyncStatus{Phase: string(st.Phase), Online: st.Online, Pending: st.Pending, LastSyncedAt: ts(st.LastSyncedAt),
		LastError: st.LastError, ErrorKind: string(st.ErrorKind), RetryAt: ts(st.RetryAt), HubURL: st.HubURL, Rev: st.Rev,
		Received: st.Received, Remaining: st.Remaining, SecondsLeft: secondsLeft(st, time.Now())}
	out.State, out.Message = syncWords(st)
	return out
}

func syncWords(st syncclient.Status) (state, message string) {
	switch {
	case !st.Configured || st.Phase == syncclient.PhaseUnconfigured:
		return "not_configured", "Sync is not configured; everything stays on this laptop."
	case st.ErrorKind == syncclient.KindOffline:
		return "offline", "Offline: changes are kept here and sent when the hub can be reached."
	case st.LastError != "":
		return "error", st.LastError
	case st.Phase == syncclient.PhasePushing || st.Phase == syncclient.PhasePulling:
		return "syncing", "Syncing…"
	}
	return "idle", "Up to date."
}

// SyncStateOf is the short form Home and Settings show (Deps.Sync).
func SyncStateOf(st syncclient.Status) SyncState {
	s := SyncStatusOf(st)
	return SyncState{State: s.State, Message: s.Message, LastAt: s.LastSyncedAt}
}

// Status returns the sync badge.
func (s *Sync) Status() (out SyncStatus, err error) {
	defer guard(s.d.Log, "Sync.Status", &err)
	sd, err := s.deps()
	if err != nil {
		return SyncStatus{State: "not_configured", Message: "Sync is not available in this build."}, nil
	}
	return SyncStatusOf(sd.Engine.Status()), nil
}

// SyncNow asks the engine to push and pull at once.
func (s *Sync) SyncNow() (out SyncStatus, err error) {
	defer guard(s.d.Log, "Sync.SyncNow", &err)
	sd, err := s.deps()
	if err != nil {
		return out, err
	}
	sd.Engine.ScheduleSync()
	return SyncStatusOf(sd.Engine.Status()), nil
}

// SyncSettingsDTO is the hub form; the token never comes back.
type SyncSettingsDTO struct {
	HubURL   string `json:"hub_url"`
	HasToken bool   `json:"has_token"`
}

// SyncSettingsInput is what the form sends: Token "" keeps the stored one.
type SyncSettingsInput struct {
	HubURL     string `json:"hub_url"`
	Token      string `json:"token"`
	ClearToken bool   `json:"clear_token"`
}

// Settings returns the hub address and whether a token is stored.
func (s *Sync) Settings() (out SyncSettingsDTO, err error) {
	defer guard(s.d.Log, "Sync.Settings", &err)
	sd, err := s.deps()
	if err != nil || sd.Settings == nil {
		return out, notebook.Errorf(notebook.NotSetUp, "sync settings are not available in this build")
	}
	t, err := syncTarget(context.Background(), sd)
	return SyncSettingsDTO{HubURL: t.url, HasToken: t.token != ""}, err
}

// hubTarget is the saved hub: address, token and certificate pin.
type hubTarget struct{ url, token, pin string }

func syncTarget(ctx context.Context, sd *SyncDeps) (t hubTarget, err error) {
	if t.url, err = sd.Settings.HubURL(ctx); err != nil {
		return t, err
	}
	if t.token, err = sd.Settings.Token(ctx); err != nil {
		return t, err
	}
	t.pin, err = sd.Settings.CertPin(ctx)
	return t, err
}

// SaveSettings stores the hub address and token (in the OS keyring) and
// points the engine at them at once.
func (s *Sync) SaveSettings(in SyncSettingsInput) (out SyncSettingsDTO, err error) {
	defer guard(s.d.Log, "Sync.SaveSettings", &err)
	sd, err := s.deps()
	if err != nil || sd.Settings == nil {
		return out, notebook.Errorf(notebook.NotSetUp, "sync settings cannot be changed in this build")
	}
	ctx := context.Background()
	if err := sd.Settings.SetHubURL(ctx, in.HubURL); err != nil {
		return out, err
	}
	if in.Token != "" || in.ClearToken {
		if err := sd.Settings.SetToken(ctx, in.Token); err != nil {
			return out, err
		}
	}
	t, err := syncTarget(ctx, sd)
	if err != nil {
		return out, err
	}
	sd.Engine.ConfigurePinned(t.url, t.token, t.pin)
	logger(s.d.Log).Info("sync settings saved", "hub", t.url)
	return SyncSettingsDTO{HubURL: t.url, HasToken: t.token != ""}, nil
}

// PendingChange is one record with changes waiting for the hub: a burst
// of autosaves is one row, named as lists name the record.
type PendingChange struct {
	MutationID uint64   `json:"mutation_id"` // the oldest waiting change of the record
	Op         string   `json:"op"`          // the latest: upsert, delete
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`    // "" when the record is gone (deleted)
	Changes    int      `json:"changes"` // saves folded into this row
	Fields     []string `json:"fields"`  // every field any of them touched
}

// Pending lists the records with local changes not yet acknowledged by the
// hub, one row per record, oldest first, from up to limit changes (default
// 200). Listing hands them to the outbox's sealed part, so later edits of
// the same record queue as new changes instead of folding into these; that
// costs a few extra mutations, never a lost edit.
func (s *Sync) Pending(limit int) (out []PendingChange, err error) {
	defer guard(s.d.Log, "Sync.Pending", &err)
	sd, err := s.deps()
	if err != nil || sd.Store == nil {
		return nil, notebook.Errorf(notebook.NotSetUp, "sync is not available in this build")
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	ctx := context.Background()
	muts, err := sd.Store.PeekOutbox(ctx, limit)
	if err != nil {
		return nil, err
	}
	out = make([]PendingChange, 0, len(muts))
	row := map[string]int{} // type/id → index in out
	for _, m := range muts {
		key := string(m.Type) + "/" + m.ID
		i, seen := row[key]
		if !seen {
			i, row[key] = len(out), len(out)
			out = append(out, PendingChange{MutationID: m.MutationID, Type: string(m.Type), ID: m.ID, Name: pendingName(ctx, sd.Store, m.Type, m.ID)})
		}
		p := &out[i]
		p.Op, p.Changes = m.Op, p.Changes+1
		for f := range m.Fields {
			if !slices.Contains(p.Fields, f) {
				p.Fields = append(p.Fields, f)
			}
		}
		slices.Sort(p.Fields)
	}
	return out, nil
}

// pendingName names a waiting record; a deleted or unknown one has none.
func pendingName(ctx context.Context, st *store.Store, t notebook.Type, id string) string {
	rec := notebook.NewRecord(t)
	if rec == nil || st.Get(ctx, id, rec) != nil {
		return ""
	}
	return store.TitleOf(rec)
}

// SyncRejection is a change the hub refused, kept so the rep sees it.
type SyncRejection struct {
	MutationID uint64 `json:"mutation_id"`
	Op         string `json:"op"`
	Type       string `json:"type"`
	ID         string `json:"id"`
	Code       string `json:"code"`
	Message    string `json:"message"`
	At         string `json:"at"`
}

// Rejections lists the changes the hub refused (newest last).
func (s *Sync) Rejections() (out []SyncRejection, err error) {
	defer guard(s.d.Log, "Sync.Rejections", &err)
	sd, err := s.deps()
	if err != nil || sd.Store == nil {
		return nil, notebook.Errorf(notebook.NotSetUp, "sync is not available in this build")
	}
	rs, err := sd.Store.Rejections(context.Background())
	if err != nil {
		return nil, err
	}
	out = make([]SyncRejection, 0, len(rs))
	for _, r := range rs {
		out = append(out, SyncRejection{MutationID: r.Mutation.MutationID, Op: r.Mutation.Op, Type: string(r.Mutation.Type),
			ID: r.Mutation.ID, Code: r.Code, Message: r.Message, At: ts(r.At)})
	}
	return out, nil
}

// SyncEvents turns engine status changes into `sync:status` events and
// tells the AI queue when the laptop is offline.
func SyncEvents(e Emitter, online func(bool)) func(syncclient.Status) {
	return func(st syncclient.Status) {
		if e != nil {
			e.Emit("sync:status", SyncStatusOf(st))
		}
		if online != nil && st.Configured {
			online(st.ErrorKind != syncclient.KindOffline)
		}
	}
}
