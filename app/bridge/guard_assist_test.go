package bridge

import (
	"errors"
	"reflect"
	"testing"

	"fieldnotes/app/notebook"
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
		{Store: w.d.Store, Mail: &halfMail, Assist: &halfAssist},
		w.d,
	}
	for i, d := range deps {
		for _, area := range []any{NewMail(d), NewAssist(d)} {
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
