package synctest

import (
	"context"
	"testing"
	"time"

	"fieldnotes/sync/hub/hubdb"
)

// The faults that matter to the protocol, against the real hub: a response
// lost after the commit is answered "duplicate" on retry; a duplicated
// request applies once; a request dropped before the hub is applied by the
// retry; a truncated pull is simply pulled again.
func TestProxyInFrontOfTheHub(t *testing.T) {
	h := StartHub(t, HubOptions{})
	u := h.AddUser(t, hubdb.RoleField)
	p := NewProxy(h.URL)
	defer p.Close()
	c := &WireClient{BaseURL: p.URL, Token: u.Token, ClientID: "c_proxy"}
	ctx := context.Background()
	hlc := func() string { return HLCAt(time.Now(), 0) }

	p.Inject(Fault{Kind: DropResponse})
	if _, _, err := c.Push(ctx, Upsert(1, "account", "acc-1", hlc(), map[string]any{"name": "Acme"})); err == nil {
		t.Fatal("the dropped response reached the client")
	}
	resp, rep, err := c.Push(ctx, Upsert(1, "account", "acc-1", hlc(), map[string]any{"name": "Acme"}))
	if err != nil || rep.Status != 200 || resp.Results[0].Status != "duplicate" {
		t.Fatalf("retry after a lost response: %v %d %s", err, rep.Status, rep.Body)
	}

	p.Inject(Fault{Kind: Duplicate})
	resp, _, err = c.Push(ctx, Upsert(2, "account", "acc-2", hlc(), map[string]any{"name": "Beta"}))
	if err != nil || resp.Results[0].Status != "duplicate" { // the client sees the second answer
		t.Fatalf("duplicated request: %v %+v", err, resp)
	}

	p.Inject(Fault{Kind: DropRequest})
	if _, _, err := c.Push(ctx, Upsert(3, "account", "acc-3", hlc(), map[string]any{"name": "Gamma"})); err == nil {
		t.Fatal("the dropped request got an answer")
	}
	resp, _, err = c.Push(ctx, Upsert(3, "account", "acc-3", hlc(), map[string]any{"name": "Gamma"}))
	if err != nil || resp.Results[0].Status != "applied" {
		t.Fatalf("retry after a dropped request: %v %+v", err, resp)
	}

	p.Inject(Fault{Kind: Truncate})
	if _, _, err := c.Pull(ctx, "", 0, 0); err == nil {
		t.Fatal("a truncated pull decoded")
	}
	recs, _, err := c.PullAll(ctx, "")
	if err != nil || len(recs) != 3 {
		t.Fatalf("pull after truncation: %d records, %v", len(recs), err)
	}
}
