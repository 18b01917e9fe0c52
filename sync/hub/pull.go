package hub

import (
	"bufio"
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/syncproto"
)

type pullParams struct {
	clientID string
	limit    int
	wait     time.Duration
	cursor   syncproto.Cursor
}

// handlePull is GET /v1/sync/pull: one page of the caller's readable
// scopes after the cursor, long-polling when wait > 0 and nothing is new.
func (s *Server) handlePull(w http.ResponseWriter, r *http.Request) {
	user := userFrom(r.Context())
	p, err := parsePull(r)
	if err != nil {
		writeProtoError(w, err)
		return
	}
	if p.clientID != "" {
		if err := s.bindClient(r.Context(), p.clientID, user); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	scopes := readableScopes(user)
	after, err := s.checkCursor(r, p.cursor, scopes)
	if err != nil {
		if pe, ok := err.(*syncproto.Error); ok {
			writeProtoError(w, pe)
		} else {
			s.fail(w, r, err)
		}
		return
	}
	page, ok, err := s.waitForPage(r, user, hubdb.PullQuery{Scopes: scopes, After: after, Limit: p.limit, ClientID: p.clientID}, p.wait)
	if err != nil {
		s.fail(w, r, err) // e.g. 503 while the database is unreachable
		return
	}
	if !ok {
		return
	}
	s.writePage(w, page, s.remaining(r.Context(), scopes, after, page))
}

// remaining estimates the record versions still to come after page: the
// readable scopes' heads minus where the page leaves off. Each seq is one
// version and a pull sends only a record's newest, so the true count is at
// most this; it is for a progress bar, and an error only loses the estimate.
func (s *Server) remaining(ctx context.Context, scopes []string, after map[string]uint64, page hubdb.PullPage) uint64 {
	if !page.HasMore {
		return 0
	}
	heads, _, err := s.store.Heads(ctx)
	if err != nil {
		return 0
	}
	var n uint64
	for scope, head := range heads {
		if scopes != nil && !slices.Contains(scopes, scope) {
			continue
		}
		at, ok := page.Next[scope]
		if !ok {
			at = after[scope]
		}
		if head > at {
			n += head - at
		}
	}
	return n
}

func parsePull(r *http.Request) (pullParams, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return pullParams{}, &syncproto.Error{Code: syncproto.CodeInvalid, Message: "query: not valid URL encoding: " + err.Error()}
	}
	p := pullParams{clientID: q.Get("client_id"), limit: syncproto.DefaultPullLimit}
	if p.clientID != "" && !syncproto.ValidClientID(p.clientID) {
		return p, &syncproto.Error{Code: syncproto.CodeInvalid, Message: "client_id: want 1-128 characters of letters, digits, '-', '_', '.', ':'"}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, &syncproto.Error{Code: syncproto.CodeInvalid, Message: "limit: want a whole number of 1 or more, got " + strconv.Quote(v)}
		}
		p.limit = min(n, syncproto.MaxPullLimit)
	}
	if v := q.Get("wait"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs < 0 || math.IsNaN(secs) {
			return p, &syncproto.Error{Code: syncproto.CodeInvalid, Message: "wait: want seconds (0 or more), got " + strconv.Quote(v)}
		}
		p.wait = time.Duration(min(secs, syncproto.MaxWaitSeconds) * float64(time.Second))
	}
	c, err := syncproto.DecodeCursor(q.Get("cursor"))
	p.cursor = c
	return p, err
}

// readableScopes: field users read org and their own scope; nil means all.
func readableScopes(u hubdb.User) []string {
	if u.Role.ReadsAll() {
		return nil
	}
	return []string{syncproto.OrgScope, syncproto.UserScope(u.ID)}
}

// checkCursor answers "reset" for cursors this hub cannot serve: another
// epoch, a seq beyond a scope's head (a restored backup), or a seq older
// than a scope's tombstone horizon. It keeps only readable scopes.
func (s *Server) checkCursor(r *http.Request, c syncproto.Cursor, scopes []string) (map[string]uint64, error) {
	after := map[string]uint64{}
	if c.Epoch == "" {
		return after, nil
	}
	if c.Epoch != s.store.Epoch() {
		return nil, &syncproto.Error{Code: syncproto.CodeReset, Message: "cursor: from another hub instance; download again and replay the outbox"}
	}
	heads, horizons, err := s.store.Heads(r.Context())
	if err != nil {
		return nil, err
	}
	for scope, seq := range c.Seqs {
		if scopes != nil && scope != scopes[0] && scope != scopes[1] {
			continue
		}
		if seq > heads[scope] || seq > 0 && seq < horizons[scope] {
			return nil, &syncproto.Error{Code: syncproto.CodeReset, Message: "cursor: scope " + scope + " can no longer be served from this cursor; download again and replay the outbox"}
		}
		after[scope] = seq
	}
	return after, nil
}

// waitForPage reads a page; when it is empty and wait > 0 it sleeps until
// a readable scope changes, the wait ends, the client leaves or the hub
// closes. ok is false when the client left (nothing to write). Besides
// wake-ups (this process's commits, and other replicas' through
// FollowChanges) it re-reads every recheckInterval, so a lost change hint
// only delays an answer.
func (s *Server) waitForPage(r *http.Request, user hubdb.User, q hubdb.PullQuery, wait time.Duration) (hubdb.PullPage, bool, error) {
	keys := []string{allScopes}
	if q.Scopes != nil {
		keys = q.Scopes
	}
	var deadline <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		deadline = t.C
	}
	for {
		woke, unsubscribe := s.notify.subscribe(keys)
		page, err := s.store.Pull(r.Context(), q)
		if err != nil || len(page.Records) > 0 || wait <= 0 {
			unsubscribe()
			return page, err == nil, err
		}
		s.metrics.waiting.Inc()
		recheck := time.NewTimer(recheckInterval)
		select {
		case <-woke:
		case <-recheck.C:
		case <-deadline:
			wait = 0
		case <-s.closing:
			wait = 0
		case <-r.Context().Done():
			recheck.Stop()
			s.metrics.waiting.Dec()
			unsubscribe()
			return page, false, nil
		}
		recheck.Stop()
		s.metrics.waiting.Dec()
		unsubscribe()
	}
}

// recheckInterval bounds how long a long-poll waits without reading again
// when no hint arrives (a hint lost between replicas only delays).
const recheckInterval = 5 * time.Second

// writePage streams the stored envelope bytes without re-encoding them.
func (s *Server) writePage(w http.ResponseWriter, page hubdb.PullPage, remaining uint64) {
	seqs := map[string]uint64{}
	for scope, n := range page.Next {
		if n > 0 {
			seqs[scope] = n
		}
	}
	cursor, _ := json.Marshal(syncproto.EncodeCursor(syncproto.Cursor{Epoch: s.store.Epoch(), Seqs: seqs}))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(`{"records":[`)
	for i, rec := range page.Records {
		if i > 0 {
			bw.WriteByte(',')
		}
		bw.Write(rec)
	}
	bw.WriteString(`],"cursor":`)
	bw.Write(cursor)
	bw.WriteString(`,"has_more":` + strconv.FormatBool(page.HasMore))
	if remaining > 0 {
		bw.WriteString(`,"remaining":` + strconv.FormatUint(remaining, 10))
	}
	bw.WriteString(`,"last_mutation_id":` + strconv.FormatUint(page.LastMutationID, 10) + "}\n")
	_ = bw.Flush()
}
