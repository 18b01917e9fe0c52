package desktop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"path/filepath"
	"strings"
	"testing/fstest"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"fieldnotes/app/bridge"
)

// One window per notebook. A clicked fieldnotes:// invite starts the app
// again; that second process finds the notebook's store locked by the
// running window and hands its arguments over through Wails' single-instance
// lock (D-Bus on Linux, a window message on Windows, a distributed
// notification on macOS), then exits. The running window fills the Join
// form with the link and comes to the front.

// linkEvent tells the frontend a later launch handed over a link (or "",
// a plain second launch): the welcome opens with it.
const linkEvent = "welcome:link"

// instanceID names the lock after the notebook, so two notebooks (two
// --data dirs, parallel tests) can be open at once, each with one window.
func instanceID(dataDir string) string {
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	sum := sha256.Sum256([]byte(dataDir))
	return "fieldnotes-" + hex.EncodeToString(sum[:8])
}

// linkIn is the first fieldnotes:// argument of a launch, or "".
func linkIn(args []string) string {
	for _, a := range args {
		if strings.HasPrefix(strings.ToLower(a), "fieldnotes://") {
			return a
		}
	}
	return ""
}

// singleInstance is the running window's lock: a second launch's link goes
// to links and, as an event, to the frontend; the window comes to the front.
func singleInstance(dataDir string, a *app, links *bridge.Links, log *slog.Logger) *options.SingleInstanceLock {
	return &options.SingleInstanceLock{
		UniqueId: instanceID(dataDir),
		OnSecondInstanceLaunch: func(d options.SecondInstanceData) {
			receiveLink(a, links, log, "a second launch", linkIn(d.Args))
		},
	}
}

// receiveLink hands a link that reached the running app (from a second
// launch, or macOS's URL open event) to the Join form.
func receiveLink(a *app, links *bridge.Links, log *slog.Logger, from, link string) {
	// The link carries a one-time secret: only whether there was one is logged.
	log.Info(from+" handed over to this window", "with_link", link != "")
	if link != "" {
		links.HandOver(link)
	}
	a.Emit(linkEvent, link)
	if ctx := a.wailsContext(); ctx != nil {
		runtime.WindowUnminimise(ctx)
		runtime.WindowShow(ctx)
	}
}

// handOff is the second launch's side: a hidden, empty Wails app holding the
// same lock, so Wails sends this process's arguments to the running window
// and exits the process. It returns only when no window took them (the
// store is held by a command such as `fieldnotes sync`, or there is no
// session bus); the caller then reports the locked store.
func handOff(dataDir string, log *slog.Logger) {
	log.Info("another Fieldnotes window has this notebook open: handing this launch over to it")
	page := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Fieldnotes</title>")}}
	err := wails.Run(&options.App{
		Title:              "Fieldnotes",
		StartHidden:        true,
		AssetServer:        &assetserver.Options{Assets: page},
		SingleInstanceLock: &options.SingleInstanceLock{UniqueId: instanceID(dataDir)},
		OnDomReady:         func(ctx context.Context) { runtime.Quit(ctx) },
		Linux:              &linux.Options{ProgramName: "fieldnotes"},
	})
	if err != nil {
		log.Warn("the launch could not be handed over", "err", err)
	}
}
