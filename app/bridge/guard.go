package bridge

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"fieldnotes/app/notebook"
)

// guard turns a panic or an uncoded error into an internal *notebook.Error
// and logs the details once. Every bound method defers it:
//
//	defer guard(d.Log, "Calls.Start", &err)
func guard(log *slog.Logger, op string, err *error) {
	if r := recover(); r != nil {
		logger(log).Error("bridge panic", "op", op, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = notebook.Errorf(notebook.Internal, "Something went wrong in %s; the details are in the log.", op)
		return
	}
	*err = Coded(log, op, *err)
}

// Coded returns err as a *notebook.Error. Errors without a code are logged
// and replaced by a generic internal message, so internals never reach the UI.
func Coded(log *slog.Logger, op string, err error) error {
	if err == nil {
		return nil
	}
	var e *notebook.Error
	if errors.As(err, &e) {
		if e.Code == notebook.Internal {
			logger(log).Error("bridge", "op", op, "err", err)
		}
		return e
	}
	logger(log).Error("bridge", "op", op, "err", err)
	return notebook.Wrap(notebook.Internal, err, "Something went wrong in %s; the details are in the log.", op)
}

// FormatError is the Wails ErrorFormatter. It returns the error as a JSON
// string {code, message[, fields]}: Wails v2.15's JavaScript runtime wraps
// whatever arrives in `new Error(x)`, which would turn an object into
// "[object Object]", while a string survives as Error.message for lib/api
// to parse.
func FormatError(err error) any {
	var e *notebook.Error
	if !errors.As(err, &e) {
		e = &notebook.Error{Code: notebook.Internal, Message: err.Error()}
	}
	b, jerr := json.Marshal(e)
	if jerr != nil {
		return e.Message
	}
	return string(b)
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
