package desktop

import (
	"regexp"
	"testing"
)

func TestEachNotebookHasItsOwnSingleInstanceLock(t *testing.T) {
	a, b := instanceID("/tmp/notebook-a"), instanceID("/tmp/notebook-b")
	if a == b || a != instanceID("/tmp/notebook-a/") {
		t.Fatalf("ids %q %q", a, b)
	}
	// Wails turns '-' and '.' into '_' and prefixes wails_app_ for the D-Bus
	// name; what is left must be a valid bus-name element.
	if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]{0,100}$`).MatchString(a) {
		t.Fatalf("id %q is no D-Bus name element", a)
	}
}

func TestASecondLaunchsLinkIsItsFieldnotesArgument(t *testing.T) {
	cases := map[string][]string{
		"":                      {"--data", "/x"},
		"fieldnotes://join?c=1": {"--data", "/x", "fieldnotes://join?c=1"},
		"FieldNotes://join?c=2": {"FieldNotes://join?c=2", "fieldnotes://join?c=3"},
	}
	for want, args := range cases {
		if got := linkIn(args); got != want {
			t.Errorf("linkIn(%q) = %q, want %q", args, got, want)
		}
	}
}
