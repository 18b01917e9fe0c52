package bridge

import (
	"fieldnotes/app/notebook"
	"fieldnotes/app/update"
)

// The Updates area: what the updater (app/update, supervised by desktop)
// found, and "Restart to update". The event `update:changed` carries
// every new status, so the banner needs no polling.

// UpdateDeps is what the area drives.
type UpdateDeps struct {
	Updater *update.Updater
	// Restart quits the window and starts the binary again (desktop);
	// called only after the swap succeeded.
	Restart func()
}

// UpdateStatus is the banner's content and the payload of `update:changed`.
type UpdateStatus struct {
	Phase     string `json:"phase"` // update.Phase: off, checking, up_to_date, available, downloading, ready, package_manager, refused, failed, applied
	Current   string `json:"current"`
	Available string `json:"available"`
	Message   string `json:"message"`
	// CanRestart: a verified update is staged; "Restart to update" applies it.
	CanRestart bool `json:"can_restart"`
}

func updateStatusOf(s update.Status) UpdateStatus {
	return UpdateStatus{Phase: string(s.Phase), Current: s.Current, Available: s.Available, Message: s.Message,
		CanRestart: s.Phase == update.PhaseReady}
}

// UpdateEvents is the updater's OnStatus: every status as `update:changed`.
func UpdateEvents(emit Emitter) func(update.Status) {
	return func(s update.Status) {
		if emit != nil {
			emit.Emit("update:changed", updateStatusOf(s))
		}
	}
}

// Updates is the bound update area.
type Updates struct{ d *Deps }

// NewUpdates binds the update area.
func NewUpdates(d *Deps) *Updates { return &Updates{d: d} }

// Status is the updater's current status (phase off when this build has none).
func (u *Updates) Status() (out UpdateStatus, err error) {
	defer guard(u.d.Log, "Updates.Status", &err)
	if u.d.Updates == nil {
		return UpdateStatus{Phase: string(update.PhaseOff), Message: "Updates are not available in this build."}, nil
	}
	return updateStatusOf(u.d.Updates.Updater.Status()), nil
}

// CheckNow asks the updater to check at once.
func (u *Updates) CheckNow() (err error) {
	defer guard(u.d.Log, "Updates.CheckNow", &err)
	if u.d.Updates == nil {
		return notebook.Errorf(notebook.Conflict, "updates are not available in this build")
	}
	u.d.Updates.Updater.CheckNow()
	return nil
}

// Restart applies the staged update and restarts into it. A refused or
// failed swap is answered with its reason; the running version stays.
func (u *Updates) Restart() (out UpdateStatus, err error) {
	defer guard(u.d.Log, "Updates.Restart", &err)
	if u.d.Updates == nil {
		return out, notebook.Errorf(notebook.Conflict, "updates are not available in this build")
	}
	st, err := u.d.Updates.Updater.Apply()
	if err != nil {
		return updateStatusOf(st), err
	}
	if u.d.Updates.Restart != nil {
		u.d.Updates.Restart()
	}
	return updateStatusOf(st), nil
}
