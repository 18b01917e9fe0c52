// Package syncproto is the wire contract of Fieldnotes sync protocol v1
// (shared/design/sync-protocol.md, extended in sync/README.md): the JSON
// shapes of push and pull, the record envelope, the error body, the opaque
// pull cursor, the HLC wire form and the protocol's limits.
//
// Both sides import it: the hub (sync/hub) and the client engine
// (sync/syncclient), so a change to the contract is a change in one place.
// It imports only the standard library (architecture.md, rule 1) — it does
// not even import app/notebook: the HLC wire parser here is a few lines that
// mirror notebook.ParseHLC, so an independent client or conformance checker
// can vendor this package alone.
//
// The decoders (DecodePushRequest, DecodeCursor) are strict and total: any
// input yields either a value or an *Error with code "invalid" that says what
// is wrong and where; they never panic (they are fuzzed).
package syncproto
