// Package testop is a real OpenID Provider on loopback for tests: the
// hub's single sign-on (sync/hub/idtoken) and the app's sign-in flow
// (app/signin) are tested against it end to end — discovery, the
// authorization endpoint with PKCE, a login page, the code exchange, RS256
// ID tokens and the JWKS they are checked against. Nothing in it fakes the
// token check: the hub verifies what this provider signed, with the keys
// this provider publishes.
//
// Library: github.com/zitadel/oidc/v3, its provider package (pkg/op),
// which is an OpenID Certified implementation, with the in-memory storage
// and login page of its own example server (example/server/storage and
// exampleop) — a complete provider in a few lines, rather than a
// hand-written one whose bugs would hide ours. It is a different code base
// from the verifier the hub uses (coreos/go-oidc), so the two check each
// other. Only tests and this package import it (arch_test.go).
//
// Browser plays the system browser: it follows the URL the app would open,
// fills in the login form and follows the redirect back to the app's
// loopback listener, the way a person would.
package testop
