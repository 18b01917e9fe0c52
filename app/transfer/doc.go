// Package transfer moves notebook data in and out as files: the exports CRMs
// really write (accounts/companies/organizations, contacts/persons and
// opportunities/deals from Salesforce, HubSpot and Pipedrive, as CSV or
// XLSX), our own CSV, NDJSON in the sync envelope shape, CSV per record type
// and a Markdown digest per account.
//
// Reading is in layers. decode.go turns bytes into a table: UTF-8 with or
// without BOM or UTF-16 (Excel's "Unicode text"), the delimiter sniffed from
// the first line, CRLF and quoted newlines, a bound on one record's size so an
// unclosed quote in a 50 MB file is a quick clear error, and .xlsx. fields.go
// knows the vendors' default headers (Salesforce report labels and Data
// Loader API names, HubSpot property labels, Pipedrive "Entity - Field") and
// takes a user's mapping for the rest (--map, the app's preview, remembered
// per header set). normalise.go reads values as CRMs write them: websites to
// registrable domains, amounts in any of the usual notations, dates, account
// types and lifecycle stages to prospect/customer, won/lost from stages.
// import.go applies rows: one company is one account across CRMs (by CRM id
// "vendor:id", then domain, then name), a second file that disagrees is
// reported by line and never silently renames or merges, re-importing
// changes nothing, and a dry run says what each line would do.
//
// Parsing is pure and fuzzed. Bad rows never stop an import: each is reported
// as "file:line: reason" with its cells, and the good rows go in, in one
// store batch (100k rows without 100k commits). The batch commits in parts,
// so an import is not all-or-nothing but resumable: killed midway it leaves
// whole records, and importing the file again creates exactly the rest
// (TestKilledImportLeavesAConsistentStoreThatAReimportCompletes). From
// deferSearchFrom writes on, an import leaves its search postings to the
// store's indexer (store.Batch.DeferSearch): they were half of a 100k-row
// import's Badger writes.
//
// Libraries: the standard library's encoding/csv (RFC 4180, field positions
// for line numbers) wrapped in a size guard; github.com/xuri/excelize/v2 for
// .xlsx, the maintained pure-Go reader that streams rows (Rows) and takes
// unzip size limits against zip bombs; golang.org/x/net/publicsuffix for the
// registrable domain, as the public-suffix list is the only correct rule
// (acme.co.uk, city.kawasaki.jp); golang.org/x/text for UTF-16, already in
// the module graph.
package transfer
