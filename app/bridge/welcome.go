package bridge

import (
	"context"
	"time"

	"fieldnotes/app/notebook"
)

// The first-launch welcome: three ways into an empty notebook (join a team,
// try the demo, keep it on this laptop). The user's choice is per-notebook
// state that never syncs, so it lives in the store's local keys.

const welcomeDoneKey = "welcome/done"

// WelcomeState says whether the welcome shows and which link the app was
// started with (a clicked fieldnotes://join invite), to fill the Join form.
type WelcomeState struct {
	Show bool   `json:"show"`
	Link string `json:"link"`
}

// DemoResult says what "Try it with demo data" wrote.
type DemoResult struct {
	Summary string `json:"summary"`
}

// Welcome is the bound first-launch area.
type Welcome struct {
	d     *Deps
	links *Links
}

// NewWelcome binds the welcome area. Its links are d.Links (the window
// hands later links over there) or, without them, just d.StartLink.
func NewWelcome(d *Deps) *Welcome {
	links := d.Links
	if links == nil {
		links = NewLinks(d.StartLink)
	}
	return &Welcome{d: d, links: links}
}

// State shows the welcome on an empty notebook: no accounts, no hub, and
// the user has not chosen a way in yet. Link is the start link, given once.
func (w *Welcome) State() (out WelcomeState, err error) {
	defer guard(w.d.Log, "Welcome.State", &err)
	ctx := context.Background()
	out.Link = w.startLink()
	show, err := w.firstLaunch(ctx)
	out.Show = show
	return out, err
}

// startLink is the link the app was started with (or the latest one a
// second launch handed over) until the user chose a way in; every frontend
// (the window, a dev browser) sees the same one.
func (w *Welcome) startLink() string { return w.links.current() }

func (w *Welcome) firstLaunch(ctx context.Context) (bool, error) {
	if ls := localOf(w.d); ls == nil {
		return false, nil // no local state to remember a choice in: never nag
	} else if _, err := ls.LocalGet(ctx, welcomeDoneKey); err == nil {
		return false, nil
	} else if !notebook.IsCode(err, notebook.NotFound) {
		return false, err
	}
	if n, err := w.d.Store.Count(ctx, notebook.TypeAccount); err != nil || n > 0 {
		return false, err
	}
	if sd := w.d.SyncArea; sd != nil && sd.Settings != nil {
		url, err := sd.Settings.HubURL(ctx)
		if err != nil || url != "" {
			return false, err
		}
	}
	return true, nil
}

// Dismiss remembers that the user chose a way in ("Use it on this laptop
// only", or after joining): the welcome does not show again, nor does the
// start link fill the Join form again.
func (w *Welcome) Dismiss() (err error) {
	defer guard(w.d.Log, "Welcome.Dismiss", &err)
	return w.done(context.Background())
}

func (w *Welcome) done(ctx context.Context) error {
	w.links.spend()
	ls := localOf(w.d)
	if ls == nil {
		return notebook.Errorf(notebook.NotSetUp, "this notebook cannot remember the welcome choice")
	}
	return ls.LocalPut(ctx, welcomeDoneKey, []byte(w.d.now().Format(time.RFC3339)))
}

// SeedDemo writes the demo notebook (the same seeding as `fieldnotes demo`)
// and closes the welcome. It refuses a notebook that already has accounts,
// so a second click never doubles the data.
func (w *Welcome) SeedDemo() (out DemoResult, err error) {
	defer guard(w.d.Log, "Welcome.SeedDemo", &err)
	ctx := context.Background()
	if w.d.SeedDemo == nil {
		return out, notebook.Errorf(notebook.NotSetUp, "demo data is not available in this build")
	}
	if n, err := w.d.Store.Count(ctx, notebook.TypeAccount); err != nil {
		return out, err
	} else if n > 0 {
		return out, notebook.Errorf(notebook.Conflict, "this notebook already has %d accounts; the demo is only added to an empty notebook", n)
	}
	summary, err := w.d.SeedDemo(ctx)
	if err != nil {
		return out, err
	}
	if err := w.done(ctx); err != nil {
		return out, err
	}
	logger(w.d.Log).Info("welcome: demo data added", "what", summary)
	return DemoResult{Summary: summary}, nil
}
