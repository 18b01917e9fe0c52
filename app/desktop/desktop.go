package desktop

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"sync"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/options/mac"

	"fieldnotes/app/bridge"
	"fieldnotes/app/demo"
	"fieldnotes/app/notebook"
	"fieldnotes/app/secrets"
	"fieldnotes/app/store"
)

// Config is what main hands the window.
type Config struct {
	DataDir string
	Assets  fs.FS // the embedded frontend (frontend/dist, or an FS holding it)
	Logger  *slog.Logger
	Link    string // a fieldnotes:// link the app was started with (cli.Window.Link)
	Version string // the running release (cli.Version), what the updater compares with
}

// started is when the process began, for the launch-to-ready log line.
var started = time.Now()

// Run opens the notebook and shows the window until it is closed or ctx ends.
// It returns an error (and main a non-zero status) when the store cannot be
// opened or Wails cannot start.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if generatingBindings {
		return wails.Run(&options.App{Title: "Fieldnotes", Bind: bridge.All(&bridge.Deps{Log: log}), EnumBind: bridge.Enums()})
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return notebook.Wrap(notebook.Invalid, err, "cannot create the data directory %s: %v", cfg.DataDir, err)
	}
	key, source, err := secrets.DataKey(cfg.DataDir, log)
	if err != nil {
		return err
	}
	log.Debug("data key ready", "source", source, "since_launch_ms", time.Since(started).Milliseconds())
	author := authorName()
	st, err := store.Open(store.Options{Dir: cfg.DataDir, Key: key, Logger: log, Author: author})
	if notebook.IsCode(err, notebook.Conflict) {
		handOff(cfg.DataDir, log) // exits when a running window took the launch (single.go)
	}
	if err != nil {
		return err
	}
	closeStore := sync.OnceValue(st.Close)
	defer closeStore()
	log.Debug("store open", "since_launch_ms", time.Since(started).Milliseconds())
	a := newApp(ctx, st, log)
	deps := &bridge.Deps{Store: bridge.StoreBackend(st), Emit: a, Dialogs: pickDialogs(a), Transfer: newTransfer(st, log),
		Log: log, Author: author, Role: notebook.Audience(os.Getenv("FIELDNOTES_ROLE")), KeySource: source}
	svc := newServices(st, cfg.DataDir, log, a, a) // mail, AI queue, sync engine (services.go)
	deps.Mail, deps.Assist = svc.mailDeps(), svc.assistDeps()
	deps.SyncArea, deps.Sync = svc.syncDeps(), svc.syncState
	deps.SeedDemo, deps.StartLink, deps.Links = seedDemo(st), cfg.Link, bridge.NewLinks(cfg.Link)
	svc.addUpdater(cfg.Version, a)
	var restart restarter
	deps.Updates = svc.updateDeps(func() { restart.request(svc.updater.Executable()); a.quit() })
	assets, err := frontendFS(cfg.Assets)
	if err != nil {
		return err
	}
	log.Debug("starting the window", "since_launch_ms", time.Since(started).Milliseconds())
	err = wails.Run(&options.App{
		Title:     "Fieldnotes",
		Width:     1280,
		Height:    800,
		MinWidth:  1024,
		MinHeight: 700,
		AssetServer: &assetserver.Options{
			Assets: assets,
		},
		BackgroundColour: &options.RGBA{R: 250, G: 250, B: 249, A: 255},
		OnStartup:        func(c context.Context) { a.startup(c); svc.start(ctx) },
		OnDomReady:       a.domReady,
		OnShutdown:       func(c context.Context) { svc.stop(); a.shutdown(c) },
		Bind:             bridge.All(deps),
		EnumBind:         bridge.Enums(),
		ErrorFormatter:   bridge.FormatError,
		Linux:            &linux.Options{ProgramName: "fieldnotes", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
		// A second launch on this notebook (a clicked invite) hands over to this window.
		SingleInstanceLock: singleInstance(cfg.DataDir, a, deps.Links, log),
		// macOS gives a clicked fieldnotes:// link to the app as an event, not as an argument.
		Mac: &mac.Options{OnUrlOpen: func(link string) { receiveLink(a, deps.Links, log, "macOS's URL open", linkIn([]string{link})) }},
	})
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "the window could not start: %v", err)
	}
	if exe := restart.target(); exe != "" {
		closeStore()
		log.Info("restarting into the update", "binary", exe)
		return restartInto(exe)
	}
	return nil
}

// seedDemo is the welcome's "Try it with demo data": the very seeding
// `fieldnotes demo` does.
func seedDemo(st *store.Store) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		n, err := demo.Seed(ctx, st, time.Now())
		return n.String(), err
	}
}

// frontendFS finds index.html in the embedded FS (main embeds frontend/dist
// with its path).
func frontendFS(assets fs.FS) (fs.FS, error) {
	if assets == nil {
		return nil, errors.New("desktop: no frontend assets")
	}
	if _, err := fs.Stat(assets, "frontend/dist/index.html"); err == nil {
		return fs.Sub(assets, "frontend/dist")
	}
	if _, err := fs.Stat(assets, "index.html"); err == nil {
		return assets, nil
	}
	return assets, nil // dev builds serve -assetdir from disk; the embedded copy may be a placeholder
}

func authorName() string {
	if a := os.Getenv("FIELDNOTES_AUTHOR"); a != "" {
		return a
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return "me"
}

func readyMessage() string {
	return fmt.Sprintf("window ready %d ms after launch", time.Since(started).Milliseconds())
}
