package desktop

import (
	"os"
	"sync/atomic"
)

// restarter remembers that "Restart to update" was pressed: the window
// closes normally (services stopped, store closed), then Run starts the
// new binary in this process's place (restart_unix.go, restart_windows.go).
type restarter struct {
	exe atomic.Value // string: the binary to start
}

func (r *restarter) request(exe string) { r.exe.Store(exe) }

func (r *restarter) target() string {
	exe, _ := r.exe.Load().(string)
	return exe
}

// args are the arguments the new binary starts with: the same as this
// one's, less a fieldnotes:// link that was already handled.
func restartArgs() []string {
	args := []string{}
	for _, a := range os.Args[1:] {
		if len(a) >= 13 && (a[:13] == "fieldnotes://" || a[:13] == "FIELDNOTES://") {
			continue
		}
		args = append(args, a)
	}
	return args
}
