package assist

import (
	"net/url"
	"strings"
	"time"

	"fieldnotes/app/notebook"
)

// Config is what the settings screen edits. The caller keeps APIKey in the OS
// keyring and hands it over here; it is never logged, persisted or shown.
type Config struct {
	// OrgDisabled is the organisation-wide switch: true turns every AI action
	// off, whatever else is configured.
	OrgDisabled bool `json:"org_disabled"`
	// BaseURL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or
	// http://127.0.0.1:11434/v1 for Ollama. Empty means "not configured".
	BaseURL string `json:"base_url"`
	// Model name as the endpoint knows it.
	Model string `json:"model"`
	// APIKey for the endpoint (may be empty for self-hosted servers).
	APIKey string `json:"-"`
	// AzureAPIVersion, when set (e.g. "2024-10-21"), talks to Azure OpenAI:
	// BaseURL is the resource (https://NAME.openai.azure.com), Model the
	// deployment name, and the key goes in the api-key header.
	AzureAPIVersion string `json:"azure_api_version"`
	// DisableRedaction sends names, addresses and phone numbers as they are.
	// Redaction is on unless this is set.
	DisableRedaction bool `json:"disable_redaction"`
	// UseTools asks for a forced tool call instead of a JSON-schema
	// response_format, for servers that support only one of them.
	UseTools bool `json:"use_tools"`
	// NoStream turns streaming off (progress then only reports start/end).
	NoStream bool `json:"no_stream"`
	// RequestTimeout bounds one attempt (default 90s).
	RequestTimeout time.Duration `json:"request_timeout"`
	// BackoffInitial and BackoffMax shape the retry delay after timeouts,
	// 429 and 5xx (defaults 2s and 5m). Jitter is added on top.
	BackoffInitial time.Duration `json:"backoff_initial"`
	BackoffMax     time.Duration `json:"backoff_max"`
	// MaxAttempts is how many transient failures a job survives before it is
	// reported as failed (default 8). Being offline does not count.
	MaxAttempts int `json:"max_attempts"`
}

// Defaults used when a Config field is zero.
const (
	DefaultRequestTimeout = 90 * time.Second
	DefaultBackoffInitial = 2 * time.Second
	DefaultBackoffMax     = 5 * time.Minute
	DefaultMaxAttempts    = 8
)

func (c Config) withDefaults() Config {
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.BackoffInitial <= 0 {
		c.BackoffInitial = DefaultBackoffInitial
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	if c.BackoffMax < c.BackoffInitial {
		c.BackoffMax = c.BackoffInitial
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	c.Model = strings.TrimSpace(c.Model)
	return c
}

// Validate checks the settings a person typed, naming each problem.
// An empty BaseURL is valid: it means AI is not set up yet.
func (c Config) Validate() error {
	p := notebook.NewProblems("AI settings")
	if c.BaseURL != "" {
		u, err := url.Parse(strings.TrimSpace(c.BaseURL))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.Add("base_url", "must be an http(s) address such as https://api.openai.com/v1")
		}
		if strings.TrimSpace(c.Model) == "" {
			p.Add("model", "is required when an endpoint is set")
		}
	}
	if c.RequestTimeout < 0 || c.BackoffInitial < 0 || c.BackoffMax < 0 {
		p.Add("timeouts", "must not be negative")
	}
	if c.MaxAttempts < 0 {
		p.Add("max_attempts", "must not be negative")
	}
	return p.Err()
}

// State says whether the assistant can work right now.
type State string

// Assistant states.
const (
	StateReady    State = "ready"    // configured, online: jobs run
	StateWaiting  State = "waiting"  // jobs are kept and run later
	StateDisabled State = "disabled" // the organisation switched AI off
)

// Status is what the UI shows next to every AI action.
type Status struct {
	State State `json:"state"`
	// Reason completes "waiting because …" (or says why AI is off); empty
	// when ready.
	Reason  string `json:"reason"`
	Queued  int    `json:"queued"`  // jobs waiting to run
	Running string `json:"running"` // id of the job running now, if any
}

// Reasons shown to people.
const (
	reasonOrgDisabled   = "AI is switched off for your organisation"
	reasonNoEndpoint    = "waiting because no AI endpoint is configured (Settings → AI)"
	reasonOffline       = "waiting because this computer is offline"
	reasonUnreachable   = "waiting because the AI endpoint cannot be reached"
	reasonRetryingLater = "waiting because the AI endpoint is busy; it will be retried"
)

// readiness computes the status for a config and connectivity, without
// the queue figures.
func readiness(c Config, online, reachable bool) Status {
	switch {
	case c.OrgDisabled:
		return Status{State: StateDisabled, Reason: reasonOrgDisabled}
	case c.BaseURL == "" || c.Model == "":
		return Status{State: StateWaiting, Reason: reasonNoEndpoint}
	case !online:
		return Status{State: StateWaiting, Reason: reasonOffline}
	case !reachable:
		return Status{State: StateWaiting, Reason: reasonUnreachable}
	}
	return Status{State: StateReady}
}
