// Package idtoken verifies OpenID Connect ID tokens for the hub's single
// sign-on (POST /v1/auth/oidc): the signature against the provider's
// published keys (JWKS, found by discovery), the issuer, the audience (the
// hub's client id), the expiry and the nonce, and then reads the email and
// whether the provider verified it. What the hub does with the identity —
// which user, which role — is the hub's (sync/hub/oidc.go), not this
// package's.
//
// Library: github.com/coreos/go-oidc/v3. It is the verifier most Go
// services use (Kubernetes' API server, Dex), it does discovery, key
// caching and rotation (a new kid refetches the key set, throttled) and
// checks iss/aud/exp the way the spec says, on top of go-jose. The
// alternatives were writing the JOSE checks by hand (the classic source of
// alg=none and key-confusion bugs) or zitadel/oidc's relying-party
// package, which is larger and bundles a web login flow the hub does not
// need. zitadel/oidc's provider package (pkg/op) is what the tests use as
// the real OpenID Provider on loopback (sync/synctest/testop), so the
// verifier and the provider come from two independent implementations.
//
// One addition to go-oidc: its key set refetches the provider's keys for
// every token signed with a key it does not know, which on an endpoint
// that needs no login would let anyone make the hub hammer the provider;
// the fetches go through a 30-second cache (throttle.go, tested with the
// attack in sync/hub/oidc_test.go).
//
// Only this package imports go-oidc (arch_test.go: one package per
// technology).
package idtoken
