// Package desktop runs the window: it has app/wiring (the composition root
// the command line shares) open the notebook and build the services, adds
// what only a window has (dialogs, file transfer, the demo seeder), runs
// wails.Run, starts and stops the services with the window, forwards the
// store's change feed to the UI as `records:changed` events and closes the
// store on shutdown. Besides main.go it is the only importer of the Wails
// runtime, so the bridge stays testable without a window.
//
// Native file dialogs go through bridge.Dialogs. With FIELDNOTES_E2E_DIALOG_DIR
// set, a stand-in answers instead (open: the newest matching file in that
// dir; save: that dir + the suggested name), because a native dialog in the
// Xvfb window is out of reach of a browser test. Likewise, with
// FIELDNOTES_E2E_BROWSER_FILE set, a URL for the system browser (the company
// sign-in page, bridge.Sync.SignInWithCompany) is written to that file for
// the test to follow in its own browser, instead of being opened.
//
// One window per notebook (single.go): a second launch on the same data dir
// (a clicked fieldnotes:// invite) hands its link to the running window
// through Wails' own single-instance lock rather than a socket of ours, as
// Wails already speaks each platform's mechanism (D-Bus, window messages,
// distributed notifications).
package desktop
