// Package store is Fieldnotes' local database: Badger v4, encrypted at rest,
// every user edit one fsynced transaction. It is the only importer of badger.
//
// # Why Badger, and how it is used
//
// Badger is an embedded, pure-Go LSM key-value store with serialisable
// transactions, built-in AES encryption of every table and value-log block,
// and stream backup. The design card fixes it; we use it with SyncWrites so a
// commit returns only after fsync: when the UI says "saved", the edit survives
// kill -9 and power loss. Writers are serialised by one mutex (counters for
// the change feed and outbox are assigned in the same transaction as the
// record), which costs nothing measurable next to the fsync.
//
// # Key layout
//
//	prefix                               value                       what
//	m/schema                             "1"                         schema version (forward-only migrations)
//	m/client_id                          string                      this installation's sync client id
//	m/mutation                           uint64 (decimal)            last outbox mutation id issued
//	m/feed                               uint64 (decimal)            last change-feed sequence issued
//	m/hlc                                HLC wire string             highest HLC issued or observed
//	r/<type>/<id>                        Envelope JSON               the record as this device sees it
//	b/<type>/<id>                        Envelope JSON               the hub's version while local edits are pending (rebase base)
//	i/<index>/<value>/<type>/<id>        empty                       secondary index: account, hypothesis, call, contact, study, opportunity
//	i/time/<type>/<sortable time>/<id>   empty                       records of a type by their time (calls, evidence, email)
//	u/domain/<domain>                    account id                  unique: account by domain (import upsert, mail relevance)
//	u/email/<address>                    contact id                  unique: contact by email
//	u/msgid/<message-id>                 email id                    unique: email by Message-ID (mail dedupe)
//	x/<term>\x00<type>\x00<id>           empty                       full-text posting
//	f/<seq %016x>                        Change JSON                 local change feed (trimmed to the newest 10,000)
//	o/<mutation id %016x>                Mutation JSON               sync outbox, in order (sync-protocol.md)
//	s/cursor                             opaque string               the hub's pull cursor
//	s/rejected/<mutation id %016x>       Rejection JSON              mutations the hub refused, shown to the user
//	l/<service>/<anything>               bytes                       local-only service state (mail, assist, settings)
//
// Index and posting keys are recomputed from a record's old and new data on
// every write, so they can never drift from the record they describe.
//
// # Full-text search: our own index, in Badger
//
// We index into the same Badger database instead of using bleve because
// bleve's on-disk index would hold customer text outside Badger's encryption
// (the data must be encrypted at rest), and because postings written in the
// record's own transaction can never be stale or half-written after a crash.
// The index is a plain inverted index of lower-cased words (stop words
// dropped); queries AND their words and the words of three letters or more
// match as prefixes, which is what a search-as-you-type box needs. The words'
// posting lists are intersected by leapfrogging cursors (cursor.go), newest
// documents first, stopping once enough are found to rank, so a query costs
// what its rarest word costs. Ranking is deliberately simple: exact word
// matches beat prefix matches, newer beats older. BenchmarkSearch100k
// measures it.
//
// The exception to postings-in-the-record's-transaction is bulk writes: a
// large pulled page and a large import (Batch.DeferSearch) leave their
// postings to the store's indexer (index.go), which walks the change feed
// from m/indexed once writes go quiet; a crash leaves a true position and the
// indexer finishes at the next open. Until then IndexLag says how many
// changes search may still miss; lists, briefs and unique keys are complete
// at once.
//
// # Outbox
//
// Every synced edit appends a Mutation (mutation_id, op, type, id, changed
// fields, HLC) in the edit's transaction. Autosave produces many edits of one
// record; an edit is folded into the newest outbox entry when that entry is
// for the same record and has not yet been handed to the sync engine
// (Outbox seals what it returns), so the outbox stays small without ever
// changing a mutation the hub may already have seen.
package store
