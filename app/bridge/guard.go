package bridge

import (
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

// FormatError is the Wails ErrorFormatter: every error reaches JavaScript as
// {code, message[, fields]}.
func FormatError(err error) any {
	var e *notebook.Error
	if errors.As(err, &e) {
		return e
	}
	return &notebook.Error{Code: notebook.Internal, Message: err.Error()}
}

func logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}
