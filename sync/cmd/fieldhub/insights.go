package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
)

// insightsCommand is `fieldhub insights --data DIR [--json] [--hypothesis ID]`:
// the same report as GET /v1/insights/hypotheses, from a stopped hub's data.
// Without --json it prints one line per hypothesis, headline first.
func insightsCommand(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("insights", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "data directory of a stopped hub")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	hypID := fs.String("hypothesis", "", "only this hypothesis id")
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return exitUsage
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(*dir, log)
	if err != nil {
		if notebook.IsCode(err, notebook.Conflict) {
			err = notebook.Errorf(notebook.Conflict, "%s; while the hub runs, use GET /v1/insights/hypotheses", err.Error())
		}
		return fail(stderr, err)
	}
	defer store.Close()
	// A server on the stopped hub's store, running no services: the same
	// index and roll-ups with the first-seen steps from the store; reading
	// it this way does not count as product seeing the evidence.
	srv, err := hub.NewServer(hub.Options{Store: store, Logger: log})
	if err != nil {
		return fail(stderr, err)
	}
	rep, err := srv.Insights(context.Background(), hub.InsightsQuery{HypothesisID: *hypID}, false)
	if err != nil {
		return fail(stderr, err)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(rep)
		return exitOK
	}
	printInsights(stdout, rep)
	return exitOK
}

func printInsights(w io.Writer, rep hub.InsightsReport) {
	fmt.Fprintf(w, "%d hypotheses, %d evidence items, %d accounts\n", len(rep.Hypotheses), rep.Evidence, rep.Accounts)
	hl := rep.Headline
	fmt.Fprintf(w, "time to signal (median over hypotheses): publish → first evidence %s (%d), → 5 accounts %s (%d), → decision %s (%d); edge → hub p50 %s\n",
		median(hl.FirstEvidence), hl.FirstEvidence.Reached, median(hl.FiveAccounts), hl.FiveAccounts.Reached,
		median(hl.Decided), hl.Decided.Reached, median(hl.EdgeToHubP50))
	for _, h := range rep.Hypotheses {
		s := h.Signals
		fmt.Fprintf(w, "%-12s %-10s supports %d / refutes %d / mixed %d / unclear %d accounts (ARR %.0f)  first evidence %s  5 accounts %s  edge→hub p50 %s p95 %s  %s\n",
			h.HypothesisID, h.Status, s.Overall[notebook.SignalSupports].Accounts, s.Overall[notebook.SignalRefutes].Accounts,
			s.Overall[notebook.SignalMixed].Accounts, s.Overall[notebook.SignalUnclear].Accounts, s.ARR,
			after(h.TimeToSignal.FirstEvidence), after(h.TimeToSignal.DistinctAccounts),
			seconds(h.TimeToSignal.EdgeToHub.P50), seconds(h.TimeToSignal.EdgeToHub.P95), h.Statement)
	}
}

func after(m notebook.Milestone) string {
	if m.Seconds == nil {
		return "—"
	}
	return seconds(*m.Seconds)
}

func median(s notebook.StageSummary) string {
	if s.MedianSeconds == nil {
		return "—"
	}
	return seconds(*s.MedianSeconds)
}

func seconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Second).String()
}
