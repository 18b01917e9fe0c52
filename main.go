// Command fieldnotes is the Fieldnotes desktop notebook. With no command it
// opens the window; with one (import, export, backup, restore, demo, sync,
// mail, version) it runs it in the terminal and no window opens.
package main

import (
	"embed"
	"os"

	"fieldnotes/app/cli"
	"fieldnotes/app/desktop"
)

// assets is the built frontend (frontend/dist, made by `npm run build`).
//
//go:embed all:frontend/dist
var assets embed.FS

func main() {
	os.Exit(cli.Main(os.Args[1:], func(w cli.Window) error {
		return desktop.Run(w.Context, desktop.Config{DataDir: w.DataDir, Assets: assets, Logger: w.Logger, Link: w.Link, Version: cli.Version})
	}))
}
