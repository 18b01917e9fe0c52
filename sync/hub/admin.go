package hub

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
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
	u := hubdb.User{ID: "u_" + randomHex(6), Email: norm, Role: role, CreatedAt: now.UTC()}
	if err := store.CreateUser(ctx, u, HashToken(token)); err != nil {
		return NewUser{}, err
	}
	return NewUser{ID: u.ID, Email: u.Email, Role: u.Role, Token: token}, nil
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

func (s *Server) handleRevokeUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.store.RevokeUser(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("user revoked", "id", id, "by", userFrom(r.Context()).ID)
	w.WriteHeader(http.StatusNoContent)
}
