package bridge

import (
	"context"
	"errors"
	"os"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncclient"
	"fieldnotes/sync/syncproto"
)

// JoinResult is what the welcome screen shows after joining a team.
type JoinResult struct {
	HubURL string `json:"hub_url"`
	Email  string `json:"email"`
	Role   string `json:"role"`
}

// Join redeems an invite (a fieldnotes://join link or an FN1- code, as
// pasted or handed over by a clicked link): the hub makes the user and a
// token, the token goes to the OS keyring with the hub's address, and the
// first sync starts. A damaged, used, expired or revoked invite is an
// error that says which; the settings are then left as they were. An
// invite to a hub with a self-signed certificate pins that certificate:
// the redeem and every sync after it accept only that one.
func (s *Sync) Join(text string) (out JoinResult, err error) {
	defer guard(s.d.Log, "Sync.Join", &err)
	sd, err := s.deps()
	if err != nil || sd.Settings == nil {
		return out, notebook.Errorf(notebook.Conflict, "joining a team is not available in this build")
	}
	in, err := syncproto.ParseInvite(text)
	if err != nil {
		var pe *syncproto.Error
		if errors.As(err, &pe) {
			return out, notebook.Errorf(notebook.Invalid, "%s", pe.Message)
		}
		return out, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	device, _ := os.Hostname()
	got, err := syncclient.Redeem(ctx, in, device)
	if err != nil {
		return out, joinError(err)
	}
	if err := sd.Settings.SetToken(ctx, got.Token); err != nil {
		return out, err
	}
	if err := sd.Settings.SetHubURL(ctx, in.HubURL); err != nil {
		return out, err
	}
	if err := sd.Settings.SetCertPin(ctx, in.CertSHA256); err != nil {
		return out, err
	}
	sd.Engine.ConfigurePinned(in.HubURL, got.Token, in.CertSHA256)
	sd.Engine.ScheduleSync()
	logger(s.d.Log).Info("joined a team", "hub", in.HubURL, "role", got.Role)
	return JoinResult{HubURL: in.HubURL, Email: got.Email, Role: got.Role}, nil
}

// joinError gives the hub's refusal or the network failure a code.
func joinError(err error) error {
	var se *syncclient.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Kind {
	case syncclient.KindInviteRefused:
		if se.Status == 404 {
			return notebook.Errorf(notebook.NotFound, "%s", se.Message)
		}
		return notebook.Errorf(notebook.Conflict, "%s", se.Message)
	case syncclient.KindOffline:
		return notebook.Errorf(notebook.Unavailable, "%s", se.Message)
	}
	return notebook.Errorf(notebook.Invalid, "%s", se.Message)
}
