package imapsync

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointInward enforces architecture.md rule 1: imapsync
// imports app/notebook and its own engines, never the store or the other
// services.
func TestDependenciesPointInward(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fieldnotes/") && dep != "fieldnotes/app/notebook" && dep != "fieldnotes/app/imapsync" {
			t.Errorf("app/imapsync depends on %s; only app/notebook is allowed", dep)
		}
	}
}
