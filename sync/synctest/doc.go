// Package synctest holds the test tools of sync: a hub on 127.0.0.1:0 with
// a fresh store (StartHub), a minimal wire client that speaks protocol v1
// exactly as the page says (WireClient), and a fault-injecting reverse
// proxy (Proxy) that drops requests, drops responses after the hub
// committed, duplicates, reorders, delays, answers 5xx/429 and truncates
// bodies — the network failures the client engine must survive.
//
// With FIELDHUB_TEST_STORE=postgres-replicas (StoreEnv) StartHub starts
// two hub replicas on one PostgreSQL database behind a Router that sends
// each request to a random replica, so every test written against StartHub
// also runs against a replicated hub; StartReplicas does so always.
//
// Everything here is real: real TCP on loopback, the real hub handler, a
// real Badger store (in memory unless a directory is given) or a real
// PostgreSQL cluster (pgtest). Nothing mocks
// the transport, so what passes here passes against a deployed hub.
// It uses only the standard library plus the hub packages it drives.
package synctest
