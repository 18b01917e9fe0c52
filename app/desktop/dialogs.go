package desktop

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"fieldnotes/app/bridge"
)

// pickDialogs returns native dialogs, or the e2e stand-in when
// FIELDNOTES_E2E_DIALOG_DIR is set.
func pickDialogs(a *app) bridge.Dialogs {
	if dir := os.Getenv("FIELDNOTES_E2E_DIALOG_DIR"); dir != "" {
		return dirDialogs{dir: dir}
	}
	return nativeDialogs{a: a}
}

type nativeDialogs struct{ a *app }

func (n nativeDialogs) OpenFile(_ context.Context, title string, exts []string) (string, error) {
	pattern := make([]string, len(exts))
	for i, e := range exts {
		pattern[i] = "*." + e
	}
	return runtime.OpenFileDialog(n.a.wailsCtx(), runtime.OpenDialogOptions{Title: title,
		Filters: []runtime.FileFilter{{DisplayName: strings.Join(pattern, ", "), Pattern: strings.Join(pattern, ";")}}})
}

func (n nativeDialogs) SaveFile(_ context.Context, title, name string) (string, error) {
	return runtime.SaveFileDialog(n.a.wailsCtx(), runtime.SaveDialogOptions{Title: title, DefaultFilename: name})
}

func (a *app) wailsCtx() context.Context {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.ctx
}

// dirDialogs answers dialogs from a directory: open picks the newest file
// with a wanted extension, save names the suggested file in the directory.
type dirDialogs struct{ dir string }

func (d dirDialogs) OpenFile(_ context.Context, _ string, exts []string) (string, error) {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return "", err
	}
	var best string
	var bestTime int64
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() || !hasExt(e.Name(), exts) {
			continue
		}
		if t := info.ModTime().UnixNano(); best == "" || t > bestTime {
			best, bestTime = e.Name(), t
		}
	}
	if best == "" {
		return "", nil // like a cancelled dialog
	}
	return filepath.Join(d.dir, best), nil
}

func (d dirDialogs) SaveFile(_ context.Context, _ string, name string) (string, error) {
	return filepath.Join(d.dir, filepath.Base(name)), nil
}

func hasExt(name string, exts []string) bool {
	for _, e := range exts {
		if strings.HasSuffix(strings.ToLower(name), "."+e) {
			return true
		}
	}
	return false
}
