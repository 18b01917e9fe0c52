// Package signin signs a person in at their company's OpenID Provider the
// way a desktop app must (RFC 8252, "OAuth 2.0 for Native Apps"): the
// authorization code flow with PKCE (S256), in the system browser, with
// the answer coming back to a listener on 127.0.0.1 on a random port. A
// random state ties the answer to this sign-in (a request to the listener
// with another state is turned away and the wait goes on), the PKCE
// verifier ties the code to this process (a code seen by anyone else is
// useless to them), and a random nonce ties the ID token to this sign-in;
// the hub checks the nonce again when it verifies the token
// (sync/hub/idtoken). The app holds no client secret: a native app cannot
// keep one.
//
// It returns the provider's ID token. The app never trusts it itself: it
// hands it to the hub (POST /v1/auth/oidc), which verifies it and answers
// with the hub's own token, stored in the OS keyring as after an invite.
//
// Library: golang.org/x/oauth2 for the authorization URL, PKCE
// (GenerateVerifier, S256ChallengeOption) and the code exchange — the
// standard Go OAuth client, maintained by the Go team, with no other
// dependencies. Discovery is one GET of .well-known/openid-configuration,
// done here rather than by pulling in go-oidc, which the app would need
// only for that (the ID token's checks are the hub's). The browser is
// opened by whatever Open is given (Wails' BrowserOpenURL in the app), so
// tests follow the URL with a real HTTP client to a real provider
// (sync/synctest/testop).
//
// Only this package imports x/oauth2 on the app side (arch_test.go).
package signin
