package hub_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"fieldnotes/sync/hub"
)

// TestWebhookErrorsSayOnlyWhatFailed: a receiver answering 302 shows as
// "delivery failed (HTTP 302)" and a closed port as "delivery failed
// (could not connect)" — last_error names no address, port or banner, so
// it cannot serve as a port scanner. (Loopback receivers need
// WebhookAllowPrivate, which newEnv sets; TestAttackWebhookIntoTheHubsNetwork
// in synctest checks they are refused without it.)
func TestWebhookErrorsSayOnlyWhatFailed(t *testing.T) {
	e := newEnv(t)
	setWebhookTiming(e.hub, 20*time.Millisecond, 50*time.Millisecond, 2*time.Second, 3)
	moved := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
	}))
	defer moved.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL + "/hook"
	closed.Close()
	publish(t, e.pm, `[{"id":"h1","statement":"Hooks"}]`)
	addWebhook(t, e.admin, moved.URL+"/hook", "h1")
	addWebhook(t, e.admin, closedURL, "h1")
	push(t, e.repA, evidence(1, id(), "h1", map[string]any{"quote": "ping"}))
	want := map[string]string{moved.URL + "/hook": "delivery failed (HTTP 302)", closedURL: "delivery failed (could not connect)"}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var list struct {
			Webhooks []hub.WebhookStatus `json:"webhooks"`
		}
		do(t, e.admin, "GET", "/v1/webhooks", nil).Decode(&list)
		got := map[string]string{}
		for _, w := range list.Webhooks {
			got[w.URL] = w.LastError
		}
		if got[moved.URL+"/hook"] != "" && got[closedURL] != "" {
			for u, w := range want {
				if got[u] != w {
					t.Fatalf("last_error of %s: %q, want %q", u, got[u], w)
				}
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no failed delivery within 10 s: %q", got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
