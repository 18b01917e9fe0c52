package syncproto

import "encoding/json"

// Version is the protocol version this package speaks; clients send it in
// the Sync-Protocol header and the hub answers 426 to any other value.
const Version = "1"

// HeaderVersion is the request header that carries Version.
const HeaderVersion = "Sync-Protocol"

// Limits of sync-protocol.md, "Limits and errors".
const (
	MaxPushMutations = 500     // mutations per push request
	MaxPushBytes     = 1 << 20 // bytes of one push request body
	DefaultPullLimit = 1000    // records per pull page when no limit is given
	MaxPullLimit     = 5000    // larger limits are lowered to this
	MaxWaitSeconds   = 60      // larger wait values are lowered to this
)

// Ops of a mutation.
const (
	OpUpsert = "upsert" // a patch: only the named fields change
	OpDelete = "delete" // a tombstone
)

// Statuses of a per-mutation result.
const (
	StatusApplied   = "applied"
	StatusDuplicate = "duplicate"
	StatusRejected  = "rejected"
)

// Error codes that appear on the wire (bodies and rejected results). The
// shared ones match app/notebook's codes by value.
const (
	CodeInvalid             = "invalid"
	CodeForbidden           = "forbidden"
	CodeNotFound            = "not_found"
	CodeConflict            = "conflict"
	CodeInternal            = "internal"
	CodeUnauthorized        = "unauthorized"
	CodeMutationGap         = "mutation_gap"
	CodeReset               = "reset"
	CodeTooLarge            = "too_large"
	CodeUnsupportedProtocol = "unsupported_protocol"
	CodeRateLimited         = "rate_limited" // 429, with Retry-After
)

// RecordTypes lists the record types of protocol v1.
var RecordTypes = []string{"hypothesis", "study", "account", "contact", "opportunity", "call", "evidence", "email"}

// KnownType reports whether t is a record type of protocol v1.
func KnownType(t string) bool {
	for _, k := range RecordTypes {
		if k == t {
			return true
		}
	}
	return false
}

// OrgScope is the scope of records every user reads.
const OrgScope = "org"

// ReservedClientPrefix starts the client ids the hub uses itself; a client
// sending one gets 403 (sync-protocol.md, "Limits and errors").
const ReservedClientPrefix = "hub-"

// UserScope returns the scope of a user's own calls, evidence and emails.
func UserScope(userID string) string { return "user:" + userID }

// OrgScoped reports whether records of type t live in the org scope
// (the others live in the scope of their owner).
func OrgScoped(t string) bool {
	return t == "hypothesis" || t == "study" || t == "account" || t == "contact" || t == "opportunity"
}

// PushRequest is the body of POST /v1/sync/push.
type PushRequest struct {
	ClientID  string     `json:"client_id"`
	Mutations []Mutation `json:"mutations"`
}

// Mutation is one change a client made offline.
//
// Base is an extension (sync/README.md, "Base of a notes edit"): for a
// field whose concurrent edits must not be lost (a call's notes), the HLC of
// that field as the device had it when the user started the edit; "" when
// the device had no value. The hub uses it to tell a concurrent edit from a
// successive one.
type Mutation struct {
	MutationID uint64                     `json:"mutation_id"`
	Op         string                     `json:"op"`
	Type       string                     `json:"type"`
	ID         string                     `json:"id"`
	Fields     map[string]json.RawMessage `json:"fields,omitempty"`
	HLC        string                     `json:"hlc"`
	Base       map[string]string          `json:"base,omitempty"`
}

// PushResponse is the 200 body of a push.
type PushResponse struct {
	Results []Result `json:"results"`
}

// Result is the outcome of one mutation, in request order.
type Result struct {
	MutationID uint64 `json:"mutation_id"`
	Status     string `json:"status"`
	Seq        uint64 `json:"seq,omitempty"`
	Code       string `json:"code,omitempty"`
	Message    string `json:"message,omitempty"`
}

// PullResponse is the 200 body of GET /v1/sync/pull.
type PullResponse struct {
	Records        []Envelope `json:"records"`
	Cursor         string     `json:"cursor"`
	HasMore        bool       `json:"has_more"`
	LastMutationID uint64     `json:"last_mutation_id"`
	// Remaining is this hub's estimate of the record versions still to
	// come after this page (an extension, sync/README.md): at most that many
	// records, for a progress bar only. 0 or absent when unknown or done.
	Remaining uint64 `json:"remaining,omitempty"`
}

// Envelope is a record as pull returns it.
type Envelope struct {
	ID            string                     `json:"id"`
	Type          string                     `json:"type"`
	Scope         string                     `json:"scope"`
	Seq           uint64                     `json:"seq"`
	Deleted       bool                       `json:"deleted"`
	SchemaVersion int                        `json:"schema_version"`
	Data          map[string]json.RawMessage `json:"data"`
	FieldHLC      map[string]string          `json:"field_hlc"`
	UpdatedBy     string                     `json:"updated_by"`
	UpdatedAt     string                     `json:"updated_at"`
}

// SchemaVersion is the envelope schema version the hub writes.
const SchemaVersion = 1

// ErrorBody is every error response: {"code","message"} plus, for a
// mutation gap, the next mutation id the hub expects and the results of the
// mutations it processed before the gap.
type ErrorBody struct {
	Code     string   `json:"code"`
	Message  string   `json:"message"`
	Expected uint64   `json:"expected,omitempty"`
	Results  []Result `json:"results,omitempty"`
}

// Error is a protocol error with a wire code; the decoders return it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func invalidf(format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Message: sprintf(format, args...)}
}
