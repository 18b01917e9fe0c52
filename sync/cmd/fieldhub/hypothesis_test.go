package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/synctest"
)

const importYAML = `hypotheses:
  - id: sso-pricing
    statement: Mid-market teams will pay for SSO
    rank: 1
    questions:
      - text: Would SSO change your decision?
      - id: q-price
        text: What would you pay per seat?
        kind: wtp
  - id: audit-log
    statement: Admins need an audit log export
    status: draft
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHypothesisImportReachesNotebooks: import on a stopped hub, serve it,
// and a field user's pull carries the published hypotheses.
func TestHypothesisImportReachesNotebooks(t *testing.T) {
	dir := t.TempDir()
	_, token := addUser(t, dir, "rep@acme.com", "field")
	file := writeFile(t, "hyps.yaml", importYAML)
	code, out, errOut := runCLI(t, "hypothesis", "import", file, "--data", dir)
	var res struct{ Results []hub.PublishResult }
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || len(res.Results) != 2 || res.Results[0].PublishedAt == nil || res.Results[1].PublishedAt != nil {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	// Importing again changes nothing and keeps published_at.
	code, out2, _ := runCLI(t, "hypothesis", "import", "--data", dir, file)
	var res2 struct{ Results []hub.PublishResult }
	if code != 0 || json.Unmarshal([]byte(out2), &res2) != nil || !res2.Results[0].PublishedAt.Equal(*res.Results[0].PublishedAt) {
		t.Fatalf("re-import: %d %s", code, out2)
	}

	code, out, errOut = runCLI(t, "insights", "--data", dir, "--json")
	var rep hub.InsightsReport
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Hypotheses) != 2 || rep.Hypotheses[0].HypothesisID != "sso-pricing" {
		t.Fatalf("insights: %d %s %s", code, out, errOut)
	}
	if code, out, _ = runCLI(t, "insights", "--data", dir); code != 0 || !strings.Contains(out, "sso-pricing") {
		t.Fatalf("insights text: %d %s", code, out)
	}

	p := startHub(t, dir)
	c := &synctest.WireClient{BaseURL: p.URL, Token: token, ClientID: "c_rep"}
	recs, _, err := c.PullAll(context.Background(), "")
	if err != nil || len(recs) != 2 {
		t.Fatalf("pull: %d records, %v", len(recs), err)
	}
	var questions []struct{ ID, Text, Kind string }
	for _, r := range recs {
		if r.ID == "sso-pricing" {
			_ = json.Unmarshal(r.Data["questions"], &questions)
		}
	}
	if len(questions) != 2 || questions[0].ID != "q1" || questions[0].Kind != "signal" || questions[1].Kind != "wtp" {
		t.Fatalf("questions %+v", questions)
	}
	// While the hub runs the CLI points at the API.
	if code, _, errOut := runCLI(t, "hypothesis", "import", "--data", dir, file); code != exitDirBusy || !strings.Contains(errOut, "POST /v1/hypotheses") {
		t.Fatalf("busy: %d %s", code, errOut)
	}
}

func TestHypothesisImportLineAccurateErrors(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "bad.yaml", `hypotheses:
  - id: ok
    statement: fine
  - id: "has space"
    statement: ""
    audience: everyone
    questions:
      - text: q
        kind: essay
        weight: 3
  - statement: no id
    rank: -1
