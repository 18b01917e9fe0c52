package desktop

import (
	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// The window's services are built by app/wiring (the composition root the
// command line shares); Run starts and stops them with the window.

// OpenURL opens a link in the system browser (bridge.Browser). The Mail
// area has already checked it is http, https or mailto.
func (a *app) OpenURL(url string) {
	if recordOpenedURL(url) {
		return
	}
	a.mu.Lock()
	ctx := a.ctx
	a.mu.Unlock()
	if ctx != nil {
		runtime.BrowserOpenURL(ctx, url)
	}
}
