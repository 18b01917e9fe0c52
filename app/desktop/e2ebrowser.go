package desktop

import (
	"io"
	"os"

	"fieldnotes/app/fileout"
)

// openedURLFile is where, with FIELDNOTES_E2E_BROWSER_FILE set, the app
// writes a URL it would open in the system browser instead of opening it:
// the browser tests (e2e/tests/signin.spec.ts) read it and follow it in
// their own browser — the company sign-in page — as a person would.
func recordOpenedURL(url string) bool {
	path := os.Getenv("FIELDNOTES_E2E_BROWSER_FILE")
	if path == "" {
		return false
	}
	_ = fileout.Write(path, 0o600, func(w io.Writer) error {
		_, err := io.WriteString(w, url+"\n")
		return err
	})
	return true
}
