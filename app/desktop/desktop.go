package desktop

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
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
	"fieldnotes/app/store"
	"fieldnotes/app/wiring"
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
	a := newApp(ctx, log)
	m, err := wiring.Open(wiring.Options{DataDir: cfg.DataDir, Logger: log, Emit: a, Browser: a}) // store, mail, AI queue, sync engine
	if notebook.IsCode(err, notebook.Conflict) {
		handOff(cfg.DataDir, log) // exits when a running window took the launch (single.go)
	}
	if err != nil {
		return err
	}
	closeStore := sync.OnceValue(m.Close)
	defer func() {
		if err := closeStore(); err != nil {
			log.Error("closing the notebook", "err", err)
		}
	}()
	a.st = m.Store
	log.Debug("store open", "key_source", m.KeySource, "since_launch_ms", time.Since(started).Milliseconds())
	m.AddUpdater(cfg.Version) // checks the hub for signed releases (app/update)
	var restart restarter
	deps := windowDeps(m, a, cfg.Link, func() { restart.request(m.Updater.Executable()); a.quit() })
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
		OnStartup:        func(c context.Context) { a.startup(c); m.Start(ctx) },
		OnDomReady:       a.domReady,
		OnShutdown:       func(c context.Context) { m.Stop(); a.shutdown(c) },
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
		if err := closeStore(); err != nil { // the new binary must find the notebook closed
			return err
		}
		log.Info("restarting into the update", "binary", exe)
		return restartInto(exe)
	}
	return nil
}

// windowDeps is the composition root's bridge.Deps plus what only the
// window has: native dialogs, file import/export, the demo seeder, the
// link it was started with (and later launches' links), and the update's
// restart.
func windowDeps(m *wiring.Main, a *app, link string, restart func()) *bridge.Deps {
	d := m.Deps()
	d.Dialogs = pickDialogs(a)
	d.Transfer = newTransfer(m.Store, m.Log)
	d.SeedDemo = seedDemo(m.Store)
	d.StartLink, d.Links = link, bridge.NewLinks(link)
	d.Updates = m.UpdateDeps(restart)
	return d
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

func readyMessage() string {
	return fmt.Sprintf("window ready %d ms after launch", time.Since(started).Milliseconds())
}
