package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// Invites (fieldhub invite add, /v1/admin/invites) let a person join the
// team in one step: the admin makes a one-time invite for an email and a
// role, sends its link or code, and the app redeems it for a token
// (POST /v1/invites/redeem, no token needed). The store keeps only the
// secret's SHA-256, in the "invites" namespace keyed by it (hex), so a
// stolen database cannot redeem anything; the first 16 hex digits are the
// invite's id in lists and for revoking.
//
// Redeeming marks the invite used in one document transaction, which holds
// the key against every other one (hubdb.Store.UpdateDocs), so two
// requests at once cannot both pass: the second finds it used.

const invitesNS = "invites"

// DefaultInviteTTL is how long an invite is valid unless told otherwise.
const DefaultInviteTTL = 7 * 24 * time.Hour

// Invite states.
const (
	invitePending = "pending"
	inviteUsed    = "used"
	inviteRevoked = "revoked"
)

// InviteInfo is an invite as the admin sees it (never the secret).
type InviteInfo struct {
	ID        string     `json:"id"`
	Email     string     `json:"email"`
	Role      hubdb.Role `json:"role"`
	State     string     `json:"state"` // pending, used, revoked (expired: pending past ExpiresAt)
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	CreatedBy string     `json:"created_by"`
	UsedAt    *time.Time `json:"used_at,omitempty"`
	UserID    string     `json:"user_id,omitempty"`
	Device    string     `json:"device,omitempty"`
}

// NewInvite is what CreateInvite returns: the invite and, this once, its
// link and code.
type NewInvite struct {
	InviteInfo
	Link string `json:"link"`
	Code string `json:"code"`
}

// InviteOptions say what an invite carries besides its secret.
type InviteOptions struct {
	HubURL     string // the address the app should sync with
	CertSHA256 string // pin of a self-signed certificate, or ""
}

// CreateInvite stores a one-time invite for email and role, valid for ttl
// (≤ 0: DefaultInviteTTL; at most 90 days).
func CreateInvite(ctx context.Context, store hubdb.Store, opts InviteOptions, email string, role hubdb.Role, ttl time.Duration, by string, now time.Time) (NewInvite, error) {
	norm := notebook.NormalizeEmail(email)
	if norm == "" {
		return NewInvite{}, notebook.Errorf(notebook.Invalid, "email: %q is not an address such as ana@acme.com", email)
	}
	if role != hubdb.RoleField && role != hubdb.RoleProduct {
		return NewInvite{}, notebook.Errorf(notebook.Invalid, "role: %q is not field or product (admins are added with fieldhub user add)", role)
	}
	if ttl <= 0 {
		ttl = DefaultInviteTTL
	}
	if ttl > 90*24*time.Hour {
		return NewInvite{}, notebook.Errorf(notebook.Invalid, "expires: %s is more than 90 days", ttl)
	}
	secret := newInviteSecret()
	invite := syncproto.Invite{HubURL: strings.TrimRight(opts.HubURL, "/"), Secret: secret, CertSHA256: opts.CertSHA256}
	if _, err := syncproto.ParseInvite(invite.Link()); err != nil { // the hub URL or pin is not one the app can use
		return NewInvite{}, notebook.Errorf(notebook.Invalid, "%s", strings.TrimPrefix(err.Error(), "invalid: "))
	}
	key := inviteKey(secret)
	info := InviteInfo{ID: key[:16], Email: norm, Role: role, State: invitePending,
		CreatedAt: now.UTC(), ExpiresAt: now.Add(ttl).UTC(), CreatedBy: by}
	val, _ := json.Marshal(info)
	err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.PutDoc(invitesNS, key, val) })
	if err != nil {
		return NewInvite{}, err
	}
	return NewInvite{InviteInfo: info, Link: invite.Link(), Code: invite.Code()}, nil
}

// ListInvites returns every invite, oldest first.
func ListInvites(ctx context.Context, store hubdb.Store) ([]InviteInfo, error) {
	var out []InviteInfo
	err := store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		docs, err := r.ScanDocs(invitesNS, "", "", 0)
		if err != nil {
			return err
		}
		out = out[:0]
		for _, d := range docs {
			var info InviteInfo
			if err := json.Unmarshal(d.Value, &info); err != nil {
				return notebook.Wrap(notebook.Damaged, err, "invite %s: stored value is not JSON: %v", d.Key[:16], err)
			}
			out = append(out, info)
		}
		return nil
	})
	sortInvites(out)
	return out, err
}

