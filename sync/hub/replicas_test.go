package hub_test

import (
	"os"
	"os/exec"
	"testing"

	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/synctest"
)

// onReplicasSkip are the tests of what is per process by nature; every
// other test of this package runs on replicas. Skipped there:
// TestWebhookMetrics and TestHealthAndMetrics (Prometheus metrics are per
// process, and the router sends the scrape to either replica), TestWebhookQueueSurvivesRestart (its
// own Badger hub), TestWebhookStoppedReplica (starts its own replicas), TestInsights (the insights index and the first-seen
// steps a replica has not re-read yet are per process until insights is a
// persisted projection). Webhooks and exports run on replicas: their state
// is the store's.
const onReplicasSkip = "TestProtocolOnTwoPostgresReplicas|TestWebhookMetrics|TestHealthAndMetrics|TestWebhookQueueSurvivesRestart|TestWebhookStoppedReplica|TestInsights"

// TestProtocolOnTwoPostgresReplicas runs this package's tests again with
// every hub being two replicas on one PostgreSQL database, each request
// going to a replica at random (synctest.StoreEnv): the protocol must not
// notice that consecutive requests reach different processes.
func TestProtocolOnTwoPostgresReplicas(t *testing.T) {
	if os.Getenv(synctest.StoreEnv) != "" {
		t.Skip("already running on " + os.Getenv(synctest.StoreEnv))
	}
	pgtest.Require(t)
	cmd := exec.Command(os.Args[0], "-test.run", "^Test", "-test.skip", onReplicasSkip, "-test.count=1")
	cmd.Env = append(os.Environ(), synctest.StoreEnv+"="+synctest.ReplicasMode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the package's tests on two PostgreSQL replicas failed: %v\n%s", err, out)
	}
}
