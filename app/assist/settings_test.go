package assist

import (
	"context"
	"strings"
	"testing"

	"fieldnotes/app/notebook"
)

// memKV is the notebook's local space in memory.
type memKV map[string][]byte

func (m memKV) LocalGet(_ context.Context, k string) ([]byte, error) {
	if v, ok := m[k]; ok {
		return v, nil
	}
	return nil, notebook.Errorf(notebook.NotFound, "no %s", k)
}
func (m memKV) LocalPut(_ context.Context, k string, v []byte) error { m[k] = v; return nil }
func (m memKV) LocalDelete(_ context.Context, k string) error        { delete(m, k); return nil }
func (m memKV) LocalScan(_ context.Context, p string, fn func(string, []byte) error) error {
	for k, v := range m {
		if strings.HasPrefix(k, p) {
			if err := fn(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// TestDecisionsOutliveTheirJob: a rejected proposal stays rejected when a
// new job about the same call proposes it again (white space aside), also
// after the first job is forgotten; another call's job is undecided.
func TestDecisionsOutliveTheirJob(t *testing.T) {
	ctx := context.Background()
	kv := memKV{}
	s := Suggestion{ID: "s1", HypothesisID: "h1", QuestionID: "q1", Quote: "nine  days\nto close"}
	first := Job{ID: "j1", Request: JobRequest{Evidence: &EvidenceRequest{CallID: "c1"}}}
	if err := SaveDecision(ctx, kv, first, s, Decision{State: "rejected"}); err != nil {
		t.Fatal(err)
	}
	if err := ForgetDecisions(ctx, kv, first.ID); err != nil {
		t.Fatal(err)
	}
	again := Job{ID: "j2", Request: first.Request}
	same := s
	same.ID, same.Quote = "s9", "nine days to close"
	if d, ok, err := LoadDecision(ctx, kv, again, same); err != nil || !ok || d.State != "rejected" {
		t.Fatalf("the same proposal again: %+v %v %v", d, ok, err)
	}
	other := Job{ID: "j3", Request: JobRequest{Evidence: &EvidenceRequest{CallID: "c2"}}}
	if _, ok, err := LoadDecision(ctx, kv, other, same); err != nil || ok {
		t.Fatalf("another call's proposal is decided: %v %v", ok, err)
	}
	for k := range kv {
		if strings.HasPrefix(k, keyDecision+"j1/") {
			t.Errorf("forgotten job's decision kept: %s", k)
		}
	}
}

// TestConfigKeepsTheKeyInTheVault: the key is never in the stored settings;
// the organisation's switch wins over what was saved.
func TestConfigKeepsTheKeyInTheVault(t *testing.T) {
	ctx := context.Background()
	kv, vault := memKV{}, memVault{}
	c := Config{BaseURL: "http://127.0.0.1:1/v1", Model: "m", APIKey: "sk-secret"}
	if err := SaveConfig(ctx, kv, vault, c, true); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(kv[SettingsKey]), "sk-secret") {
		t.Fatalf("the key is in the store: %s", kv[SettingsKey])
	}
	got, err := LoadConfig(ctx, kv, vault)
	if err != nil || got.APIKey != "sk-secret" || got.OrgDisabled {
		t.Fatalf("loaded %+v, %v", got, err)
	}
	t.Setenv(EnvDisabled, "1")
	if got, _ := LoadConfig(ctx, kv, nil); !got.OrgDisabled || got.APIKey != "" {
		t.Fatalf("with the switch and no vault: %+v", got)
	}
	if err := SaveConfig(ctx, kv, nil, c, true); !notebook.IsCode(err, notebook.NotSetUp) {
		t.Fatalf("a key without a vault: %v", err)
	}
}

type memVault map[string]string

func (v memVault) Get(_ context.Context, n string) (string, error) { return v[n], nil }
func (v memVault) Set(_ context.Context, n, s string) error        { v[n] = s; return nil }
