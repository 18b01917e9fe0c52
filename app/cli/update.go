package cli

import (
	"context"
	"fmt"

	"fieldnotes/app/notebook"
	"fieldnotes/app/replica"
	"fieldnotes/app/store"
	"fieldnotes/app/update"
)

func init() {
	extraCommands = append(extraCommands, command{"update",
		"update [--check] [--hub URL] [--token-env VAR]  update this binary from the team hub's signed releases (--check: only say whether one is available)",
		runUpdate})
}

// runUpdate is one update check for scripts: with --check it only reports;
// otherwise a newer signed release is downloaded, verified and swapped in
// (the previous binary kept as <binary>.previous). It exits 0 when up to
// date, available (--check), waiting for the package manager, or updated,
// and 1 with the reason when a release was refused or the check failed.
func runUpdate(e *env, args []string) error {
	fs := newFlags("update", e)
	check := fs.Bool("check", false, "only check: print whether a newer signed release is available")
	hubURL := fs.String("hub", "", "hub address (saved for next time, as for sync)")
	tokenEnv := fs.String("token-env", "", "read the token from this environment variable (default: $"+replica.EnvToken+", then the keyring)")
	if err := fs.Parse(args); err != nil {
		return notebook.Errorf(notebook.Invalid, "update: %v", err)
	}
	if fs.NArg() > 0 {
		return notebook.Errorf(notebook.Invalid, "update: unexpected argument %q", fs.Arg(0))
	}
	var src update.Source
	if err := e.withStore(func(s *store.Store) error {
		settings := replica.NewSettings(s, e.dataDir, e.log)
		var err error
		if src.URL, src.Token, err = syncTarget(e, settings, *hubURL, *tokenEnv); err != nil {
			return err
		}
		src.CertSHA256, err = settings.CertPin(e.ctx) // a joined hub's self-signed certificate
		return err
	}); err != nil {
		return err
	}
	u := update.New(update.Config{Current: Version, Logger: e.log,
		Hub: func(context.Context) (update.Source, error) { return src, nil }})
	st := u.Check(e.ctx, !*check)
	if st.Phase == update.PhaseReady {
		var err error
		if st, err = u.Apply(); err != nil {
			return err
		}
	}
	switch st.Phase {
	case update.PhaseRefused, update.PhaseFailed, update.PhaseOff:
		return notebook.Errorf(notebook.Invalid, "%s", st.Message)
	}
	fmt.Fprintln(e.stdout, st.Message)
	return nil
}