`)
	code, out, errOut := runCLI(t, "hypothesis", "import", "--data", dir, file)
	for _, want := range []string{
		file + ":4: id: \"has space\" is not a valid id",
		file + ":5: statement: is required",
		file + ":6: audience: \"everyone\" is not one of",
		file + ":7: questions: \"essay\" is not one of",
		file + ":10: questions[1].weight: unknown field",
		file + ":11: id: is required",
		file + ":12: rank: want a whole number",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("missing %q in:\n%s", want, errOut)
		}
	}
	if code == 0 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	// Nothing was written.
	code, out, _ = runCLI(t, "insights", "--data", dir, "--json")
	if code != 0 || !strings.Contains(out, `"hypotheses": []`) {
		t.Fatalf("after a failed import: %s", out)
	}
	for _, args := range [][]string{{"hypothesis"}, {"hypothesis", "import", "--data", dir}, {"hypothesis", "import", "--data", dir, "/nonexistent.yaml"}} {
		if code, _, errOut := runCLI(t, args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	jsonFile := writeFile(t, "bad.json", "[\n  {\"id\": \"a\",\n   \"statement\": 5,\n   \"rank\": \"x\"}\n]")
	if _, _, errOut := runCLI(t, "hypothesis", "import", "--data", dir, jsonFile); !strings.Contains(errOut, jsonFile+":4: rank:") {
		t.Errorf("json: %s", errOut)
	}
}

// TestTimeToSignalThroughTheRealHub: publish by import, a rep pushes
// evidence to a real fieldhub process, the PM's insights show it with its
// time to signal; the PM's pull is recorded as first seen, and that record
// survives the hub stopping, in the store (read back by `fieldhub insights`).
func TestTimeToSignalThroughTheRealHub(t *testing.T) {
	dir := t.TempDir()
	_, repToken := addUser(t, dir, "rep@acme.com", "field")
	_, pmToken := addUser(t, dir, "pm@acme.com", "product")
	if code, _, errOut := runCLI(t, "hypothesis", "import", "--data", dir, writeFile(t, "h.yaml", importYAML)); code != 0 {
		t.Fatalf("import: %s", errOut)
	}
	p := startHub(t, dir)
	rep := &synctest.WireClient{BaseURL: p.URL, Token: repToken, ClientID: "c_rep"}
	pm := &synctest.WireClient{BaseURL: p.URL, Token: pmToken, ClientID: "c_pm"}
	hlc := synctest.HLCAt(time.Now(), 1)
	resp, r, err := rep.Push(context.Background(),
		synctest.Upsert(1, "account", "acc-1", hlc, map[string]any{"name": "Acme", "arr": 12000, "segment": "smb"}),
		synctest.Upsert(2, "evidence", "ev-1", hlc, map[string]any{"hypothesis_id": "sso-pricing", "account_id": "acc-1",
			"signal": "supports", "captured_at": time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano)}))
	if err != nil || r.Status != 200 || resp.Results[1].Status != "applied" {
		t.Fatalf("push: %v %d %s", err, r.Status, r.Body)
	}
	get := func() hub.InsightsReport {
		r, err := pm.Do(context.Background(), "GET", "/v1/insights/hypotheses?hypothesis_id=sso-pricing", nil)
		var rep hub.InsightsReport
		if err != nil || r.Status != 200 || r.Decode(&rep) != nil || len(rep.Hypotheses) != 1 {
			t.Fatalf("insights: %v %d %s", err, r.Status, r.Body)
		}
		return rep
	}
	tts := get().Hypotheses[0].TimeToSignal
	if tts.FirstEvidence.Seconds == nil || *tts.FirstEvidence.Seconds < 0 || tts.EdgeToHub.N != 1 || tts.EdgeToHub.P50 < 59 || tts.SeenByProduct != 0 {
		t.Fatalf("time to signal: %+v", tts)
	}
	if _, _, err := pm.PullAll(context.Background(), ""); err != nil {
		t.Fatal(err)
	}
	if tts = get().Hypotheses[0].TimeToSignal; tts.SeenByProduct != 1 || tts.FirstSeen.At == nil {
		t.Fatalf("after the PM's pull: %+v", tts)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := <-p.done; err != nil {
		t.Fatalf("stop: %v", err)
	}
	code, out, errOut := runCLI(t, "insights", "--data", dir, "--json", "--hypothesis", "sso-pricing")
	var offline hub.InsightsReport
	if code != 0 || json.Unmarshal([]byte(out), &offline) != nil || offline.Hypotheses[0].TimeToSignal.SeenByProduct != 1 {
		t.Fatalf("offline insights: %d %s %s", code, out, errOut)
	}
	// All of it is in the store: serve keeps nothing in files beside it.
	if _, err := os.Stat(filepath.Join(dir, "product")); !os.IsNotExist(err) {
		t.Fatalf("serve wrote product state outside the store: %v", err)
	}
}
