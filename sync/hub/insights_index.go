package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// index is the in-memory copy behind exports and webhooks: every live
// hypothesis, study, account, contact and evidence item, decoded once. It
// follows the store's change log by cursor (Pull over every scope), so an
// update costs the records that changed. (Insights are answered from the
// projection kept in the store, insights_projection.go.)
//
// Why in memory: decoding 500k evidence envelopes from Badger takes
// seconds; the goal for insights is 200 ms. Memory is about 1 KB per
// evidence item. The index is rebuilt from the store at start (it is a
// cache, never the truth).
type index struct {
	store hubdb.Store
	seen  *seenSteps
	log   *slog.Logger

	// onArrive receives, in order, the evidence items new to the index
	// after each catch-up batch (webhooks). Called with mu held; must not block.
	onArrive func(arrivalBatch)

	mu       sync.Mutex
	after    map[string]uint64
	hyps     map[string]notebook.Hypothesis
	studies  map[string]notebook.Study
	accounts map[string]notebook.Account
	weights  map[string]notebook.AccountWeight // accounts' segment and ARR, kept beside them
	contacts map[string]notebook.Contact
	where    map[string]string // evidence id → hypothesis id
	byHyp    map[string]*hypItems
	unseen   map[string]map[string]string // scope → evidence id → hypothesis id, items product has not seen
	strs     map[string]string            // interned low-cardinality strings (see intern)
}

// hypItems holds one hypothesis's evidence in a slice (roll-ups scan it
// without copying) with positions for O(1) replacement and removal.
type hypItems struct {
	obs  []notebook.Observation
	meta []itemMeta
	pos  map[string]int
}

type itemMeta struct {
	scope    string
	firstSeq uint64 // the first seq the index saw this item at (first-seen)
	owner    string // user id of the scope's owner
}

// arrival is one evidence item new to the index.
type arrival struct {
	obs   notebook.Observation
	scope string
	seq   uint64
}

// arrivalBatch is what one catch-up found new, with the cursor after it.
type arrivalBatch struct {
	items []arrival
	after map[string]uint64
}

func newIndex(store hubdb.Store, seen *seenSteps, log *slog.Logger) *index {
	return &index{store: store, seen: seen, log: log, after: map[string]uint64{},
		hyps: map[string]notebook.Hypothesis{}, studies: map[string]notebook.Study{},
		accounts: map[string]notebook.Account{}, weights: map[string]notebook.AccountWeight{}, contacts: map[string]notebook.Contact{},
		where: map[string]string{}, byHyp: map[string]*hypItems{}, unseen: map[string]map[string]string{},
		strs: map[string]string{}}
}

// pullPage is how many records one catch-up read takes from the store.
const pullPage = 5000

// catchUp reads every change after the index's cursor. Readers call it
// before answering, so a push is visible to the next insights request.
func (x *index) catchUp(ctx context.Context) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.catchUpLocked(ctx)
}

func (x *index) catchUpLocked(ctx context.Context) error {
	x.applySeenLocked()
	for {
		if err := ctx.Err(); err != nil { // the hub is closing (or the reader left)
			return err
		}
		page, err := x.store.Pull(ctx, hubdb.PullQuery{After: x.after, Limit: pullPage})
		if err != nil {
			return err
		}
		var batch arrivalBatch
		for _, raw := range page.Records {
			x.applyLocked(raw, &batch)
		}
		x.after = page.Next
		if len(batch.items) > 0 && x.onArrive != nil {
			batch.after = maps.Clone(x.after)
			x.onArrive(batch)
		}
		if !page.HasMore {
			return nil
		}
	}
}

// envLite is the part of an envelope the index reads.
type envLite struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Scope     string          `json:"scope"`
	Seq       uint64          `json:"seq"`
	Deleted   bool            `json:"deleted"`
	Data      json.RawMessage `json:"data"`
	UpdatedBy string          `json:"updated_by"`
}

