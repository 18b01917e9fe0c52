// Package wiring is the composition root of the laptop app: Open turns a
// data directory into a Main holding every service, built one way for both
// the window (app/desktop) and the command line (app/cli), in the spirit of
// WTF Dial's Main. It opens the encrypted store with the key from
// app/secrets, and builds the secrets vault, the mail adapter and the mail
// runner, the AI queue, the hub settings and the sync engine; Deps hands
// them to the bridge; Start runs the long-lived ones under a supervisor.
//
// Building touches neither the network nor the keyring (the keyring may be
// slow; the window must not wait for it): the sync token and the AI key are
// read when the services start. Only main-level packages import this one.
package wiring
