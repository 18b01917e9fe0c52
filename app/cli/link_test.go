package cli

import "testing"

// A clicked fieldnotes:// link (the .desktop entry's %u) opens the window
// with the link instead of failing as an unknown command.
func TestAFieldnotesLinkOpensTheWindowWithIt(t *testing.T) {
	link := "fieldnotes://join?hub=https%3A%2F%2Fhub.acme.com&secret=inv_0123456789abcdef"
	var got Window
	code := Main([]string{"--data", t.TempDir(), link}, func(w Window) error { got = w; return nil })
	if code != 0 || got.Link != link {
		t.Fatalf("exit %d, window link %q", code, got.Link)
	}
	code = Main([]string{"--data", t.TempDir()}, func(w Window) error { got = w; return nil })
	if code != 0 || got.Link != "" {
		t.Fatalf("plain start: exit %d, link %q", code, got.Link)
	}
}
