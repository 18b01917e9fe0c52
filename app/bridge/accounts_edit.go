package bridge

import (
	"context"
	"strings"

	"fieldnotes/app/notebook"
)

// AccountInput is the account form of the brief: what a rep may correct.
// CRM ids are kept as they are (a re-import must find the same company).
type AccountInput struct {
	Name    string   `json:"name"`
	Domains []string `json:"domains"`
	Segment string   `json:"segment"`
	Stage   string   `json:"stage"`
	ARR     float64  `json:"arr"`
}

// Update corrects an account's name, domains, segment, stage and ARR;
// notebook.Account.Validate names each bad field.
func (a *Accounts) Update(id string, in AccountInput) (out AccountDTO, err error) {
	defer guard(a.d.Log, "Accounts.Update", &err)
	ctx := context.Background()
	var ac notebook.Account
	if err := a.d.Store.Get(ctx, id, &ac); err != nil {
		return out, err
	}
	domains := make([]string, 0, len(in.Domains))
	for _, d := range in.Domains {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			domains = append(domains, d)
		}
	}
	ac.Name, ac.Domains, ac.Segment = strings.TrimSpace(in.Name), domains, strings.TrimSpace(in.Segment)
	ac.Stage, ac.ARR = notebook.Stage(strings.TrimSpace(in.Stage)), in.ARR
	if _, err := a.d.Store.Save(ctx, ac); err != nil {
		return out, err
	}
	return accountDTO(ac), nil
}

// Delete removes an account (a junk row imported by mistake). The screen
// holds the delete back for a few seconds so it can be undone; once synced,
// product or admin can restore it on the hub (soft delete).
func (a *Accounts) Delete(id string) (err error) {
	defer guard(a.d.Log, "Accounts.Delete", &err)
	return deleteRecord(a.d, notebook.TypeAccount, id)
}

// Delete removes a call (one started on the wrong account), as Accounts.Delete.
func (c *Calls) Delete(id string) (err error) {
	defer guard(c.d.Log, "Calls.Delete", &err)
	return deleteRecord(c.d, notebook.TypeCall, id)
}

func deleteRecord(d *Deps, t notebook.Type, id string) error {
	ctx := context.Background()
	rec := notebook.NewRecord(t)
	if err := d.Store.Get(ctx, id, rec); err != nil {
		return err // a clear not_found naming the record
	}
	return d.Store.Delete(ctx, t, id)
}
