package hubdb_test

import (
	"testing"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/hub/hubdb/storetest"
)

func TestBadgerMeetsTheStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) hubdb.Store {
		b, err := hubdb.OpenBadger(hubdb.Options{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	})
}
