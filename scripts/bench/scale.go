package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"fieldnotes/app/bridge"
	"fieldnotes/app/store"
)

// benchScale opens the notebook the first sync made and times what a rep
// sees first: the store opening, search, Home and an account's brief.
func benchScale(ctx context.Context, o options, dir string, n int, d dataset, t *table) error {
	key, _ := hex.DecodeString(benchKey)
	start := time.Now()
	st, err := store.Open(store.Options{Dir: dir, Key: key, Logger: quiet, Author: "rep"})
	if err != nil {
		return err
	}
	open := time.Since(start)
	defer st.Close()
	queries := []string{"xero w42", "auditor consol", "w4999 bank", "slack approval w12", "w1234", "person 4711", "netsuite migration", "renewal"}
	var search []time.Duration
	for i := 0; i < 80; i++ {
		s := time.Now()
		if _, err := st.Search(ctx, queries[i%len(queries)], 20); err != nil {
			return err
		}
		search = append(search, time.Since(s))
	}
	deps := &bridge.Deps{Store: bridge.StoreBackend(st), Log: quiet, Author: "rep", Now: func() time.Time { return genEpoch.Add(30 * 24 * time.Hour) }}
	home, accounts := bridge.NewHome(deps), bridge.NewAccounts(deps)
	var homeLat, briefLat []time.Duration
	for i := 0; i < 10; i++ {
		s := time.Now()
		if _, err := home.View(); err != nil {
			return err
		}
		homeLat = append(homeLat, time.Since(s))
		s = time.Now()
		if _, err := accounts.Brief(d.accountIDs[(i*7919)%len(d.accountIDs)]); err != nil {
			return err
		}
		briefLat = append(briefLat, time.Since(s))
	}
	t.add(row{what: fmt.Sprintf("notebook of %s records: store open / search p95 / Home p50 / account brief p50", count(n)),
		app:   fmt.Sprintf("%s / %s / %s / %s", secs(open), secs(percentile(search, 0.95)), secs(percentile(homeLat, 0.5)), secs(percentile(briefLat, 0.5))),
		floor: "—", ratio: "—", goal: "search p95 ≤ 20 ms; growth to 1M ≤ linear"})
	return nil
}
