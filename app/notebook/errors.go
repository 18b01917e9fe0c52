package notebook

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Code classifies an error for every boundary it crosses: the UI shows the
// message, the CLI picks an exit status, the hub maps it to an HTTP status.
type Code string

// The error codes shared by the whole system.
const (
	Invalid   Code = "invalid"   // the input is wrong; the message says what and where
	NotFound  Code = "not_found" // the record does not exist (or was deleted)
	Conflict  Code = "conflict"  // the operation clashes with current state (e.g. data dir in use)
	Forbidden Code = "forbidden" // the caller may not do this (role, scope, do_not_contact)
	Internal  Code = "internal"  // a bug or an I/O failure; details are logged, not shown
	Damaged   Code = "damaged"   // stored data is damaged; the message says what and how to recover
	// Unavailable: a service this one needs (the hub's database) cannot be
	// reached right now; the same request may succeed later.
	Unavailable Code = "unavailable"
	// NotSetUp: something this needs has not been set up yet (no hub
	// address or token, or a part this build does not have).
	NotSetUp Code = "not_set_up"
)

// Error is an error with a code and a message meant for people. Fields, when
// set, maps a field name to what is wrong with it, for forms that show the
// message next to the input.
type Error struct {
	Code    Code              `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	cause   error
}

func (e *Error) Error() string { return e.Message }

// Unwrap exposes the underlying cause to errors.Is / errors.As.
func (e *Error) Unwrap() error { return e.cause }

// Errorf makes an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap gives cause a code and a human message while keeping it for logs.
func Wrap(code Code, cause error, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), cause: cause}
}

// ErrorCode returns the code of err: the code of the first *Error in its
// chain, Internal for any other error, "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// IsCode reports whether err carries the given code.
func IsCode(err error, code Code) bool { return ErrorCode(err) == code }

// Problems collects per-field validation messages and turns them into one
// Invalid error that names every field, in a stable order.
type Problems struct {
	record string
	fields map[string]string
}

// NewProblems starts a collection for one record kind ("account", "contact" …).
func NewProblems(record string) *Problems { return &Problems{record: record} }

// Add records that field is wrong; the first message per field wins.
func (p *Problems) Add(field, format string, args ...any) {
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	if _, seen := p.fields[field]; !seen {
		p.fields[field] = fmt.Sprintf(format, args...)
	}
}

// Err returns nil when nothing was added, otherwise an Invalid *Error whose
// message lists "field: problem" pairs sorted by field.
func (p *Problems) Err() error {
	if len(p.fields) == 0 {
		return nil
	}
	names := make([]string, 0, len(p.fields))
	for f := range p.fields {
		names = append(names, f)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, f := range names {
		parts[i] = f + ": " + p.fields[f]
	}
	return &Error{Code: Invalid, Message: "invalid " + p.record + ": " + strings.Join(parts, "; "), Fields: p.fields}
}
