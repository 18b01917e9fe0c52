package syncclient

import (
	"context"
	"net"
	"testing"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/synctest"
)

// The product client against a real hub: each answer keeps one meaning,
// so the UI can tell "offline" from "not allowed" from "not set up".
func TestProductClientSaysWhatHappened(t *testing.T) {
	ctx := context.Background()
	h := synctest.StartHub(t, synctest.HubOptions{})
	pm := h.AddUser(t, hubdb.RoleProduct)
	rep := h.AddUser(t, hubdb.RoleField)

	me, err := NewProductClient(h.URL+"/", pm.Token, nil).Me(ctx)
	if err != nil || me.Role != "product" || me.ID != pm.ID {
		t.Fatalf("Me = %+v, %v", me, err)
	}
	draft := notebook.Hypothesis{ID: notebook.NewID(), Statement: "Teams want SSO", Status: notebook.StatusActive,
		Questions: []notebook.Question{{ID: "q1", Text: "Do you use SSO?", Kind: notebook.AnswerSignal}}}
	res, err := NewProductClient(h.URL, pm.Token, nil).Announce(ctx, draft)
	if err != nil || len(res) != 1 || res[0].Status != "applied" || res[0].PublishedAt == nil {
		t.Fatalf("announce = %+v, %v", res, err)
	}
	var report struct {
		Hypotheses []struct {
			HypothesisID string `json:"hypothesis_id"`
		} `json:"hypotheses"`
	}
	if err := NewProductClient(h.URL, pm.Token, nil).Insights(ctx, draft.ID, &report); err != nil {
		t.Fatalf("insights: %v", err)
	}
	if len(report.Hypotheses) != 1 || report.Hypotheses[0].HypothesisID != draft.ID {
		t.Errorf("insights decoded = %+v, want the one hypothesis %s", report, draft.ID)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	for _, c := range []struct {
		name   string
		client *ProductClient
		want   notebook.Code
	}{
		{"field user", NewProductClient(h.URL, rep.Token, nil), notebook.Forbidden},
		{"wrong token", NewProductClient(h.URL, "fh_wrong", nil), notebook.Forbidden},
		{"offline", NewProductClient(dead, pm.Token, nil), notebook.Unavailable},
		{"no hub", NewProductClient("", "", nil), notebook.NotSetUp},
	} {
		var out map[string]any
		err := c.client.Insights(ctx, "", &out)
		if got := notebook.ErrorCode(err); got != c.want {
			t.Errorf("%s: code %q (%v), want %q", c.name, got, err, c.want)
		}
	}
}
