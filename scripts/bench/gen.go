package main

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"fieldnotes/sync/syncproto"
)

// The generator is deterministic: one seed gives the same notebook, so two
// runs (or two machines) time the same bytes.

var genWords = strings.Fields(`reconcile invoice approval slack teams budget pricing seat auditor consolidation
entity onboarding dashboard security review integration xero netsuite export controller close month forecast
variance commentary card bank feed vendor payment renewal churn expansion pilot procurement legal rollout
migration spreadsheet workflow report quarter finance treasury cash ledger journal accrual subsidiary`)

// genEpoch is the fixed time the generated ids and dates count from.
var genEpoch = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

type generator struct {
	rnd *rand.Rand
	seq uint64
}

func newGenerator(seed uint64) *generator {
	return &generator{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// id is a UUIDv7 whose time is genEpoch plus a counter, so ids sort in
// creation order like the app's own.
func (g *generator) id() string {
	g.seq++
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(genEpoch.UnixMilli()+int64(g.seq))<<16)
	b[6] = 0x70 | b[6]&0x0f
	binary.BigEndian.PutUint64(b[8:16], g.rnd.Uint64())
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *generator) words(minBytes int) string {
	var sb strings.Builder
	for sb.Len() < minBytes {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(genWords[g.rnd.IntN(len(genWords))])
		if g.rnd.IntN(6) == 0 {
			fmt.Fprintf(&sb, " w%d", g.rnd.IntN(5000))
		}
	}
	return sb.String()
}

func raw(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

// dataset is the records to seed, split by who pushes them: org records
// (accounts, contacts) by seeder users, calls by the rep who syncs.
type dataset struct {
	org, calls []syncproto.Mutation
	accountIDs []string
}

// generate makes n records: 30% accounts, 50% contacts, 20% calls with
// about 1 KB of notes.
func generate(seed uint64, n int) dataset {
	g := newGenerator(seed)
	nAcc, nCon := n*30/100, n*50/100
	nCall := n - nAcc - nCon
	var d dataset
	hlc := syncproto.FormatHLC(genEpoch.UnixMilli(), 0)
	up := func(typ, id string, f map[string]json.RawMessage) syncproto.Mutation {
		return syncproto.Mutation{Op: syncproto.OpUpsert, Type: typ, ID: id, HLC: hlc, Fields: f}
	}
	segments := []string{"smb", "mid", "enterprise"}
	for i := 0; i < nAcc; i++ {
		id := g.id()
		d.accountIDs = append(d.accountIDs, id)
		d.org = append(d.org, up("account", id, map[string]json.RawMessage{
			"name":    raw(fmt.Sprintf("%s %s %d", title(genWords[g.rnd.IntN(len(genWords))]), title(genWords[g.rnd.IntN(len(genWords))]), i)),
			"domains": raw([]string{fmt.Sprintf("acct%d.example", i)}),
			"segment": raw(segments[g.rnd.IntN(3)]),
			"stage":   raw([]string{"prospect", "customer"}[g.rnd.IntN(2)]),
		}))
	}
	contactsOf := map[string][]string{}
	for i := 0; i < nCon; i++ {
		id, acct := g.id(), d.accountIDs[g.rnd.IntN(nAcc)]
		contactsOf[acct] = append(contactsOf[acct], id)
		d.org = append(d.org, up("contact", id, map[string]json.RawMessage{
			"email":      raw(fmt.Sprintf("person%d@acct.example", i)),
			"name":       raw(fmt.Sprintf("Person %d %s", i, title(genWords[g.rnd.IntN(len(genWords))]))),
			"account_id": raw(acct),
			"title":      raw([]string{"Controller", "CFO", "AP clerk", "FP&A lead"}[g.rnd.IntN(4)]),
		}))
	}
	for i := 0; i < nCall; i++ {
		acct := d.accountIDs[g.rnd.IntN(nAcc)]
		f := map[string]json.RawMessage{
			"account_id": raw(acct),
			"started_at": raw(genEpoch.Add(time.Duration(i) * time.Minute).Format(time.RFC3339)),
			"kind":       raw("discovery"),
			"notes":      raw(g.words(1000)),
		}
		if cs := contactsOf[acct]; len(cs) > 0 {
			f["contact_ids"] = raw(cs[:1])
		}
		d.calls = append(d.calls, up("call", g.id(), f))
	}
	return d
}

// title capitalises a generator word (ASCII, so strings.Title's Unicode
// word-boundary problem does not arise; it is deprecated all the same).
func title(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}