// applyLocked folds one record version into the index. A version it
// cannot decode (written by a newer client in a shape this hub does not
// know) is logged and skipped: insights must never fail on one record.
func (x *index) applyLocked(raw []byte, batch *arrivalBatch) {
	if isEvidence(raw) {
		x.applyEvidenceEnvelope(raw, batch)
		return
	}
	var env envLite
	if err := json.Unmarshal(raw, &env); err != nil {
		x.log.Warn("product index: bad envelope", "err", err)
		return
	}
	var err error
	switch env.Type {
	case "evidence": // not caught by isEvidence (a re-ordered envelope): decode the data apart
		var d evidenceData
		if err = json.Unmarshal(env.Data, &d); err == nil {
			x.applyEvidence(env, &d, batch)
		}
	case "hypothesis":
		err = applyRecord(env, x.hyps, func(h *notebook.Hypothesis) { h.ID = env.ID })
	case "study":
		err = applyRecord(env, x.studies, func(s *notebook.Study) { s.ID = env.ID })
	case "account":
		err = applyRecord(env, x.accounts, func(a *notebook.Account) { a.ID, a.Segment = env.ID, x.intern(a.Segment) })
		if a, ok := x.accounts[env.ID]; ok {
			x.weights[env.ID] = notebook.AccountWeight{Segment: a.Segment, ARR: a.ARR}
		} else {
			delete(x.weights, env.ID)
		}
	case "contact":
		err = applyRecord(env, x.contacts, func(c *notebook.Contact) { c.ID = env.ID })
	}
	if err != nil {
		x.log.Warn("product index: skipped a record", "id", env.ID, "type", env.Type, "err", err)
	}
}

func applyRecord[T any](env envLite, m map[string]T, setID func(*T)) error {
	if env.Deleted {
		delete(m, env.ID)
		return nil
	}
	var v T
	if err := json.Unmarshal(env.Data, &v); err != nil {
		return err
	}
	setID(&v)
	m[env.ID] = v
	return nil
}

type evidenceData struct {
	notebook.Evidence
	ReceivedAt string `json:"received_at"`
}

// isEvidence sniffs an envelope's type from its first bytes: the hub
// writes "id" then "type" first, and neither an id nor a type can hold a
// quote, so the first `"type":"` is the envelope's. Evidence is 99% of a
// hub's records; decoding its envelope and data in one pass instead of
// two (envelope, then data) cuts the index build by a third.
func isEvidence(raw []byte) bool {
	head := raw[:min(len(raw), 160)]
	i := bytes.Index(head, []byte(`"type":"`))
	return i >= 0 && bytes.HasPrefix(head[i+8:], []byte(`evidence"`))
}

// evidenceEnvelope is envLite with the evidence data decoded in place.
type evidenceEnvelope struct {
	ID      string       `json:"id"`
	Type    string       `json:"type"`
	Scope   string       `json:"scope"`
	Seq     uint64       `json:"seq"`
	Deleted bool         `json:"deleted"`
	Data    evidenceData `json:"data"`
}

func (x *index) applyEvidenceEnvelope(raw []byte, batch *arrivalBatch) {
	var ev evidenceEnvelope
	if err := json.Unmarshal(raw, &ev); err != nil || ev.Type != "evidence" {
		x.log.Warn("product index: skipped an evidence record", "err", err)
		return
	}
	x.applyEvidence(envLite{ID: ev.ID, Type: ev.Type, Scope: ev.Scope, Seq: ev.Seq, Deleted: ev.Deleted}, &ev.Data, batch)
}

// applyEvidence replaces (or removes) the item; d is its decoded data.
func (x *index) applyEvidence(env envLite, d *evidenceData, batch *arrivalBatch) {
	oldHyp, had := x.where[env.ID]
	var firstSeq uint64
	if had {
		firstSeq = x.byHyp[oldHyp].meta[x.byHyp[oldHyp].pos[env.ID]].firstSeq
		x.removeEvidence(env.ID, oldHyp)
	}
	if env.Deleted {
		return
	}
	d.ID = env.ID
	owner := ownerOf(env.Scope)
	if d.Author == "" {
		d.Author = owner
	}
	x.internEvidence(&d.Evidence)
	o := notebook.Observation{Evidence: d.Evidence}
	o.ReceivedAt, _ = time.Parse(time.RFC3339Nano, d.ReceivedAt)
	if !had {
		firstSeq = env.Seq
	}
	o.FirstSeenAt = x.seen.firstSeen(env.Scope, firstSeq)
	x.addEvidence(o, itemMeta{scope: env.Scope, firstSeq: firstSeq, owner: owner})
	if !had {
		batch.items = append(batch.items, arrival{obs: o, scope: env.Scope, seq: env.Seq})
	}
}