func sortInvites(list []InviteInfo) {
	for i := 1; i < len(list); i++ { // few invites; insertion sort keeps it dependency-free and stable
		for j := i; j > 0 && list[j].CreatedAt.Before(list[j-1].CreatedAt); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

// RevokeInvite makes a pending invite unusable. Revoking a used invite is a
// Conflict (revoke the user instead); an unknown id is NotFound.
func RevokeInvite(ctx context.Context, store hubdb.Store, id string, now time.Time) error {
	if len(id) != 16 || strings.Trim(id, "0123456789abcdef") != "" {
		return notebook.Errorf(notebook.NotFound, "no invite %q (an id is 16 hex digits, from fieldhub invite list)", id)
	}
	return store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		docs, err := tx.ScanDocs(invitesNS, id, hubdb.PrefixEnd(id), 2)
		if err != nil {
			return err
		}
		if len(docs) != 1 {
			return notebook.Errorf(notebook.NotFound, "no invite %q", id)
		}
		info, err := decodeInvite(docs[0])
		if err != nil {
			return err
		}
		switch info.State {
		case inviteRevoked:
			return nil
		case inviteUsed:
			return notebook.Errorf(notebook.Conflict, "invite %s was already used by %s; revoke the user instead", id, info.Email)
		}
		info.State = inviteRevoked
		val, _ := json.Marshal(info)
		return tx.PutDoc(invitesNS, docs[0].Key, val)
	})
}

// RedeemInvite spends the invite with this secret and returns the user it
// made, or the existing live user with the invited email (who keeps their
// role and id, and gets a new token: their other devices must sign in
// again). A missing, used, revoked or expired invite is an error that says
// which, and nothing changes.
func RedeemInvite(ctx context.Context, store hubdb.Store, secret, device string, now time.Time) (NewUser, error) {
	if len(secret) < 16 || len(secret) > 128 {
		return NewUser{}, errNoInvite
	}
	key := inviteKey(secret)
	var info InviteInfo
	err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		val, ok, err := tx.GetDoc(invitesNS, key)
		if err != nil {
			return err
		}
		if !ok {
			return errNoInvite
		}
		if info, err = decodeInvite(hubdb.Doc{Key: key, Value: val}); err != nil {
			return err
		}
		if err := info.usable(now); err != nil {
			return err
		}
		used := now.UTC()
		info.State, info.UsedAt, info.Device = inviteUsed, &used, limitString(device, 100)
		val, _ = json.Marshal(info)
		return tx.PutDoc(invitesNS, key, val)
	})
	if err != nil {
		return NewUser{}, err
	}
	nu, err := userForInvite(ctx, store, info, now)
	if err != nil {
		// Give the invite back: the person should be able to try again.
		_ = store.UpdateDocs(context.WithoutCancel(ctx), func(tx hubdb.DocTx) error {
			info.State, info.UsedAt, info.Device = invitePending, nil, ""
			val, _ := json.Marshal(info)
			return tx.PutDoc(invitesNS, key, val)
		})
		return NewUser{}, err
	}
	info.UserID = nu.ID
	val, _ := json.Marshal(info)
	if err := store.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.PutDoc(invitesNS, key, val) }); err != nil {
		return NewUser{}, err
	}
	return nu, nil
}

var errNoInvite = notebook.Errorf(notebook.NotFound, "no such invite: check that the whole link or code was pasted, or ask for a new one")

func (info InviteInfo) usable(now time.Time) error {
	switch {
	case info.State == inviteUsed:
		return notebook.Errorf(notebook.Conflict, "this invite was already used on %s; ask your admin for a new one", info.UsedAt.Format("2 Jan 2006 15:04 MST"))
	case info.State == inviteRevoked:
		return notebook.Errorf(notebook.Forbidden, "this invite was revoked; ask your admin for a new one")
	case !now.Before(info.ExpiresAt):
		return notebook.Errorf(notebook.Forbidden, "this invite expired on %s; ask your admin for a new one", info.ExpiresAt.Format("2 Jan 2006 15:04 MST"))
	}
	return nil
}

// userForInvite creates the invited user, or gives the live user with that
// email a new token.
func userForInvite(ctx context.Context, store hubdb.Store, info InviteInfo, now time.Time) (NewUser, error) {
	users, err := store.ListUsers(ctx)
	if err != nil {
		return NewUser{}, err
	}
	for _, u := range users {
		if !u.Revoked && strings.EqualFold(u.Email, info.Email) {
			token := newToken()
			if err := store.SetUserToken(ctx, u, HashToken(token)); err != nil {
				return NewUser{}, err
			}
			return NewUser{ID: u.ID, Email: u.Email, Role: u.Role, Token: token}, nil
		}
	}
	return AddUser(ctx, store, info.Email, info.Role, now)
}

