// Package imapsync pulls the emails that concern the rep's accounts out of the
// rep's own IMAP mailbox, parses them, sanitises their HTML and hands them to
// the notebook as local-only notebook.Email records. Nothing irrelevant is ever
// fetched beyond its envelope, and nothing leaves the laptop from here.
//
// # How a pull works
//
//   - One STATUS per folder (with HIGHESTMODSEQ when the server has CONDSTORE)
//     decides whether anything changed since the last pull. A no-change
//     resync therefore costs one round trip per folder, flat in mailbox size.
//   - New messages (UID >= the remembered UIDNEXT) are scanned by ENVELOPE
//     only. Relevance is decided here, on the client, against contact
//     addresses and account domains (sub-domains included): server-side
//     SEARCH FROM would match display names (helpdesk relays) and miss
//     malformed senders. When the envelope has no usable sender (Dovecot's
//     MISSING_MAILBOX@MISSING_DOMAIN, or no address at all) the raw From:
//     header is fetched and parsed leniently.
//   - Bodies are fetched for relevant messages only, streamed literal by
//     literal into go-message, never buffered per command.
//   - Flag changes come through FETCH CHANGEDSINCE; expunges are found by
//     comparing message counts and diffing UID SEARCH ALL, because go-imap
//     v2 beta.8 refuses QRESYNC.
//   - A changed UIDVALIDITY drops the folder's remembered envelopes and
//     re-scans it; records are keyed by Message-ID (the email id is a hash of
//     it), so nothing is duplicated and nothing already stored is lost.
//   - Envelope summaries of every seen message are kept, so adding an account
//     or contact re-evaluates relevance locally and fetches only the bodies
//     that became relevant.
//
// Storage goes through the small Mailbox interface (Save of a record plus a
// local key/value space), which a thin adapter over app/store satisfies;
// this package never imports the store (architecture.md, rule 1). MemMailbox
// is the in-memory implementation used by tests and benchmarks.
//
// # Libraries, and why
//
//   - github.com/emersion/go-imap/v2 (beta.8): the only maintained Go IMAP
//     client with CONDSTORE, IDLE, ESEARCH, SPECIAL-USE and streamed
//     literals; its in-memory server (imapmemserver) gives real-protocol unit
//     tests. Its beta gaps (no QRESYNC, literals must be drained in order)
//     are worked around here and written down in imap-notes.md.
//   - github.com/emersion/go-message: streaming MIME (mail.Reader), RFC 2047
//     words and, through go-message/charset, every charset x/text knows.
//   - github.com/emersion/go-sasl: PLAIN and OAUTHBEARER; XOAUTH2 is ten
//     lines and written here (go-sasl dropped it).
//   - github.com/microcosm-cc/bluemonday: an allow-list HTML sanitiser built
//     on the x/net/html tokenizer, so what survives is what we listed, not
//     what a deny-list forgot. The sanitised HTML is then shown inside a
//     sandboxed iframe whose srcdoc carries a strict CSP (SrcDoc), a second
//     wall in case the first one leaks.
//
// # What the app wires
//
// app/desktop adapts the store: SaveEmail is
// store.Save(ctx, &e, store.LocalOnly()), the Local* methods are the
// store's. SaveEmail is called once per Message-ID (when no local state
// exists for it yet), so a rep's later edits to the record (links, account)
// are never overwritten by a pull. The reading view uses GetBody + SrcDoc
// (or TextSrcDoc), GetMessageState for read/unread, MarkNotRelevant to hide,
// FetchAttachment to open an attachment, InlineImages to show cid: images
// (as data: URIs, the only images the CSP allows). The CLI calls PullOnce and prints
// Counts; the app runs a Service (Serve/ScheduleSync, IDLE on INBOX, poll
// fallback, backoff).
//
// # Tests
//
// Unit tests run against go-imap's imapmemserver on 127.0.0.1:0 and the
// integration tests against a throwaway Dovecot, both from imaptest (the
// one fixture package, shared with app/bridge, app/cli, app/desktop, the
// e2e suite and make bench). The Dovecot (Debian dovecot-imapd,
// /usr/sbin/dovecot; the tests must run as root so mail processes can use
// uid 8) has its own config in a temp dir on a free loopback port; the tests
// skip loudly when it is missing. Faults covered: a TCP proxy cutting the connection in
// the middle of the body FETCH, a server restart, a UIDVALIDITY change.
// testdata/xss/vectors.json holds the HTML attack corpus; `go test -run
// TestXSSCorpus -update` rewrites testdata/xss/out/*.html, the sanitised
// srcdoc documents the Chromium e2e suite renders.
//
// Benchmarks (`go test -run '^$' -bench . -benchtime 3x ./app/imapsync/`,
// needs dovecot-imapd and isync) on this project's 2-core machines, one run,
// same Dovecot, 10,000-message INBOX with 2,000 from customers, the initial
// pull storing through a BatchMailbox as the app does. Two runs, the second
// on a machine shared with other builds (load average 10–15):
//
//	initial pull, parsed and stored          0.69 s / 0.66 s
//	mbsync at its defaults, same INBOX       26.9 s / 41.3 s  (fsync per message; ratio ≤ 0.026×)
//	no-change resync (connect+STATUS+logout) 20 / 20 ms and 15 / 13 ms at 1,000 / 10,000 messages
//	no-change resync, connection kept        0.6–0.8 ms
//	mbsync no-change resync                  353 / 699 ms and 373 / 462 ms at 1,000 / 10,000
//
// Found on the way: Dovecot's Maildir index hashes file base names, and
// too-regular names (1.M1P1.host, 2.M2P1.host …) collide so badly that every
// SELECT/STATUS of a 10,000-file folder costs 100–500 ms of CPU; the test
// fill uses names shaped like a real delivery agent's.
//
// Passwords and tokens are never logged; neither are message bodies.
package imapsync
