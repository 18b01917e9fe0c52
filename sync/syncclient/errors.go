package syncclient

import (
	"errors"
	"fmt"
	"time"

	"fieldnotes/app/notebook"
)

// Kind classifies a sync failure: it decides whether the engine retries and
// lets the UI pick an icon without parsing messages.
type Kind string

// The kinds of failure.
const (
	KindOffline       Kind = "offline"        // the hub could not be reached; retried
	KindHubError      Kind = "hub_error"      // 5xx or 429; retried after backoff / Retry-After
	KindProtocol      Kind = "protocol"       // an answer this client cannot read; retried
	KindUnauthorized  Kind = "unauthorized"   // 401: the token is wrong or revoked; stops
	KindWrongUser     Kind = "wrong_user"     // 403: client_id bound to another user; stops
	KindOutdated      Kind = "outdated"       // 426: the hub speaks another protocol; stops
	KindLocal         Kind = "local"          // the local store failed
	KindNotConfigured Kind = "not_configured" // no hub URL or token
	KindIncomplete    Kind = "incomplete"     // SyncOnce ended with work left
	// Answers of the product API (ProductClient) that the engine never gets.
	KindForbidden Kind = "forbidden" // 403: the user's role may not do this
	KindNotFound  Kind = "not_found" // 404: unknown here, or an older hub
	KindRefused   Kind = "refused"   // 400: the hub says what is wrong with the request
)

// Error is a sync failure with a message meant for people.
type Error struct {
	Kind       Kind
	Message    string
	Status     int           // HTTP status, 0 when there was none
	RetryAfter time.Duration // from a Retry-After header, 0 when absent
	cause      error
}

func (e *Error) Error() string { return e.Message }

// Unwrap exposes the cause for logs and errors.Is.
func (e *Error) Unwrap() error { return e.cause }

// As lets notebook.ErrorCode and errors.As see a *notebook.Error, so the CLI
// and the UI bridge treat sync failures like every other error.
func (e *Error) As(target any) bool {
	t, ok := target.(**notebook.Error)
	if ok {
		*t = notebook.Wrap(e.code(), e.cause, "%s", e.Message)
	}
	return ok
}

func (e *Error) code() notebook.Code {
	switch e.Kind {
	case KindUnauthorized, KindWrongUser:
		return notebook.Forbidden
	case KindForbidden:
		return notebook.Forbidden
	case KindNotFound:
		return notebook.NotFound
	case KindRefused:
		return notebook.Invalid
	case KindOffline, KindHubError:
		return notebook.Unavailable
	case KindOutdated, KindIncomplete:
		return notebook.Conflict
	case KindNotConfigured:
		return notebook.NotSetUp
	}
	return notebook.Internal
}

// Fatal reports whether retrying cannot help until the user changes
// something (the token, the account, the app version).
func (e *Error) Fatal() bool {
	return e.Kind == KindUnauthorized || e.Kind == KindWrongUser || e.Kind == KindOutdated || e.Kind == KindNotConfigured
}

func newErr(kind Kind, status int, cause error, format string, args ...any) *Error {
	return &Error{Kind: kind, Status: status, cause: cause, Message: fmt.Sprintf(format, args...)}
}

// localErr wraps a Replica failure, keeping its human message.
func localErr(cause error, what string) *Error {
	msg := what + ": " + cause.Error()
	var ne *notebook.Error
	if errors.As(cause, &ne) {
		msg = what + ": " + ne.Message
	}
	return &Error{Kind: KindLocal, Message: msg, cause: cause}
}

// asSyncErr returns err as an *Error (wrapping foreign errors as local).
func asSyncErr(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return localErr(err, "sync failed")
}

// fatal reports whether err is an *Error that retrying cannot fix.
func fatal(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Fatal()
}
