package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"fieldnotes/app/notebook"
)

// Version is set at build time with -ldflags "-X fieldnotes/app/cli.Version=…".
var Version = "dev"

// Window is what the desktop runner needs when no command was given.
type Window struct {
	Context context.Context
	DataDir string
	Logger  *slog.Logger
	// Link is a fieldnotes:// link the app was started with (a clicked
	// invite: the .desktop entry runs `fieldnotes %u`), or "".
	Link string
}

// env carries the process-wide settings every command shares.
type env struct {
	ctx     context.Context
	dataDir string
	log     *slog.Logger
	stdout  io.Writer
	stderr  io.Writer
}

type command struct {
	name    string
	summary string
	run     func(e *env, args []string) error
}

func commands() []command {
	return []command{
		{"import", "import [--map H=field,…] [--dry-run] FILE…  CRM exports (CSV/XLSX: accounts, contacts, deals) or NDJSON from export", runImport},
		{"export", "export --format ndjson|csv|md [--type T] [--out FILE]", runExport},
		{"backup", "backup FILE  write an encrypted backup of the notebook", runBackup},
		{"restore", "restore FILE  replace the notebook with a backup", runRestore},
		{"doctor", "doctor [--salvage DIR]  check the notebook for damage; save what can still be read", runDoctor},
		{"demo", "demo  seed realistic demo data (once; --force to add again)", runDemo},
		{"version", "version  print the version", runVersion},
	}
}

// extraCommands lets other files (sync, mail) register commands without
// growing one switch.
var extraCommands []command

// Main runs the command line and returns the process exit status. With no
// command it calls window. Flags it does not know (such as Wails'
// -assetdir/-devserver in development builds) are left for the window.
func Main(args []string, window func(Window) error) int {
	e := &env{stdout: os.Stdout, stderr: os.Stderr}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e.ctx = ctx
	e.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()}))
	rest, err := e.parseGlobal(args)
	if err != nil {
		fmt.Fprintln(e.stderr, "fieldnotes:", err)
		return 2
	}
	if len(rest) > 0 {
		if rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
			e.usage()
			return 0
		}
		if strings.HasPrefix(strings.ToLower(rest[0]), "fieldnotes://") {
			return e.exit(window(Window{Context: ctx, DataDir: e.dataDir, Logger: e.log, Link: rest[0]}))
		}
		for _, c := range append(commands(), extraCommands...) {
			if c.name == rest[0] {
				return e.exit(c.run(e, rest[1:]))
			}
		}
		if rest[0] != "" && rest[0][0] != '-' {
			fmt.Fprintf(e.stderr, "fieldnotes: unknown command %q\n", rest[0])
			e.usage()
			return 2
		}
	}
	return e.exit(window(Window{Context: ctx, DataDir: e.dataDir, Logger: e.log}))
}

// parseGlobal takes --data DIR (or --data=DIR) from the front of args.
func (e *env) parseGlobal(args []string) ([]string, error) {
	e.dataDir = os.Getenv("FIELDNOTES_DATA")
	for len(args) > 0 {
		switch a := args[0]; {
		case a == "--data" || a == "-data":
			if len(args) < 2 {
				return nil, errors.New("--data needs a directory")
			}
			e.dataDir, args = args[1], args[2:]
		case len(a) > 7 && a[:7] == "--data=":
			e.dataDir, args = a[7:], args[1:]
		default:
			return args, e.defaultDataDir()
		}
	}
	return args, e.defaultDataDir()
}

func (e *env) defaultDataDir() error {
	if e.dataDir != "" {
		abs, err := filepath.Abs(e.dataDir)
		e.dataDir = abs
		return err
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return fmt.Errorf("no --data given and no user config dir: %w", err)
	}
	e.dataDir = filepath.Join(dir, "fieldnotes")
	return nil
}

func (e *env) usage() {
	fmt.Fprintln(e.stderr, "usage: fieldnotes [--data DIR] [command]\n\nWith no command the window opens. Commands:")
	for _, c := range append(commands(), extraCommands...) {
		fmt.Fprintf(e.stderr, "  %s\n", c.summary)
	}
	fmt.Fprintln(e.stderr, "\nThe data dir defaults to $FIELDNOTES_DATA, then the OS config dir.")
}

// exit prints err in words and maps its code to an exit status: 1 for
// problems with the input or state, 3 for internal failures.
func (e *env) exit(err error) int {
	if err == nil {
		return 0
	}
	if errors.Is(err, errSilentFailure) {
		return 1
	}
	fmt.Fprintln(e.stderr, "fieldnotes:", err)
	if notebook.ErrorCode(err) == notebook.Internal {
		return 3
	}
	return 1
}

// errSilentFailure marks a failure whose details were already printed.
var errSilentFailure = errors.New("failed")

func logLevel() slog.Level {
	if os.Getenv("FIELDNOTES_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelWarn
}

func runVersion(e *env, _ []string) error {
	fmt.Fprintln(e.stdout, "fieldnotes", Version)
	return nil
}
