package hub_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"syscall"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
	"fieldnotes/sync/synctest"
)

// BenchmarkInsights50x500k: GET /v1/insights/hypotheses for 50 hypotheses
// over 500,000 evidence items (5,000 accounts, 20 reps) in an on-disk
// Badger store, over loopback HTTP. Goal: ≤ 200 ms.
//
//   - build: the first request after start, which decodes every record
//     into the index (the serve command does this in the background).
//   - recompute: an account's ARR changed since the last request, so all
//     50 roll-ups are recomputed from the 500k items (the worst case).
//   - one-hypothesis-changed: one new evidence item since the last request.
//   - unchanged: nothing new; cached roll-ups are re-sent.
func BenchmarkInsights50x500k(b *testing.B) {
	const hyps, items, accounts, reps = 50, 500_000, 5_000, 20
	h := synctest.StartHub(b, synctest.HubOptions{Dir: b.TempDir()})
	seedEvidence(b, h.Store, hyps, items, accounts, reps)
	pm := &synctest.WireClient{BaseURL: h.URL, Token: h.AddUser(b, hubdb.RoleProduct).Token}
	rep := &synctest.WireClient{BaseURL: h.URL, Token: h.AddUser(b, hubdb.RoleField).Token, ClientID: "bench-rep"}
	var cpu time.Duration // process CPU time spent in requests: the honest figure on a shared, loaded machine
	get := func(b *testing.B) {
		before := cpuTime()
		r, err := pm.Do(ctx, http.MethodGet, "/v1/insights/hypotheses", nil)
		cpu += cpuTime() - before
		if err != nil || r.Status != http.StatusOK {
			b.Fatalf("insights: %v %d %.200s", err, r.Status, r.Body)
		}
		b.SetBytes(int64(len(r.Body)))
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
		cpu = 0
	}
	start := time.Now()
	get(b)
	b.Logf("build: first request (index of %d records) took %v (%v CPU)", items+accounts+hyps, time.Since(start), cpu)
	cpu = 0
	var n uint64
	b.Run("recompute", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			n++
			pushOne(b, rep, synctest.Upsert(n, "account", fmt.Sprintf("acc-%d", i%accounts), hlc(), map[string]any{"name": "A", "arr": float64(i)}))
			b.StartTimer()
			get(b)
		}
		report(b)
	})
	b.Run("one-hypothesis-changed", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			n++
			pushOne(b, rep, evidence(n, id(), "hyp-7", map[string]any{"account_id": "acc-1", "quote": "q"}))
			b.StartTimer()
			get(b)
		}
		report(b)
	})
	b.Run("unchanged", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			get(b)
		}
		report(b)
	})
}

