package bridge

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"fieldnotes/app/assist"
	"fieldnotes/app/mailstore"
	"fieldnotes/app/notebook"
)

// AssistDeps is what the Assist area needs besides Deps; app/desktop fills
// it. A nil AssistDeps makes every Assist method answer "not available".
type AssistDeps struct {
	Assistant *assist.Assistant
	Local     LocalKV
	Secrets   Secrets
	Mail      *mailstore.Store // email text for triage, and sharing an email accepted as evidence; may be nil
}

// Assist is the AI area: settings, status, evidence suggestions from call
// notes, email triage, account briefs, and the accept/reject review. Nothing
// becomes evidence without Accept.
type Assist struct{ d *Deps }

// NewAssist binds the AI area.
func NewAssist(d *Deps) *Assist { return &Assist{d} }

func (a *Assist) deps() (*AssistDeps, error) {
	if a.d.Assist == nil || a.d.Assist.Assistant == nil || a.d.Assist.Local == nil {
		return nil, notebook.Errorf(notebook.NotSetUp, "AI is not available in this build")
	}
	return a.d.Assist, nil
}

// AssistSettingsDTO is the AI settings form. The key never comes back:
// HasKey says whether one is stored.
type AssistSettingsDTO struct {
	BaseURL         string `json:"base_url"` // "" = AI not set up
	Model           string `json:"model"`
	AzureAPIVersion string `json:"azure_api_version"`
	Redaction       bool   `json:"redaction"`    // names, addresses, phone numbers replaced before sending (default on)
	OrgDisabled     bool   `json:"org_disabled"` // the organisation switched AI off
	UseTools        bool   `json:"use_tools"`
	NoStream        bool   `json:"no_stream"`
	HasKey          bool   `json:"has_key"`
}

// AssistSettingsInput is what the form sends. APIKey "" keeps the stored
// key; ClearKey removes it.
type AssistSettingsInput struct {
	AssistSettingsDTO
	APIKey   string `json:"api_key"`
	ClearKey bool   `json:"clear_key"`
}

func assistSettingsDTO(c assist.Config) AssistSettingsDTO {
	return AssistSettingsDTO{BaseURL: c.BaseURL, Model: c.Model, AzureAPIVersion: c.AzureAPIVersion, Redaction: !c.DisableRedaction,
		OrgDisabled: c.OrgDisabled, UseTools: c.UseTools, NoStream: c.NoStream, HasKey: c.APIKey != ""}
}

// Settings returns the saved AI settings (without the key).
func (a *Assist) Settings() (out AssistSettingsDTO, err error) {
	defer guard(a.d.Log, "Assist.Settings", &err)
	ad, err := a.deps()
	if err != nil {
		return out, err
	}
	c, err := assist.LoadConfig(context.Background(), ad.Local, ad.Secrets)
	return assistSettingsDTO(c), err
}

// SaveSettings validates and stores the AI settings (the key in the OS
// keyring) and applies them to the queue at once.
func (a *Assist) SaveSettings(in AssistSettingsInput) (out AssistSettingsDTO, err error) {
	defer guard(a.d.Log, "Assist.SaveSettings", &err)
	ad, err := a.deps()
	if err != nil {
		return out, err
	}
	ctx := context.Background()
	saved, err := assist.LoadConfig(ctx, ad.Local, ad.Secrets)
	if err != nil {
		return out, err
	}
	c := saved
	c.BaseURL, c.Model, c.AzureAPIVersion = strings.TrimSpace(in.BaseURL), strings.TrimSpace(in.Model), strings.TrimSpace(in.AzureAPIVersion)
	c.DisableRedaction, c.OrgDisabled, c.UseTools, c.NoStream = !in.Redaction, in.OrgDisabled || assist.OrgDisabled(), in.UseTools, in.NoStream
	if in.APIKey != "" || in.ClearKey {
		c.APIKey = strings.TrimSpace(in.APIKey)
	}
	if err := c.Validate(); err != nil {
		return out, err
	}
	if err := assist.SaveConfig(ctx, ad.Local, ad.Secrets, c, in.APIKey != "" || in.ClearKey); err != nil {
		return out, err
	}
	if err := ad.Assistant.Configure(c); err != nil {
		return out, err
	}
	logger(a.d.Log).Info("AI settings saved", "base_url", c.BaseURL, "model", c.Model, "redaction", !c.DisableRedaction)
	return assistSettingsDTO(c), nil
}

// AssistStatus is shown next to every AI action.
type AssistStatus struct {
	State   string `json:"state"`   // ready, waiting, disabled
	Message string `json:"message"` // "Waiting because this computer is offline." …; "" when ready
	Queued  int    `json:"queued"`
	Running string `json:"running"` // id of the running job
}

// Status says whether AI actions run now and, if not, why.
func (a *Assist) Status() (s AssistStatus, err error) {
	defer guard(a.d.Log, "Assist.Status", &err)
	ad, err := a.deps()
	if err != nil {
		return AssistStatus{State: string(assist.StateDisabled), Message: "AI is not available in this build."}, nil
	}
	st := ad.Assistant.Status()
	return AssistStatus{State: string(st.State), Message: sentence(st.Reason), Queued: st.Queued, Running: st.Running}, nil
}

// sentence capitalises a reason and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return ""
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// AssistUsage is token usage for the settings screen.
type AssistUsage struct {
	PromptTokens     int    `json:"prompt_tokens"`
	CompletionTokens int    `json:"completion_tokens"`
	TotalTokens      int    `json:"total_tokens"`
	Requests         int    `json:"requests"`
	Since            string `json:"since"`
}

// Usage returns the tokens used since the count was last reset.
func (a *Assist) Usage() (u AssistUsage, err error) {
	defer guard(a.d.Log, "Assist.Usage", &err)
	ad, err := a.deps()
	if err != nil {
		return u, err
	}
	r := ad.Assistant.Usage()
	return AssistUsage{PromptTokens: r.Total.PromptTokens, CompletionTokens: r.Total.CompletionTokens,
		TotalTokens: r.Total.TotalTokens, Requests: r.Total.Requests, Since: ts(r.Since)}, nil
}

// ResetUsage starts the usage count again from zero.
func (a *Assist) ResetUsage() (err error) {
	defer guard(a.d.Log, "Assist.ResetUsage", &err)
	ad, err := a.deps()
	if err != nil {
		return err
	}
	return ad.Assistant.ResetUsage(context.Background())
}

// RetryNow runs waiting jobs at once instead of after their backoff.
func (a *Assist) RetryNow() (err error) {
	defer guard(a.d.Log, "Assist.RetryNow", &err)
	ad, err := a.deps()
	if err != nil {
		return err
	}
	ad.Assistant.RetryNow()
	return nil
}
