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
// Passwords and tokens are never logged; neither are message bodies.
package imapsync
