package store

import (
	"fmt"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

const (
	keySchema    = "m/schema"
	keyClientID  = "m/client_id"
	keyMutation  = "m/mutation"
	keyFeed      = "m/feed"
	keyHLC       = "m/hlc"
	prefixFeed   = "f/"
	prefixOut    = "o/"
	prefixLocal  = "l/"
	prefixSync   = "s/"
	prefixText   = "x/"
	prefixRecord = "r/"
)

func recordKey(t notebook.Type, id string) []byte { return []byte("r/" + string(t) + "/" + id) }
func recordPrefix(t notebook.Type) []byte         { return []byte("r/" + string(t) + "/") }
func baseKey(t notebook.Type, id string) []byte   { return []byte("b/" + string(t) + "/" + id) }
func feedKey(seq uint64) []byte                   { return []byte(fmt.Sprintf("f/%016x", seq)) }
func outboxKey(id uint64) []byte                  { return []byte(fmt.Sprintf("o/%016x", id)) }
func localKey(k string) []byte                    { return []byte(prefixLocal + k) }

// indexKey files id under another record it belongs to, e.g.
// i/account/<account id>/evidence/<evidence id>.
func indexKey(index, value string, t notebook.Type, id string) []byte {
	return []byte("i/" + index + "/" + value + "/" + string(t) + "/" + id)
}

func indexPrefix(index, value string, t notebook.Type) []byte {
	return []byte("i/" + index + "/" + value + "/" + string(t) + "/")
}

// timeKey orders records of a type by a time; the fixed-width UTC format
// sorts lexically in time order.
func timeKey(t notebook.Type, at time.Time, id string) []byte {
	return []byte("i/time/" + string(t) + "/" + at.UTC().Format("20060102T150405.000000000") + "/" + id)
}

func uniqueKey(kind, value string) []byte { return []byte("u/" + kind + "/" + value) }

func postingKey(term string, t notebook.Type, id string) []byte {
	return []byte(prefixText + term + "\x00" + string(t) + "\x00" + id)
}

// splitPosting reads a posting key back; ok is false for keys that are not
// postings (a fuzz test holds it to never panicking).
func splitPosting(k []byte) (term string, t notebook.Type, id string, ok bool) {
	s := string(k)
	if !strings.HasPrefix(s, prefixText) {
		return "", "", "", false
	}
	parts := strings.Split(s[len(prefixText):], "\x00")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return "", "", "", false
	}
	return parts[0], notebook.Type(parts[1]), parts[2], true
}

// lastSegment returns what follows the final '/', the id in index keys.
func lastSegment(k []byte) string {
	s := string(k)
	return s[strings.LastIndexByte(s, '/')+1:]
}
