package replica

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/synctest"
)

// TestHarnessOnTwoPostgresReplicas runs the fault-proxy, three-device
// harness (every seed) and the replica tests again with the hub being two
// replicas on one PostgreSQL database, each request going to a replica at
// random: devices converge, nothing is lost or duplicated, whichever
// process answers.
func TestHarnessOnTwoPostgresReplicas(t *testing.T) {
	if os.Getenv(synctest.StoreEnv) != "" {
		t.Skip("already running on " + os.Getenv(synctest.StoreEnv))
	}
	pgtest.Require(t)
	args := []string{"-test.run", "^Test", "-test.skip", "TestHarnessOnTwoPostgresReplicas", "-test.count=1",
		fmt.Sprintf("-sync.seeds=%d", *flagSeeds), "-test.v"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), synctest.StoreEnv+"="+synctest.ReplicasMode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the harness on two PostgreSQL replicas failed: %v\n%s", err, tail(out, 8000))
	}
	t.Logf("%s", grepLines(out, "requests by fault"))
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

func grepLines(b []byte, sub string) string {
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, sub) {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}
