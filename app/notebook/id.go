package notebook

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

var idMu sync.Mutex
var lastIDMillis int64
var idCounter uint16

// NewID returns a new UUIDv7 string (RFC 9562): time-ordered, so ids made on
// one device sort by creation, and random enough to be made offline on many
// devices without coordination (sync-protocol.md: ids are made by the client).
// Written here rather than imported because this package uses only the
// standard library; it is twenty lines of the RFC's layout.
func NewID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("notebook: no randomness: " + err.Error()) // crypto/rand never fails on supported OSes
	}
	idMu.Lock()
	ms := time.Now().UnixMilli()
	if ms <= lastIDMillis { // monotonic within a process, even if the clock steps back
		ms = lastIDMillis
		idCounter++
	} else {
		idCounter = 0
	}
	lastIDMillis = ms
	counter := idCounter
	idMu.Unlock()
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	b[6] = 0x70 | byte(counter>>8)&0x0f // version 7, 12 bits of per-millisecond counter
	b[7] = byte(counter)
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// ValidID reports whether s is acceptable as a record id: 1–64 characters of
// letters, digits, '-' and '_' (UUIDs, ULIDs and the hub's "u_…" ids all fit).
// The limit keeps ids safe inside store keys and URLs.
func ValidID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
