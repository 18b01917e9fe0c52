package bridge

import (
	"context"
	"net/http"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncclient"
)

// Invites is the Team screen of product managers and admins: the hub's
// invites, a new one (its link and short code are shown once, to copy and
// send), and revoking a pending one. Everything goes to the hub's admin API
// (syncclient); the hub decides who may (product and admin) and what is
// valid, and its refusal is shown as it says.
type Invites struct {
	d      *Deps
	client *http.Client
}

// NewInvites binds the team's invites.
func NewInvites(d *Deps) *Invites {
	return &Invites{d: d, client: &http.Client{Timeout: 20 * time.Second}}
}

// InviteDTO is one invite in the list. Times are RFC 3339; UsedAt "" if unused.
type InviteDTO struct {
	ID        string `json:"id"`
	Email     string `json:"email"`
	Role      string `json:"role"`
	State     string `json:"state"` // pending, used, revoked, expired
	CreatedAt string `json:"created_at"`
	ExpiresAt string `json:"expires_at"`
	UsedAt    string `json:"used_at"`
	Device    string `json:"device"`
}

// NewInviteDTO is a just-made invite with its link and code (shown once).
type NewInviteDTO struct {
	Invite InviteDTO `json:"invite"`
	Link   string    `json:"link"`
	Code   string    `json:"code"`
}

// InviteInput is the form: expires is "7d", "36h" or "" (7 days).
type InviteInput struct {
	Email   string `json:"email"`
	Role    string `json:"role"` // field or product
	Expires string `json:"expires"`
}

// List returns the hub's invites, newest first.
func (v *Invites) List() (out []InviteDTO, err error) {
	defer guard(v.d.Log, "Invites.List", &err)
	ctx, hub, cancel, err := v.hub()
	if err != nil {
		return nil, err
	}
	defer cancel()
	list, err := hub.ListInvites(ctx)
	if err != nil {
		return nil, err
	}
	now := v.d.now()
	out = make([]InviteDTO, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, inviteDTO(list[i], now))
	}
	return out, nil
}

// Create makes a one-time invite on the hub.
func (v *Invites) Create(in InviteInput) (out NewInviteDTO, err error) {
	defer guard(v.d.Log, "Invites.Create", &err)
	if strings.TrimSpace(in.Email) == "" {
		return out, notebook.Errorf(notebook.Invalid, "email: enter the address of the person to invite")
	}
	ctx, hub, cancel, err := v.hub()
	if err != nil {
		return out, err
	}
	defer cancel()
	got, err := hub.CreateInvite(ctx, syncclient.InviteRequest{Email: strings.TrimSpace(in.Email), Role: in.Role, Expires: strings.TrimSpace(in.Expires)})
	if err != nil {
		return out, err
	}
	logger(v.d.Log).Info("invite created", "id", got.ID, "role", got.Role) // never the link: it holds the secret
	return NewInviteDTO{Invite: inviteDTO(got.Invite, v.d.now()), Link: got.Link, Code: got.Code}, nil
}

// Revoke makes a pending invite unusable.
func (v *Invites) Revoke(id string) (err error) {
	defer guard(v.d.Log, "Invites.Revoke", &err)
	ctx, hub, cancel, err := v.hub()
	if err != nil {
		return err
	}
	defer cancel()
	return hub.RevokeInvite(ctx, id)
}

func (v *Invites) hub() (context.Context, *syncclient.ProductClient, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	hub, err := productHub(ctx, v.d, v.client)
	if err != nil {
		cancel()
		return nil, nil, nil, err
	}
	return ctx, hub, cancel, nil
}

func inviteDTO(in syncclient.Invite, now time.Time) InviteDTO {
	out := InviteDTO{ID: in.ID, Email: in.Email, Role: in.Role, State: in.State, Device: in.Device,
		CreatedAt: in.CreatedAt.UTC().Format(time.RFC3339), ExpiresAt: in.ExpiresAt.UTC().Format(time.RFC3339)}
	if in.UsedAt != nil {
		out.UsedAt = in.UsedAt.UTC().Format(time.RFC3339)
	}
	if out.State == "pending" && !now.Before(in.ExpiresAt) {
		out.State = "expired"
	}
	return out
}
