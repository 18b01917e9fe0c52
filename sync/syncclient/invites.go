package syncclient

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// Invites are managed through the hub's admin API (GET/POST
// /v1/admin/invites, DELETE /v1/admin/invites/{id}), which product managers
// and admins may use: the app's Team screen. The types mirror the hub's
// answers (sync/hub/invites.go); the secret is only ever in a new invite's
// Link and Code.

// Invite is an invite as the hub lists it.
type Invite struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Role      string     `json:"role"`  // field, product
	State     string     `json:"state"` // pending, used, revoked (expired: pending past ExpiresAt)
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	CreatedBy string     `json:"created_by"`
	UsedAt    *time.Time `json:"used_at,omitempty"`
	UserID    string     `json:"user_id,omitempty"`
	Device    string     `json:"device,omitempty"`
}

// NewInvite is a just-made invite with, this once, its link and code.
type NewInvite struct {
	Invite
	Link string `json:"link"`
	Code string `json:"code"`
}

// InviteRequest is what an invite is made for. Expires is "" (the hub's
// default, 7 days), a number of days such as "7d", or a duration such as "36h".
type InviteRequest struct {
	Email   string `json:"email"`
	Role    string `json:"role"`
	Expires string `json:"expires,omitempty"`
}

// ListInvites returns every invite the hub has, oldest first.
func (c *ProductClient) ListInvites(ctx context.Context) ([]Invite, error) {
	var res struct {
		Invites []Invite `json:"invites"`
	}
	if err := c.call(ctx, http.MethodGet, "/v1/admin/invites", nil, &res); err != nil {
		return nil, err
	}
	return res.Invites, nil
}

// CreateInvite makes a one-time invite. A bad email, role or expiry is a
// KindRefused error with the hub's reason.
func (c *ProductClient) CreateInvite(ctx context.Context, req InviteRequest) (NewInvite, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return NewInvite{}, err
	}
	var out NewInvite
	return out, c.call(ctx, http.MethodPost, "/v1/admin/invites", body, &out)
}

// RevokeInvite makes a pending invite unusable (revoking it again is no
// error; a used one is KindRefused: revoke the user instead).
func (c *ProductClient) RevokeInvite(ctx context.Context, id string) error {
	return c.call(ctx, http.MethodDelete, "/v1/admin/invites/"+url.PathEscape(id), nil, nil)
}
