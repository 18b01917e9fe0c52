// Package secrets keeps Fieldnotes' secrets — the data encryption key, the
// hub token, the IMAP password, the AI API key — in the operating system's
// keyring, and is the only importer of the keyring library.
//
// It uses github.com/zalando/go-keyring: a small, widely used, maintained
// wrapper over the Secret Service (GNOME Keyring, KWallet) on Linux, the
// Keychain on macOS and the Credential Manager on Windows, with no cgo.
//
// Where no keyring runs (CI, a headless server, a minimal desktop) the
// fallbacks are, in order, and each is logged once as a warning:
//   - the data key: $FIELDNOTES_KEY (64 hex digits), else a key file with mode
//     0600 beside the data directory (<data dir>.key);
//   - other secrets: the notebook's own encrypted store (never a plain file).
//
// Keyring calls are bounded by a timeout, because a D-Bus session without a
// Secret Service can otherwise hang for tens of seconds.
package secrets
