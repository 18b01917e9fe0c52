//go:build !windows

package desktop

import (
	"os"
	"syscall"

	"fieldnotes/app/notebook"
)

// restartInto replaces this process with exe (same pid, same terminal):
// the store is closed by then, and Go opens files close-on-exec, so the
// new process starts with nothing of the old one held.
func restartInto(exe string) error {
	err := syscall.Exec(exe, append([]string{exe}, restartArgs()...), os.Environ())
	return notebook.Wrap(notebook.Internal, err, "the update is in place but the app could not restart itself (%v); start it again", err)
}
