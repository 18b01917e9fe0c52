// A test fixture for the e2e suite, in its own module so the app's
// one-package-per-technology rule (arch_test.go: only app/imapsync imports
// go-imap) keeps holding for the app itself.
module fieldnotes.test/e2e/imapfixture

go 1.24

require github.com/emersion/go-imap/v2 v2.0.0-beta.8

require (
	github.com/emersion/go-message v0.18.2 // indirect
	github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
)
