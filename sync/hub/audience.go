package hub

import (
	"context"
	"net/http"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// A field user's audience — sales or customer success — is set by an
// admin on the hub (issue 16.2), so the roll-up by role counts what the
// organisation says a person does, not what a laptop claims. It lives in
// the documents namespace "audience", keyed by user id: no schema change,
// the same on Badger and PostgreSQL.
const audienceNS = "audience"

// SetAudience records userID's audience ("" clears it). The user must
// exist and not be revoked.
func SetAudience(ctx context.Context, store hubdb.Store, userID string, a notebook.Audience) error {
	if a != "" && a != notebook.AudienceSales && a != notebook.AudienceCS {
		return notebook.Errorf(notebook.Invalid, "audience: want \"sales\", \"cs\" or \"\" (clear), not %q", a)
	}
	users, err := store.ListUsers(ctx)
	if err != nil {
		return err
	}
	found := false
	for _, u := range users {
		found = found || (u.ID == userID && !u.Revoked)
	}
	if !found {
		return notebook.Errorf(notebook.NotFound, "no live user has the id %q", userID)
	}
	return store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		if a == "" {
			return tx.DeleteDoc(audienceNS, userID)
		}
		return tx.PutDoc(audienceNS, userID, []byte(a))
	})
}

// AudienceOf is userID's audience as an admin set it, "" when unset.
func AudienceOf(ctx context.Context, store hubdb.Store, userID string) (notebook.Audience, error) {
	var a notebook.Audience
	err := store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		v, ok, err := r.GetDoc(audienceNS, userID)
		if ok {
			a = notebook.Audience(v)
		}
		return err
	})
	return a, err
}

// handleSetAudience is PUT /v1/admin/users/{id}/audience {"audience":"sales"|"cs"|""}.
func (s *Server) handleSetAudience(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Audience notebook.Audience `json:"audience"`
	}
	if err := readJSONBody(w, r, 4<<10, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	id := r.PathValue("id")
	if err := SetAudience(r.Context(), s.store, id, req.Audience); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("audience set", "id", id, "audience", req.Audience, "by", userFrom(r.Context()).ID)
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "audience": string(req.Audience)})
}
