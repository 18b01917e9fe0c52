package imapsync

import "testing"

// BenchMailbox gives external benchmarks (bench_store_test.go) a Dovecot
// user holding n bulk messages, a fifth of them from acme.com customers.
func BenchMailbox(b *testing.B, n int) Settings {
	d, user := benchUser(b, n)
	return benchSettings(d, user)
}