func ownerOf(scope string) string {
	if len(scope) > 5 && scope[:5] == "user:" {
		return scope[5:]
	}
	return ""
}

func (x *index) addEvidence(o notebook.Observation, m itemMeta) {
	h := x.byHyp[o.HypothesisID]
	if h == nil {
		h = &hypItems{pos: map[string]int{}}
		x.byHyp[o.HypothesisID] = h
	}
	h.pos[o.ID] = len(h.obs)
	h.obs = append(h.obs, o)
	h.meta = append(h.meta, m)
	x.where[o.ID] = o.HypothesisID
	if o.FirstSeenAt.IsZero() {
		if x.unseen[m.scope] == nil {
			x.unseen[m.scope] = map[string]string{}
		}
		x.unseen[m.scope][o.ID] = o.HypothesisID
	}
}

// removeEvidence swaps the item with the last one and shrinks the slice.
func (x *index) removeEvidence(id, hypID string) {
	h := x.byHyp[hypID]
	i, last := h.pos[id], len(h.obs)-1
	if u := x.unseen[h.meta[i].scope]; u != nil {
		delete(u, id)
	}
	h.obs[i], h.meta[i] = h.obs[last], h.meta[last]
	h.pos[h.obs[i].ID] = i
	h.obs, h.meta = h.obs[:last], h.meta[:last]
	delete(h.pos, id)
	delete(x.where, id)
	if len(h.obs) == 0 {
		delete(x.byHyp, hypID)
	}
}

// applySeenLocked stamps first_seen_at on unseen items covered by the
// steps recorded since the last call.
func (x *index) applySeenLocked() {
	for _, st := range x.seen.drain() {
		for id, hypID := range x.unseen[st.Scope] {
			h := x.byHyp[hypID]
			i := h.pos[id]
			if h.meta[i].firstSeq > st.Seq {
				continue
			}
			h.obs[i].FirstSeenAt = st.At
			delete(x.unseen[st.Scope], id)
		}
	}
}

// markAllSeen records a seen step at the index's cursor: a product user
// has just been shown everything the index holds (insights, exports).
func (x *index) markAllSeen(at time.Time) {
	x.mu.Lock()
	after := maps.Clone(x.after)
	x.mu.Unlock()
	x.seen.record(after, at)
}

// firstSeen is seenSteps.firstSeenLocked under the steps' lock.
func (s *seenSteps) firstSeen(scope string, seq uint64) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.firstSeenLocked(scope, seq)
}

// internEvidence makes the item's low-cardinality strings (account,
// hypothesis, author, signal, role, currency …) share one copy each. The
// roll-ups hash these strings for every item; decoded from JSON, each
// would sit in its own allocation and cost a cache miss — interned, the
// few thousand distinct values stay hot. It halves a full recompute.
func (x *index) internEvidence(e *notebook.Evidence) {
	e.AccountID = x.intern(e.AccountID)
	e.HypothesisID = x.intern(e.HypothesisID)
	e.Author = x.intern(e.Author)
	e.Signal = notebook.Signal(x.intern(string(e.Signal)))
	e.AuthorRole = notebook.Audience(x.intern(string(e.AuthorRole)))
	if e.WTP != nil {
		e.WTP.Currency, e.WTP.Period = x.intern(e.WTP.Currency), x.intern(e.WTP.Period)
	}
}

func (x *index) intern(s string) string {
	if s == "" || len(s) > 64 {
		return s
	}
	if v, ok := x.strs[s]; ok {
		return v
	}
	x.strs[s] = s
	return s
}
