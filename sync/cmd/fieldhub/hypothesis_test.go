package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
