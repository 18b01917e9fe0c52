package replica_test

import (
	"context"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/app/replica"
	"fieldnotes/app/store"
)

// A certificate pin belongs to one hub: kept while the address is saved
// again, forgotten with another address or none; a damaged pin is refused.
func TestCertPinFollowsItsHub(t *testing.T) {
	st, err := store.Open(store.Options{InMemory: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := replica.Settings{Store: st}
	ctx := context.Background()
	pin := strings.Repeat("0f", 32)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pinned := func() string {
		t.Helper()
		p, err := s.CertPin(ctx)
		must(err)
		return p
	}

	must(s.SetHubURL(ctx, "https://hub.acme.example"))
	must(s.SetCertPin(ctx, pin))
	must(s.SetHubURL(ctx, "https://hub.acme.example/")) // saved again from Settings
	if got := pinned(); got != pin {
		t.Fatalf("pin after saving the same hub: %q", got)
	}
	must(s.SetHubURL(ctx, "https://other.example"))
	if got := pinned(); got != "" {
		t.Fatalf("pin kept for another hub: %q", got)
	}
	must(s.SetCertPin(ctx, pin))
	must(s.SetHubURL(ctx, ""))
	if got := pinned(); got != "" {
		t.Fatalf("pin kept with no hub: %q", got)
	}
	for _, bad := range []string{"sha256:" + pin, strings.ToUpper(pin), pin[:62], pin + "00", strings.Repeat("zz", 32)} {
		if err := s.SetCertPin(ctx, bad); !notebook.IsCode(err, notebook.Invalid) {
			t.Errorf("pin %q: %v", bad, err)
		}
	}
}
