package hub

import "net/http"

// MeResponse is GET /v1/me: who the bearer token belongs to. The desktop
// app asks it to decide whether to show the product screens (product and
// admin) and to say "signed in as …" in words; the role is the hub's, never
// the laptop's own claim.
type MeResponse struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
	// Audience is sales or cs as an admin set it on the hub; "" when not
	// set (the app then lets the rep pick once).
	Audience string `json:"audience,omitempty"`
}

// handleMe answers GET /v1/me for any live token (no Sync-Protocol: not sync).
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	a, err := AudienceOf(r.Context(), s.store, u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, MeResponse{ID: u.ID, Email: u.Email, Role: string(u.Role), Audience: string(a)})
}
