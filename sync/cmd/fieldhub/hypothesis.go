package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub"
	"fieldnotes/sync/syncproto"
)

// productDir is where hubs before the store kept everything had the
// product side's state (webhooks and their queue, pseudonym secret,
// first-seen steps) in files; openStore imports it once (hub.ImportProductDir).
func productDir(dataDir string) string { return filepath.Join(dataDir, "product") }

// parseInterleaved parses flags that may come before or after positional
// arguments (`import FILE --data DIR` and `import --data DIR FILE`).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// hypothesisCommand is `fieldhub hypothesis import --data DIR FILE`: it
// validates the whole file first (every problem as file:line: field:
// problem, nothing written when any is found), then publishes through
// the hub's write path so notebooks receive the hypotheses on next sync.
func hypothesisCommand(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	fs := flag.NewFlagSet("hypothesis import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "data directory of a stopped hub")
	files, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return exitUsage
	}
	if len(files) != 1 {
		fmt.Fprintln(stderr, "fieldhub: hypothesis import needs exactly one FILE.yaml or FILE.json")
		return exitUsage
	}
	hyps, err := readHypotheses(files[0])
	if err != nil {
		return fail(stderr, err)
	}
	return publishHypotheses(*dir, hyps, stdout, stderr)
}

func readHypotheses(path string) ([]notebook.Hypothesis, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, notebook.Wrap(notebook.NotFound, err, "%s: cannot be read: %v", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, hub.MaxHypothesisFile+1))
	if err != nil {
		return nil, notebook.Wrap(notebook.Internal, err, "%s: %v", path, err)
	}
	return hub.DecodeHypotheses(path, data)
}

func publishHypotheses(dir string, hyps []notebook.Hypothesis, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	store, err := openStore(dir, log)
	if err != nil {
		if notebook.IsCode(err, notebook.Conflict) {
			err = notebook.Errorf(notebook.Conflict, "%s; while the hub runs, publish through its API (POST /v1/hypotheses)", err.Error())
		}
		return fail(stderr, err)
	}
	defer store.Close()
	srv, err := hub.NewServer(hub.Options{Store: store, Logger: log})
	if err != nil {
		return fail(stderr, err)
	}
	defer srv.Close()
	results, err := srv.PublishHypotheses(context.Background(), hub.SystemUser, hyps)
	if err != nil {
		return fail(stderr, err)
	}
	_ = json.NewEncoder(stdout).Encode(map[string]any{"results": results})
	for _, r := range results {
		if r.Status == syncproto.StatusRejected {
			fmt.Fprintf(stderr, "fieldhub: hypothesis %s: %s\n", r.ID, r.Message)
			return exitFailed
		}
	}
	return exitOK
}
