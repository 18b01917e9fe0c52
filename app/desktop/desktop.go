package desktop

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

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
		return wails.Run(&options.App{Title: "Fieldnotes", Bind: bridge.All(&bridge.Deps{Log: log})})
	}
	a := newApp(ctx, log)
	m, err := wiring.Open(wiring.Options{DataDir: cfg.DataDir, Logger: log, Emit: a, Browser: a}) // store, mail, AI queue, sync engine
	if err != nil {
		return err
	}
	defer m.Close()
	a.st = m.Store
	log.Debug("store open", "key_source", m.KeySource, "since_launch_ms", time.Since(started).Milliseconds())
	deps := windowDeps(m, a, cfg.Link)
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
		ErrorFormatter:   bridge.FormatError,
		Linux:            &linux.Options{ProgramName: "fieldnotes", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "the window could not start: %v", err)
	}
	return nil
}

// windowDeps is the composition root's bridge.Deps plus what only the
// window has: native dialogs, file import/export, the demo seeder and the
// link it was started with.
func windowDeps(m *wiring.Main, a *app, link string) *bridge.Deps {
	d := m.Deps()
	d.Dialogs = pickDialogs(a)
	d.Transfer = newTransfer(m.Store, m.Log)
	d.SeedDemo = seedDemo(m.Store)
	d.StartLink = link
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
