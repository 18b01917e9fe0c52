//go:build windows

package desktop

import (
	"os"
	"os/exec"

	"fieldnotes/app/notebook"
)

// restartInto starts exe as a new process (Windows has no exec) and lets
// this one end.
func restartInto(exe string) error {
	cmd := exec.Command(exe, restartArgs()...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		return notebook.Wrap(notebook.Internal, err, "the update is in place but the app could not restart itself (%v); start it again", err)
	}
	return nil
}
