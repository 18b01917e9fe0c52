package hub_test

import (
	"os"
	"os/exec"
	"testing"

	"fieldnotes/sync/hub/hubdb/pgtest"
	"fieldnotes/sync/synctest"
)

// onReplicasSkip are the tests of state that is still kept per process
// (webhooks, exports, insights: being moved into hubdb on the hub-split
// branch); every other test of this package runs on replicas.
// Skipped there: TestWebhookMetrics (metrics are per process, and the
// router sends the scrape to either), TestWebhookQueueSurvivesRestart (its
// own Badger hub), TestWebhookStoppedReplica (starts its own replicas), TestInsights (the insights index and the first-seen
// steps a replica has not re-read yet are per process until insights is a
// persisted projection). Webhooks and exports run on replicas: their state
// is the store's.
const onReplicasSkip = "TestProtocolOnTwoPostgresReplicas|TestWebhookMetrics|TestWebhookQueueSurvivesRestart|TestWebhookStoppedReplica|TestInsights"

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
