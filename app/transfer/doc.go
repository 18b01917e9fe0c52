// Package transfer moves notebook data in and out as files: CSV exports of
// a CRM (accounts, contacts), NDJSON in the sync envelope shape, CSV per
// record type and a Markdown digest per account.
//
// Parsing (ParseFile) is pure and fuzzed; applying (Import) upserts into the
// store — accounts by domain (else by name), contacts by email, NDJSON by id
// — so importing the same file twice changes nothing. Bad rows never stop an
// import: each is reported as "file:line: reason" and the good rows go in.
//
// It composes app/store and app/notebook like the bridge does; it uses the
// standard library's encoding/csv (RFC 4180, line numbers per field) and
// encoding/json, which cover every format here without a dependency.
package transfer
