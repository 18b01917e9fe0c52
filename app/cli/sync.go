package cli

import (
	"fmt"
	"os"
	"strings"

	"fieldnotes/app/notebook"
	"fieldnotes/app/replica"
	"fieldnotes/app/store"
	"fieldnotes/app/wiring"
	"fieldnotes/sync/syncclient"
)

func init() {
	extraCommands = append(extraCommands, command{"sync",
		"sync [--hub URL] [--token-env VAR]  send local changes to the hub and fetch everyone else's (exit 0 only when fully in sync)",
		runSync})
}

// runSync is one full sync: push the whole outbox, pull to the hub's head.
// It exits 0 only when nothing is left to send and the pull is at head.
func runSync(e *env, args []string) error {
	fs := newFlags("sync", e)
	hubURL := fs.String("hub", "", "hub address, e.g. https://hub.example.com (saved for next time)")
	tokenEnv := fs.String("token-env", "", "read the token from this environment variable (default: $"+replica.EnvToken+", then the keyring)")
	saveToken := fs.Bool("save-token", false, "with --token-env: keep the token in the OS keyring for the app and later runs")
	if err := fs.Parse(args); err != nil {
		return notebook.Errorf(notebook.Invalid, "sync: %v", err)
	}
	if fs.NArg() > 0 {
		return notebook.Errorf(notebook.Invalid, "sync: unexpected argument %q (did you mean --hub %s?)", fs.Arg(0), fs.Arg(0))
	}
	return e.withMain(func(m *wiring.Main) error {
		settings, s, eng := m.Hub, m.Store, m.Sync
		if eng == nil {
			return notebook.Errorf(notebook.Internal, "sync is not available in this build (see the log)")
		}
		url, token, err := syncTarget(e, settings, *hubURL, *tokenEnv)
		if err != nil {
			return err
		}
		if *saveToken && *tokenEnv != "" {
			if err := settings.SetToken(e.ctx, token); err != nil {
				return err
			}
		}
		pin, err := settings.CertPin(e.ctx) // a joined hub's self-signed certificate
		if err != nil {
			return err
		}
		eng.ConfigurePinned(url, token, pin)
		before, _ := s.Rejections(e.ctx)
		rep, err := eng.SyncOnce(e.ctx)
		if err == nil || rep != (syncclient.Report{}) {
			printReport(e, url, rep)
		}
		printRefused(e, s, len(before))
		return err
	})
}

// syncTarget resolves the hub address (saving --hub) and the token.
func syncTarget(e *env, settings replica.Settings, hubFlag, tokenEnv string) (string, string, error) {
	if hubFlag != "" {
		if err := settings.SetHubURL(e.ctx, hubFlag); err != nil {
			return "", "", err
		}
	}
	url, err := settings.HubURL(e.ctx)
	if err != nil {
		return "", "", err
	}
	if url == "" {
		return "", "", notebook.Errorf(notebook.Invalid, "no hub address yet: run fieldnotes sync --hub https://your-hub (it is saved for next time)")
	}
	if tokenEnv != "" {
		token := strings.TrimSpace(os.Getenv(tokenEnv))
		if token == "" {
			return "", "", notebook.Errorf(notebook.Invalid, "--token-env %s: that environment variable is empty", tokenEnv)
		}
		return url, token, nil
	}
	token, err := settings.Token(e.ctx)
	if err != nil {
		return "", "", err
	}
	if token == "" {
		return "", "", notebook.Errorf(notebook.Invalid, "no hub token: set %s (or --token-env VAR), or save it in the app's Settings", replica.EnvToken)
	}
	return url, token, nil
}

func printReport(e *env, url string, rep syncclient.Report) {
	fmt.Fprintf(e.stdout, "hub %s: pushed %d change(s)", url, rep.Pushed)
	if rep.Duplicates > 0 {
		fmt.Fprintf(e.stdout, " (%d already there)", rep.Duplicates)
	}
	if rep.Rejected > 0 {
		fmt.Fprintf(e.stdout, ", %d refused", rep.Rejected)
	}
	fmt.Fprintf(e.stdout, ", pulled %d record(s) in %d page(s)", rep.Pulled, rep.Pages)
	if rep.Resets > 0 {
		fmt.Fprint(e.stdout, ", downloaded everything again at the hub's request")
	}
	fmt.Fprintln(e.stdout)
}

// printRefused lists the changes the hub refused during this run.
func printRefused(e *env, s *store.Store, seen int) {
	all, err := s.Rejections(e.ctx)
	if err != nil || len(all) <= seen {
		return
	}
	for _, r := range all[seen:] {
		fmt.Fprintf(e.stderr, "refused: %s %s %s: %s (%s)\n", r.Mutation.Op, r.Mutation.Type, r.Mutation.ID, r.Message, r.Code)
	}
}
