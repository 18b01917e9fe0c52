// Package imaptest holds the IMAP servers the tests and the benchmarks run
// against, in one place instead of a copy per package (like sync/synctest
// for the hub):
//
//   - MemServer: go-imap's in-memory server (imapmemserver) on 127.0.0.1:0,
//     one user with INBOX and Sent, optionally behind implicit TLS. Fast and
//     always available; what most tests use.
//   - Dovecot: a real, throwaway Dovecot (Debian dovecot-imapd) with its own
//     config in a temp dir (nothing from /etc/dovecot), 127.0.0.1 on free
//     ports (plain and implicit TLS with a self-signed certificate),
//     passwd-file users with Maildir homes owned by the mail user (uid 8).
//     Recipe and pitfalls: /work/shared/design/imap-notes.md.
//
// It does not import app/imapsync (imapsync's own tests use it, and an
// import back would be a cycle): callers turn Host/Port/user/password into
// their own settings. It is, with app/imapsync, the only package that
// imports go-imap (arch_test.go).
package imaptest