// seedEvidence writes records straight through Store.Update (pushing 500k
// mutations over HTTP would take minutes and measure the push path, not
// insights). The data is what a push would have stored.
func seedEvidence(b *testing.B, store hubdb.Store, hyps, items, accounts, reps int) {
	b.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	raw := func(v any) json.RawMessage { j, _ := json.Marshal(v); return j }
	now := time.Now().UTC()
	write := func(scope string, recs []hubdb.Record) {
		const part = 2000 // one transaction each: PostgreSQL's statement timeout bounds one
		for from := 0; from < len(recs); from += part {
			err := store.Update(ctx, []string{scope}, func(tx hubdb.Tx) error {
				for i := from; i < min(from+part, len(recs)); i++ {
					if err := tx.Apply("seed-"+scope, uint64(i+1), &recs[i]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	var org []hubdb.Record
	for i := 0; i < hyps; i++ {
		org = append(org, hubdb.Record{ID: fmt.Sprintf("hyp-%d", i), Type: "hypothesis", Scope: syncproto.OrgScope, UpdatedAt: now,
			Data: map[string]json.RawMessage{"statement": raw(fmt.Sprintf("Hypothesis %d", i)), "status": raw("active"), "rank": raw(i + 1),
				"published_at": raw(now.Add(-30 * 24 * time.Hour))}})
	}
	segments := []string{"smb", "mid-market", "enterprise"}
	for i := 0; i < accounts; i++ {
		org = append(org, hubdb.Record{ID: fmt.Sprintf("acc-%d", i), Type: "account", Scope: syncproto.OrgScope, UpdatedAt: now,
			Data: map[string]json.RawMessage{"name": raw(fmt.Sprintf("Account %d", i)), "segment": raw(segments[i%3]), "arr": raw(rng.IntN(1_000_000))}})
	}
	write(syncproto.OrgScope, org)
	signals := []string{"supports", "refutes", "mixed", "unclear"}
	currencies := []string{"EUR", "USD", "GBP"}
	capabilities := []string{"SSO", "sso.", "Audit log", "SCIM", "API rate limits", "Dark mode", "Zapier"}
	perScope := items / reps
	for r := 0; r < reps; r++ {
		recs := make([]hubdb.Record, 0, perScope)
		for i := 0; i < perScope; i++ {
			captured := now.Add(-time.Duration(rng.IntN(30*24*3600)) * time.Second)
			d := map[string]json.RawMessage{"hypothesis_id": raw(fmt.Sprintf("hyp-%d", rng.IntN(hyps))),
				"account_id": raw(fmt.Sprintf("acc-%d", rng.IntN(accounts))), "signal": raw(signals[rng.IntN(4)]),
				"captured_at": raw(captured), "received_at": raw(captured.Add(time.Duration(rng.IntN(7200)) * time.Second).Format(hubdb.TimeFormat)),
				"author_role": raw([]string{"sales", "cs"}[rng.IntN(2)]), "strength": raw(1 + rng.IntN(3))}
			if rng.IntN(3) == 0 {
				d["quote"] = raw(fmt.Sprintf("We would pay for this if it had %s — customer %d", capabilities[rng.IntN(7)], i))
			}
			if rng.IntN(5) == 0 {
				d["wtp"] = raw(map[string]any{"amount": 5 + rng.IntN(100), "currency": currencies[rng.IntN(3)], "period": "seat_month"})
			}
			if rng.IntN(4) == 0 {
				d["capability"] = raw(capabilities[rng.IntN(7)])
			}
			if rng.IntN(8) == 0 {
				d["blocker"] = raw(capabilities[rng.IntN(7)])
			}
			if rng.IntN(3) == 0 { // said in a deal (seedDeals writes deal-0 … deal-1999)
				d["opportunity_id"] = raw(fmt.Sprintf("deal-%d", rng.IntN(2000)))
				d["impact"] = raw([]string{"blocker", "retention", "expansion", "nice_to_have"}[rng.IntN(4)])
			} else if rng.IntN(6) == 0 {
				d["impact"] = raw([]string{"retention", "expansion"}[rng.IntN(2)])
			}
			recs = append(recs, hubdb.Record{ID: fmt.Sprintf("ev-%d-%d", r, i), Type: "evidence", Scope: syncproto.UserScope(fmt.Sprintf("u_rep%d", r)),
				Data: d, UpdatedAt: now, UpdatedBy: fmt.Sprintf("u_rep%d", r)})
		}
		write(syncproto.UserScope(fmt.Sprintf("u_rep%d", r)), recs)
	}
}

// seedDeals writes n opportunities (deal-0 …) on the seeded accounts, a
// third won or lost, in three currencies.
func seedDeals(b *testing.B, store hubdb.Store, n, accounts int) {
	b.Helper()
	raw := func(v any) json.RawMessage { j, _ := json.Marshal(v); return j }
	now := time.Now().UTC()
	recs := make([]hubdb.Record, n)
	for i := range recs {
		d := map[string]json.RawMessage{"name": raw(fmt.Sprintf("Deal %d", i)), "account_id": raw(fmt.Sprintf("acc-%d", i%accounts)),
			"amount": raw(1000 * (1 + i%97)), "currency": raw([]string{"EUR", "USD", "GBP"}[i%3]),
			"stage": raw([]string{"Discovery", "Proposal", "Negotiation"}[i%3]), "status": raw([]string{"open", "open", "won", "lost"}[i%4])}
		if i%8 == 2 {
			d["close_date"] = raw(now.Add(-time.Duration(i) * time.Hour))
		}
		recs[i] = hubdb.Record{ID: fmt.Sprintf("deal-%d", i), Type: "opportunity", Scope: syncproto.OrgScope, Data: d, UpdatedAt: now}
	}
	err := store.Update(ctx, []string{syncproto.OrgScope}, func(tx hubdb.Tx) error {
		for i := range recs {
			if err := tx.Apply("seed-deals", uint64(i+1), &recs[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
