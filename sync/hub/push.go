package hub

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

// handlePush is POST /v1/sync/push: decode strictly, bind the client, then
// decide every mutation in order inside one serialised, fsynced Update.
func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	user := userFrom(r.Context())
	body, ok := readPushBody(w, r)
	if !ok || s.guard.throttlePush(user.ID, w, len(body)) {
		return
	}
	req, err := syncproto.DecodePushRequest(body)
	if err != nil {
		writeProtoError(w, err)
		return
	}
	if err := s.bindClient(r.Context(), req.ClientID, user); err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.applyPush(r, user, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, scope := range res.touched {
		s.notify.publish(scope)
	}
	s.countResults(res.results)
	s.log.Info("push", "user", user.ID, "client", req.ClientID, "mutations", len(req.Mutations), "gap", res.gapExpected)
	if res.gapExpected != 0 {
		writeJSON(w, http.StatusConflict, syncproto.ErrorBody{Code: syncproto.CodeMutationGap, Expected: res.gapExpected,
			Message: "mutation ids must follow the last processed one without gaps; send mutation " + itoa(res.gapExpected) + " next",
			Results: res.results})
		return
	}
	writeJSON(w, http.StatusOK, syncproto.PushResponse{Results: res.results})
}

// readPushBody reads at most MaxPushBytes; a larger body is answered 413.
func readPushBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > syncproto.MaxPushBytes {
		writeError(w, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge, "push body is over 1 MiB; send fewer mutations per request")
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, syncproto.MaxPushBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, syncproto.CodeTooLarge, "push body is over 1 MiB; send fewer mutations per request")
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, "body: could not be read: "+err.Error())
		return nil, false
	}
	return body, true
}

func writeProtoError(w http.ResponseWriter, err error) {
	var pe *syncproto.Error
	if !errors.As(err, &pe) {
		writeError(w, http.StatusBadRequest, syncproto.CodeInvalid, err.Error())
		return
	}
	status := http.StatusBadRequest
	switch pe.Code {
	case syncproto.CodeTooLarge:
		status = http.StatusRequestEntityTooLarge
	case syncproto.CodeReset:
		status = http.StatusGone
	}
	writeError(w, status, pe.Code, pe.Message)
}

type pushResult struct {
	results     []syncproto.Result
	touched     []string
	gapExpected uint64
}

func (s *Server) applyPush(r *http.Request, user hubdb.User, req syncproto.PushRequest) (pushResult, error) {
	var res pushResult
	err := s.store.Update(r.Context(), pushScopes(user, req), func(tx hubdb.Tx) error {
		res = pushResult{results: make([]syncproto.Result, 0, len(req.Mutations))}
		last, err := tx.LastMutationID(req.ClientID)
		if err != nil {
			return err
		}
		if err := hubdb.Prefetch(tx, mutationIDs(req, last)); err != nil {
			return err
		}
		touched := map[string]bool{}
		for _, m := range req.Mutations {
			if m.MutationID <= last {
				dup, err := duplicateResult(tx, req.ClientID, m.MutationID)
				if err != nil {
					return err
				}
				res.results = append(res.results, dup)
				continue
			}
			if m.MutationID > last+1 {
				res.gapExpected = last + 1
				break
			}
			result, err := s.applyOne(tx, user, req.ClientID, m, touched)
			if err != nil {
				return err
			}
			res.results = append(res.results, result)
			last = m.MutationID
		}
		for scope := range touched {
			res.touched = append(res.touched, scope)
		}
		return nil
	})
	return res, err
}

// mutationIDs are the record ids of the mutations still to decide.
func mutationIDs(req syncproto.PushRequest, last uint64) []string {
	ids := make([]string, 0, len(req.Mutations))
	for _, m := range req.Mutations {
		if m.MutationID > last {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// pushScopes are the scopes a push may write: its user's (which also
// serialises the client's mutation counter) and org when it has org types.
func pushScopes(user hubdb.User, req syncproto.PushRequest) []string {
	scopes := []string{syncproto.UserScope(user.ID)}
	for _, m := range req.Mutations {
		if syncproto.OrgScoped(m.Type) {
			return append(scopes, syncproto.OrgScope)
		}
	}
	return scopes
}

func (s *Server) applyOne(tx hubdb.Tx, user hubdb.User, clientID string, m syncproto.Mutation, touched map[string]bool) (syncproto.Result, error) {
	c := &change{user: user, clientID: clientID, m: m, now: s.now()}
	o, err := s.decide(tx, c)
	if err != nil {
		return syncproto.Result{}, err
	}
	if err := tx.Apply(clientID, m.MutationID, o.write); err != nil {
		return syncproto.Result{}, err
	}
	switch {
	case o.rejected != nil:
		r := syncproto.Result{MutationID: m.MutationID, Status: syncproto.StatusRejected, Code: string(o.rejected.Code), Message: o.rejected.Message}
		return r, saveVerdict(tx, clientID, r)
	case o.write != nil:
		touched[o.write.Scope] = true
		return syncproto.Result{MutationID: m.MutationID, Status: syncproto.StatusApplied, Seq: o.write.Seq}, nil
	}
	return syncproto.Result{MutationID: m.MutationID, Status: syncproto.StatusApplied, Seq: o.seq}, nil
}

func (s *Server) countResults(results []syncproto.Result) {
	for _, r := range results {
		s.metrics.mutations.WithLabelValues(r.Status).Inc()
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
