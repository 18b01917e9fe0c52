package bridge

import (
	"bytes"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncclient"
)

// TestMailAndAssistNeverPanic calls every bound method of both areas with
// zero arguments, on areas that lack their services (binding generation)
// and on half-wired ones, and checks each returns (coded error or value)
// instead of panicking into Wails.
func TestMailAndAssistNeverPanic(t *testing.T) {
	w := newAssistWorld(t)
	halfMail := *w.d.Mail
	halfMail.Control, halfMail.Tracker, halfMail.Browser, halfMail.Secrets = nil, nil, nil, nil
	halfAssist := *w.d.Assist
	halfAssist.Mail, halfAssist.Secrets = nil, nil
	deps := []*Deps{
		{},
		{Mail: &MailDeps{}, Assist: &AssistDeps{}},
		{Store: w.d.Store, Mail: &halfMail, Assist: &halfAssist, SyncArea: &SyncDeps{Engine: stubEngine{}}},
		w.d,
	}
	var logs bytes.Buffer
	for _, d := range deps {
		d.Log = slog.New(slog.NewTextHandler(&logs, nil))
	}
	defer func() {
		if strings.Contains(logs.String(), "bridge panic") {
			t.Errorf("a bound method panicked (recovered by guard):\n%s", logs.String())
		}
	}()
	for i, d := range deps {
		for _, area := range []any{NewMail(d), NewAssist(d), NewSync(d)} {
			v := reflect.ValueOf(area)
			for m := range v.NumMethod() {
				method, name := v.Method(m), v.Type().Method(m).Name
				args := make([]reflect.Value, method.Type().NumIn())
				for a := range args {
					args[a] = reflect.Zero(method.Type().In(a))
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Errorf("deps %d: %s panicked: %v", i, name, r)
						}
					}()
					out := method.Call(args)
					if err, _ := out[len(out)-1].Interface().(error); err != nil {
						var e *notebook.Error
						if !errors.As(err, &e) || e.Message == "" {
							t.Errorf("deps %d: %s returned an uncoded error %v", i, name, err)
						}
					}
				}()
			}
		}
	}
}

type stubEngine struct{ st syncclient.Status }

func (s stubEngine) Status() syncclient.Status            { return s.st }
func (stubEngine) ScheduleSync()                          {}
func (stubEngine) Configure(string, string)               {}
func (stubEngine) ConfigurePinned(string, string, string) {}

func TestSyncStatusInWords(t *testing.T) {
	for _, c := range []struct {
		st    syncclient.Status
		state string
	}{
		{syncclient.Status{Phase: syncclient.PhaseUnconfigured}, "not_configured"},
		{syncclient.Status{Configured: true, Phase: syncclient.PhaseBackoff, ErrorKind: syncclient.KindOffline, LastError: "cannot reach the hub"}, "offline"},
		{syncclient.Status{Configured: true, Phase: syncclient.PhaseStopped, ErrorKind: syncclient.KindUnauthorized, LastError: "the hub refused the token"}, "error"},
		{syncclient.Status{Configured: true, Online: true, Phase: syncclient.PhasePushing}, "syncing"},
		{syncclient.Status{Configured: true, Online: true, Phase: syncclient.PhaseWaiting}, "idle"},
	} {
		got := SyncStatusOf(c.st)
		if got.State != c.state || got.Message == "" {
			t.Errorf("%+v → %+v, want %s", c.st, got, c.state)
		}
	}
	var online []bool
	ev := &eventLog{}
	on := SyncEvents(ev, func(b bool) { online = append(online, b) })
	on(syncclient.Status{Phase: syncclient.PhaseUnconfigured})
	on(syncclient.Status{Configured: true, ErrorKind: syncclient.KindOffline})
	on(syncclient.Status{Configured: true, Online: true})
	if len(ev.named("sync:status")) != 3 || len(online) != 2 || online[0] || !online[1] {
		t.Fatalf("events %d, online %v", len(ev.named("sync:status")), online)
	}
}
