package assist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"

	"fieldnotes/app/notebook"
)

// KV is the notebook's encrypted, never-synced key/value space, where the
// AI settings and the rep's decisions live (*store.Store in the app).
type KV interface {
	LocalGet(ctx context.Context, key string) ([]byte, error) // notebook.NotFound when absent
	LocalPut(ctx context.Context, key string, value []byte) error
	LocalDelete(ctx context.Context, key string) error
	LocalScan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error
}

// Secrets keeps the API key out of the store and out of logs (secrets.Vault
// in the app: the OS keyring, else the encrypted store).
type Secrets interface {
	Get(ctx context.Context, name string) (string, error) // "" when never set
	Set(ctx context.Context, name, value string) error    // "" deletes
}

// Local keys and secret names of the AI settings and decisions.
const (
	SettingsKey = "settings/assist"
	KeyName     = "ai-key"
	// EnvDisabled, when set, switches AI off for this installation
	// whatever the settings say: the organisation's switch, for IT to set
	// by environment or managed configuration.
	EnvDisabled = "FIELDNOTES_AI_DISABLED"

	keyDecision = "assist-ui/decision/" // + job id + "/" + suggestion id → Decision
	// keySeen remembers decisions by what a suggestion says, per call or
	// email, so asking again about the same notes never shows a rejected
	// (or already accepted) proposal a second time.
	keySeen = "assist-ui/seen/" // + subject + "/" + fingerprint → Decision
)

// LoadConfig reads the saved AI settings and, with sec, the key from the
// vault. Nothing saved yet is a valid, unconfigured Config (AI waits).
func LoadConfig(ctx context.Context, kv KV, sec Secrets) (Config, error) {
	var c Config
	raw, err := kv.LocalGet(ctx, SettingsKey)
	switch {
	case notebook.IsCode(err, notebook.NotFound):
	case err != nil:
		return c, err
	default:
		if err := json.Unmarshal(raw, &c); err != nil {
			return c, notebook.Wrap(notebook.Internal, err, "the saved AI settings cannot be read; save them again")
		}
	}
	if OrgDisabled() {
		c.OrgDisabled = true // IT's switch wins over anything saved
	}
	if sec != nil && c.BaseURL != "" {
		if c.APIKey, err = sec.Get(ctx, KeyName); err != nil {
			return c, err
		}
	}
	return c, nil
}

// OrgDisabled says whether the organisation switched AI off (EnvDisabled).
func OrgDisabled() bool { return os.Getenv(EnvDisabled) != "" }

// SaveConfig writes c, and its key to the vault when keyChanged (an empty
// key deletes it).
func SaveConfig(ctx context.Context, kv KV, sec Secrets, c Config, keyChanged bool) error {
	if keyChanged {
		if sec == nil {
			return notebook.Errorf(notebook.NotSetUp, "keys cannot be stored in this build")
		}
		if err := sec.Set(ctx, KeyName, c.APIKey); err != nil {
			return err
		}
	}
	raw, err := json.Marshal(c) // APIKey is json:"-"
	if err != nil {
		return err
	}
	return kv.LocalPut(ctx, SettingsKey, raw)
}

// Decision is what the rep did with a suggestion.
type Decision struct {
	State      string `json:"state"` // accepted, rejected
	EvidenceID string `json:"evidence_id,omitempty"`
}

// subject is the call or email a job is about (the job itself for briefs).
func (j Job) subject() string {
	switch r := j.Request; {
	case r.Evidence != nil && r.Evidence.CallID != "":
		return r.Evidence.CallID
	case r.Triage != nil && r.Triage.Email.ID != "":
		return r.Triage.Email.ID
	}
	return j.ID
}

// proposalPrint identifies a suggestion by what it says, not by its id.
func proposalPrint(s Suggestion) string {
	quote := strings.Join(strings.Fields(s.Quote), " ")
	sum := sha256.Sum256([]byte(s.HypothesisID + "\x00" + s.QuestionID + "\x00" + quote))
	return hex.EncodeToString(sum[:8])
}

func decisionKeys(job Job, s Suggestion) []string {
	return []string{keyDecision + job.ID + "/" + s.ID, keySeen + job.subject() + "/" + proposalPrint(s)}
}

// LoadDecision returns what the rep decided about s, in this job or about
// the same proposal in an earlier one.
func LoadDecision(ctx context.Context, kv KV, job Job, s Suggestion) (Decision, bool, error) {
	for _, key := range decisionKeys(job, s) {
		raw, err := kv.LocalGet(ctx, key)
		if notebook.IsCode(err, notebook.NotFound) {
			continue
		}
		if err != nil {
			return Decision{}, false, err
		}
		var d Decision
		if json.Unmarshal(raw, &d) != nil {
			return Decision{}, true, nil // unreadable, but decided: never shown again
		}
		return d, true, nil
	}
	return Decision{}, false, nil
}

// SaveDecision remembers d for s in job and for the same proposal later.
func SaveDecision(ctx context.Context, kv KV, job Job, s Suggestion, d Decision) error {
	raw, err := json.Marshal(d)
	if err != nil {
		return err
	}
	for _, key := range decisionKeys(job, s) {
		if err := kv.LocalPut(ctx, key, raw); err != nil {
			return err
		}
	}
	return nil
}

// ForgetDecisions removes the per-job decisions of jobID (the ones by
// fingerprint stay: a forgotten job's rejected proposals stay rejected).
func ForgetDecisions(ctx context.Context, kv KV, jobID string) error {
	var keys []string
	err := kv.LocalScan(ctx, keyDecision+jobID+"/", func(key string, _ []byte) error {
		keys = append(keys, key)
		return nil
	})
	if err != nil {
		return err
	}
	for _, key := range keys {
		if err := kv.LocalDelete(ctx, key); err != nil {
			return err
		}
	}
	return nil
}
