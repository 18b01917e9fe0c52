package hub_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependenciesPointInward enforces architecture.md rule 1 for sync/:
// nothing imports app/ except app/notebook, and syncproto imports only the
// standard library.
func TestDependenciesPointInward(t *testing.T) {
	out, err := exec.Command("go", "list", "-e", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`, "fieldnotes/sync/...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, deps := fields[0], fields[1:]
		for _, d := range deps {
			if strings.HasPrefix(d, "fieldnotes/app/") && d != "fieldnotes/app/notebook" {
				t.Errorf("%s imports %s; sync/ may import only app/notebook", pkg, d)
			}
			if pkg == "fieldnotes/sync/syncproto" && strings.Contains(strings.Split(d, "/")[0], ".") {
				t.Errorf("syncproto imports %s; it must use the standard library only", d)
			}
			if pkg == "fieldnotes/sync/syncproto" && strings.HasPrefix(d, "fieldnotes/") {
				t.Errorf("syncproto imports %s", d)
			}
		}
	}
}
