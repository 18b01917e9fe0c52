package hub

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// NewUser is what AddUser returns: the user and its token, shown once.
type NewUser struct {
	ID    string     `json:"id"`
	Email string     `json:"email"`
	Role  hubdb.Role `json:"role"`
	Token string     `json:"token"`
}

// AddUser creates a user with a new random token; only the token's hash is
// stored. Used by the admin API and by `fieldhub user add`.
func AddUser(ctx context.Context, store hubdb.Store, email string, role hubdb.Role, now time.Time) (NewUser, error) {
	norm := notebook.NormalizeEmail(email)
	if norm == "" {
		return NewUser{}, notebook.Errorf(notebook.Invalid, "email: %q is not an address such as ana@acme.com", email)
	}
	if !hubdb.ValidRole(role) {
		return NewUser{}, notebook.Errorf(notebook.Invalid, "role: %q is not one of field, product, admin", role)
	}
	token := newToken()
	if revoked, ok, err := revokedUserByEmail(ctx, store, norm); err != nil {
		return NewUser{}, err
	} else if ok { // the same person again: same id, so their notebook and records carry on
		revoked.Revoked, revoked.Role = false, role
		if err := store.SetUserToken(ctx, revoked, HashToken(token)); err != nil {
			return NewUser{}, err
		}
		return NewUser{ID: revoked.ID, Email: revoked.Email, Role: revoked.Role, Token: token}, nil
	}
	u := hubdb.User{ID: "u_" + randomHex(6), Email: norm, Role: role, CreatedAt: now.UTC()}
	if err := store.CreateUser(ctx, u, HashToken(token)); err != nil {
		return NewUser{}, err
	}
	return NewUser{ID: u.ID, Email: u.Email, Role: u.Role, Token: token}, nil
}

// revokedUserByEmail finds the most recent revoked user with the address,
// unless a live one has it (CreateUser then reports the conflict).
func revokedUserByEmail(ctx context.Context, store hubdb.Store, email string) (hubdb.User, bool, error) {
	users, err := store.ListUsers(ctx)
	if err != nil {
		return hubdb.User{}, false, err
	}
	var found hubdb.User
	ok := false
	for _, u := range users { // oldest first
		if !strings.EqualFold(u.Email, email) {
			continue
		}
		if !u.Revoked {
			return hubdb.User{}, false, nil
		}
		found, ok = u, true
	}
	return found, ok, nil
}

// RotateToken gives a user a new token and retires every old one; the
// user's id, role, client bindings and records stay as they are, so a
// notebook signed in again with the new token carries on.
func RotateToken(ctx context.Context, store hubdb.Store, id string) (NewUser, error) {
	users, err := store.ListUsers(ctx)
	if err != nil {
		return NewUser{}, err
	}
	for _, u := range users {
		if u.ID != id {
			continue
		}
		if u.Revoked {
			return NewUser{}, notebook.Errorf(notebook.Conflict, "user %s is revoked; add the email again to restore them", id)
		}
		token := newToken()
		if err := store.SetUserToken(ctx, u, HashToken(token)); err != nil {
			return NewUser{}, err
		}
		return NewUser{ID: u.ID, Email: u.Email, Role: u.Role, Token: token}, nil
	}
	return NewUser{}, notebook.Errorf(notebook.NotFound, "no user %q", id)
}

func newToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("hub: no randomness: " + err.Error())
	}
	return "fh_" + base64.RawURLEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("hub: no randomness: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if users == nil {
		users = []hubdb.User{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

func (s *Server) handleAddUser(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Email string     `json:"email"`
		Role  hubdb.Role `json:"role"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err == nil {
		err = json.Unmarshal(body, &req)
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, string(notebook.Invalid), "body: want {\"email\":…,\"role\":\"field|product|admin\"}")
		return
	}
	nu, err := AddUser(r.Context(), s.store, req.Email, req.Role, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user added", "id", nu.ID, "role", nu.Role, "by", userFrom(r.Context()).ID)
	writeJSON(w, http.StatusCreated, nu)
}

func (s *Server) handleRotateToken(w http.ResponseWriter, r *http.Request) {
	nu, err := RotateToken(r.Context(), s.store, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("token rotated", "id", nu.ID, "by", userFrom(r.Context()).ID)
	writeJSON(w, http.StatusOK, nu)
}

func (s *Server) handleRevokeUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.store.RevokeUser(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user revoked", "id", id, "by", userFrom(r.Context()).ID)
	w.WriteHeader(http.StatusNoContent)
}