func decodeInvite(d hubdb.Doc) (InviteInfo, error) {
	var info InviteInfo
	if err := json.Unmarshal(d.Value, &info); err != nil {
		return InviteInfo{}, notebook.Wrap(notebook.Damaged, err, "invite %s: stored value is not JSON: %v", d.Key[:16], err)
	}
	return info, nil
}

func inviteKey(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func newInviteSecret() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("hub: no randomness: " + err.Error())
	}
	return "inv_" + base64.RawURLEncoding.EncodeToString(b)
}

func limitString(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

// ---- HTTP ----

func (s *Server) inviteRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/admin/invites", s.authed(s.invitersOnly(s.handleListInvites)))
	mux.HandleFunc("POST /v1/admin/invites", s.authed(s.invitersOnly(s.handleCreateInvite)))
	mux.HandleFunc("DELETE /v1/admin/invites/{id}", s.authed(s.invitersOnly(s.handleRevokeInvite)))
	mux.HandleFunc("POST /v1/invites/redeem", s.handleRedeemInvite)
}

// invitersOnly lets product managers and admins manage invites: the manager
// who brings a rep onto the team sends the invite (the app's Team screen).
// An invite never makes an admin (CreateInvite), so a PM cannot grant more
// than product, which already reads every rep's evidence.
func (s *Server) invitersOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !userFrom(r.Context()).Role.ReadsAll() {
			writeError(w, http.StatusForbidden, syncproto.CodeForbidden, "only product managers and admins may manage invites")
			return
		}
		next(w, r)
	}
}

// inviteOptions: the configured public URL, else the address this request
// came to (right for a hub reached directly; behind a proxy set PublicURL).
func (s *Server) inviteOptions(r *http.Request) InviteOptions {
	opts := InviteOptions{HubURL: s.invites.HubURL, CertSHA256: s.invites.CertSHA256}
	if opts.HubURL == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		opts.HubURL = scheme + "://" + r.Host
	}
	return opts
}

func (s *Server) handleCreateInvite(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email   string     `json:"email"`
		Role    hubdb.Role `json:"role"`
		Expires string     `json:"expires,omitempty"` // "7d", "36h"
	}
	if err := readJSONBody(w, r, 64<<10, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	ttl, err := ParseInviteTTL(req.Expires)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	by := userFrom(r.Context())
	inv, err := CreateInvite(r.Context(), s.store, s.inviteOptions(r), req.Email, req.Role, ttl, by.ID, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("invite created", "id", inv.ID, "role", inv.Role, "by", by.ID)
	writeJSON(w, http.StatusCreated, inv)
}

func (s *Server) handleListInvites(w http.ResponseWriter, r *http.Request) {
	list, err := ListInvites(r.Context(), s.store)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if list == nil {
		list = []InviteInfo{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"invites": list})
}

func (s *Server) handleRevokeInvite(w http.ResponseWriter, r *http.Request) {
	if err := RevokeInvite(r.Context(), s.store, r.PathValue("id"), s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("invite revoked", "id", r.PathValue("id"), "by", userFrom(r.Context()).ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleRedeemInvite(w http.ResponseWriter, r *http.Request) {
	var req syncproto.RedeemRequest
	if err := readJSONBody(w, r, 4<<10, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	nu, err := RedeemInvite(r.Context(), s.store, req.Secret, req.DeviceName, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("invite redeemed", "user", nu.ID, "role", nu.Role)
	writeJSON(w, http.StatusOK, syncproto.RedeemResponse{UserID: nu.ID, Email: nu.Email, Role: string(nu.Role), Token: nu.Token})
}

// ParseInviteTTL reads an invite's lifetime: "" (the default), "7d", or a
// Go duration such as "36h".
func ParseInviteTTL(s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		for _, c := range days {
			if c < '0' || c > '9' || n > 1000 {
				return 0, notebook.Errorf(notebook.Invalid, "expires: %q is not a number of days such as 7d", s)
			}
			n = n*10 + int(c-'0')
		}
		if days == "" || n == 0 {
			return 0, notebook.Errorf(notebook.Invalid, "expires: %q is not a number of days such as 7d", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, notebook.Errorf(notebook.Invalid, "expires: %q is not a duration such as 7d or 36h", s)
	}
	return d, nil
}
