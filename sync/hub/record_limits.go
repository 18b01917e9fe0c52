package hub

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// Record limits (sync/README.md, "Limits"). A push of 1 MB of unknown
// fields into one org account used to be applied 40 times over: the record
// grew to 40 MB, every reader downloaded it and each push rewrote it. Now a
// mutation that would take a record past a limit is rejected too_large and
// changes nothing.
const (
	// MaxFieldBytes bounds one field's JSON value: call notes (200 KB of
	// text, notebook.MaxLongText) fit with room for JSON escaping.
	MaxFieldBytes = 256 << 10
	// MaxRecordBytes bounds a record's data: the names and values of all
	// its fields, hub-kept ones included, notes conflict copies excepted.
	MaxRecordBytes = 320 << 10
	// MaxConflictCopiesBytes bounds a call's notes conflict copies; a
	// concurrent notes edit past it is rejected (the device keeps its text)
	// until someone resolves the copies.
	MaxConflictCopiesBytes = 1 << 20
	// MaxUnknownFields and MaxUnknownBytes bound the fields a record may
	// carry that v1 does not define (kept for newer clients).
	MaxUnknownFields = 32
	MaxUnknownBytes  = 16 << 10
)

func tooLarge(format string, args ...any) *notebook.Error {
	return notebook.Errorf(notebook.Code(syncproto.CodeTooLarge), format, args...)
}

// checkFieldValue applies the protocol's per-value rules to one patched
// field: valid UTF-8, at most 32 levels of nesting, at most MaxFieldBytes.
func checkFieldValue(field string, raw json.RawMessage) *notebook.Error {
	if !isPrintableName(field) {
		return notebook.Errorf(notebook.Invalid, "fields: a field name is not valid UTF-8 or has control characters")
	}
	if err := syncproto.CheckValue(raw); err != nil {
		return notebook.Errorf(notebook.Invalid, "%s: %v", field, err)
	}
	if len(raw) > MaxFieldBytes {
		return tooLarge("%s: %d bytes; one field may hold at most %d", field, len(raw), MaxFieldBytes)
	}
	return nil
}

func isPrintableName(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
}

// checkRecordSize bounds the merged record before it is written.
func checkRecordSize(typ string, data map[string]json.RawMessage) *notebook.Error {
	known := knownFields(typ)
	total, unknown, unknownBytes := 0, 0, 0
	for f, v := range data {
		size := len(f) + len(v)
		if f == fieldNotesConflicts {
			if len(v) > MaxConflictCopiesBytes {
				return tooLarge("notes_conflicts: this call already keeps %d bytes of conflict copies (limit %d); resolve them before editing its notes again", len(v), MaxConflictCopiesBytes)
			}
			continue
		}
		total += size
		if known != nil && !known[f] {
			unknown++
			unknownBytes += size
		}
	}
	switch {
	case total > MaxRecordBytes:
		return tooLarge("the %s would hold %d bytes of data; a record may hold at most %d", typ, total, MaxRecordBytes)
	case unknown > MaxUnknownFields:
		return tooLarge("the %s would carry %d fields that protocol v1 does not define; at most %d are kept", typ, unknown, MaxUnknownFields)
	case unknownBytes > MaxUnknownBytes:
		return tooLarge("the %s would carry %d bytes of fields that protocol v1 does not define; at most %d are kept", typ, unknownBytes, MaxUnknownBytes)
	}
	return nil
}

var knownFieldsCache sync.Map // type → map[string]bool

// knownFields are the JSON names of the typed record's fields (app/notebook
// is the source of truth) and the hub-kept ones; nil for a type notebook
// has no struct for.
func knownFields(typ string) map[string]bool {
	if v, ok := knownFieldsCache.Load(typ); ok {
		return v.(map[string]bool)
	}
	rec := notebook.NewRecord(notebook.Type(typ))
	if rec == nil {
		return nil
	}
	known := map[string]bool{fieldReceivedAt: true, fieldNotesConflicts: true, fieldLinks: true}
	collectJSONNames(reflect.TypeOf(rec).Elem(), known)
	knownFieldsCache.Store(typ, known)
	return known
}

func collectJSONNames(t reflect.Type, into map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			collectJSONNames(f.Type, into)
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" {
			into[name] = true
		}
	}
}
