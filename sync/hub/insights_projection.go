package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// projection is the insights index kept in the database (document
// namespace "insights", hubdb/doc.go), so that a freshly started replica
// answers from it at once and every replica answers the same numbers.
//
// It follows the change feed with its own durable cursor: each step pulls
// a page after the cursor and folds it into per-item documents, in one
// document transaction that also advances the cursor. A hypothesis whose
// items changed is marked stale (its input version moves ahead of the
// version its roll-up was built from); refresh recomputes its roll-up from
// its item documents with the domain rules (notebook.RollupItems,
// LatestPerAccount, RevenueLinks) and stores it. A read weighs the stored
// once-per-account winners and revenue links against the current accounts
// and deals, so an ARR or deal change costs no re-read of items.
//
// Keys (namespace "insights"):
//
//	state               projState: cursor, evidence count, versions
//	item/<hyp>/<ev>     projItem: one evidence item of a hypothesis
//	where/<ev>          projWhere: the hypothesis an item is filed under
//	rec/<type>/<id>     projRec: a hypothesis, study, account, contact or opportunity
//	hyp/<hyp>           projRollup: one hypothesis's insight, weighed and priced
//	win/<hyp>/<nnnn>    projWinners: its once-per-account winners and revenue links (JSON in chunks)
//
// Steps and refreshes read the store outside their write transaction and
// commit only if the state they started from is still current (optimistic:
// the state document is read in every write transaction, so replicas
// serialise on it), which keeps Badger's document lock short.
type projection struct {
	store hubdb.Store
	seen  *seenSteps
	log   *slog.Logger

	mu    sync.Mutex // one step or refresh at a time in this process
	cache projCache
}

const (
	projNS       = "insights"
	projStateKey = "state"
	// projPage bounds one step: ≤ 3 writes per record plus the state stay
	// under hubdb.MaxDocWrites, and 1 MB of envelopes under MaxDocTxBytes.
	projPage      = 250
	projPageBytes = 1 << 20
)

// projState is the projection's cursor and bookkeeping.
type projState struct {
	After    map[string]uint64 `json:"after"`    // the change feed cursor
	Evidence int               `json:"evidence"` // live evidence items
	Inputs   map[string]uint64 `json:"inputs"`   // hyp → version of its items and record
	Built    map[string]uint64 `json:"built"`    // hyp → input version its roll-up was built from
	Rev      map[string]uint64 `json:"rev"`      // hyp → revision of its roll-up document
	Recs     uint64            `json:"recs"`     // version of the rec/ documents
	Money    uint64            `json:"money"`    // version of the accounts and deals among them
	Clock    uint64            `json:"clock"`    // source of versions and revisions
}

func (s *projState) tick() uint64 { s.Clock++; return s.Clock }

func (s *projState) stale(hyp string) bool { return s.Inputs[hyp] != s.Built[hyp] }

// projItem is one evidence item: its data as pushed, and where and when
// (seq) the hub first stored it, for first-seen.
type projItem struct {
	Scope    string          `json:"s"`
	FirstSeq uint64          `json:"q"`
	Data     json.RawMessage `json:"d"`
}

type projWhere struct {
	Hyp      string `json:"h"`
	FirstSeq uint64 `json:"q"`
}

// projRec is a small record's data; ClosedSeen (opportunities) is when the
// hub saw its status become won or lost.
type projRec struct {
	Data       json.RawMessage `json:"d"`
	ClosedSeen time.Time       `json:"c,omitzero"`
}

// projRollup is one hypothesis's stored insight, its signals weighed and
// its revenue priced against the accounts and deals of version Money (a
// read after they changed re-weighs it from projWinners, without items).
// Studies and the quotes' account names are filled at read time.
type projRollup struct {
	Insight   notebook.HypothesisInsight `json:"insight"`
	Money     uint64                     `json:"money"`
	UnseenMin map[string]uint64          `json:"unseen_min"` // scope → lowest first seq not yet seen by product
}

// projWinners is what weighing and pricing need of a hypothesis's items.
type projWinners struct {
	Latest notebook.LatestSignals `json:"latest"`
	Links  []notebook.RevenueLink `json:"links"`
}

func newProjection(store hubdb.Store, seen *seenSteps, log *slog.Logger) *projection {
	return &projection{store: store, seen: seen, log: log}
}

var errProjRaced = errors.New("insights projection: another writer moved the state")

func readProjState(r hubdb.DocReader) (projState, error) {
	st := projState{After: map[string]uint64{}, Inputs: map[string]uint64{}, Built: map[string]uint64{}, Rev: map[string]uint64{}}
	raw, ok, err := r.GetDoc(projNS, projStateKey)
	if err != nil || !ok {
		return st, err
	}
	if err := json.Unmarshal(raw, &st); err != nil {
		return st, notebook.Wrap(notebook.Internal, err, "insights projection: state document: %v", err)
	}
	for _, m := range []*map[string]uint64{&st.After, &st.Inputs, &st.Built, &st.Rev} {
		if *m == nil {
			*m = map[string]uint64{}
		}
	}
	return st, nil
}

func putJSON(tx hubdb.DocTx, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "insights projection: encode %s: %v", key, err)
	}
	return tx.PutDoc(projNS, key, raw)
}

// catchUp folds every change after the cursor into the projection.
func (p *projection) catchUp(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for {
		more, err := p.step(ctx)
		if errors.Is(err, errProjRaced) {
			continue // another replica advanced the cursor: start from its state
		}
		if err != nil || !more {
			return err
		}
	}
}

// step folds one page of the change feed; more says the feed has more.
func (p *projection) step(ctx context.Context) (more bool, err error) {
	var start projState
	if err := p.store.ViewDocs(ctx, func(r hubdb.DocReader) (err error) { start, err = readProjState(r); return err }); err != nil {
		return false, err
	}
	page, err := p.store.Pull(ctx, hubdb.PullQuery{After: start.After, Limit: projPage, MaxBytes: projPageBytes})
	if err != nil {
		return false, err
	}
	if len(page.Records) == 0 {
		return false, nil
	}
	err = p.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		st, err := readProjState(tx)
		if err != nil {
			return err
		}
		if !maps.Equal(st.After, start.After) {
			return errProjRaced
		}
		for _, raw := range page.Records {
			if err := p.apply(tx, &st, raw); err != nil {
				return err
			}
		}
		st.After = page.Next
		return putJSON(tx, projStateKey, st)
	})
	return page.HasMore, err
}

// projEnvelope is the part of an envelope the projection reads.
type projEnvelope struct {
	ID        string          `json:"id"`
	Type      string          `json:"type"`
	Scope     string          `json:"scope"`
	Seq       uint64          `json:"seq"`
	Deleted   bool            `json:"deleted"`
	Data      json.RawMessage `json:"data"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// apply folds one record version in. A version it cannot decode is logged
// and skipped: insights must never fail on one record.
func (p *projection) apply(tx hubdb.DocTx, st *projState, raw []byte) error {
	var env projEnvelope
	if err := json.Unmarshal(raw, &env); err != nil || !notebook.ValidID(env.ID) {
		p.log.Warn("insights projection: skipped a record", "err", err)
		return nil
	}
	switch env.Type {
	case "evidence":
		return p.applyEvidence(tx, st, env)
	case "hypothesis", "study", "account", "contact", "opportunity":
		switch env.Type {
		case "hypothesis":
			st.Inputs[env.ID] = st.tick()
		case "account", "opportunity":
			st.Money = st.tick()
		}
		st.Recs = st.tick()
		return p.applyRec(tx, env)
	}
	return nil
}

func (p *projection) applyRec(tx hubdb.DocTx, env projEnvelope) error {
	key := "rec/" + env.Type + "/" + env.ID
	if env.Deleted {
		return tx.DeleteDoc(projNS, key)
	}
	rec := projRec{Data: env.Data}
	if env.Type == "opportunity" {
		rec.ClosedSeen = closedSeen(tx, key, env)
	}
	return putJSON(tx, key, rec)
}

// closedSeen keeps when the hub first saw a deal won or lost: the time of
// the write that closed it, kept while it stays closed.
func closedSeen(tx hubdb.DocTx, key string, env projEnvelope) time.Time {
	var d struct {
		Status notebook.DealStatus `json:"status"`
	}
	if json.Unmarshal(env.Data, &d) != nil || d.Status != notebook.DealWon && d.Status != notebook.DealLost {
		return time.Time{}
	}
	var old projRec
	var oldData struct {
		Status notebook.DealStatus `json:"status"`
	}
	if raw, ok, _ := tx.GetDoc(projNS, key); ok && json.Unmarshal(raw, &old) == nil &&
		json.Unmarshal(old.Data, &oldData) == nil && oldData.Status == d.Status && !old.ClosedSeen.IsZero() {
		return old.ClosedSeen
	}
	return env.UpdatedAt.UTC()
}

func (p *projection) applyEvidence(tx hubdb.DocTx, st *projState, env projEnvelope) error {
	whereKey := "where/" + env.ID
	var old projWhere
	raw, had, err := tx.GetDoc(projNS, whereKey)
	if err != nil {
		return err
	}
	if had {
		if err := json.Unmarshal(raw, &old); err != nil {
			return notebook.Wrap(notebook.Internal, err, "insights projection: %s: %v", whereKey, err)
		}
		if err := tx.DeleteDoc(projNS, "item/"+old.Hyp+"/"+env.ID); err != nil {
			return err
		}
		st.Inputs[old.Hyp] = st.tick()
		st.Evidence--
	}
	if env.Deleted {
		return tx.DeleteDoc(projNS, whereKey)
	}
	var d struct {
		HypothesisID string `json:"hypothesis_id"`
	}
	if err := json.Unmarshal(env.Data, &d); err != nil || !validHypKey(d.HypothesisID) {
		p.log.Warn("insights projection: skipped an evidence record", "id", env.ID, "err", err)
		return tx.DeleteDoc(projNS, whereKey)
	}
	first := env.Seq
	if had {
		first = old.FirstSeq
	}
	if err := putJSON(tx, whereKey, projWhere{Hyp: d.HypothesisID, FirstSeq: first}); err != nil {
		return err
	}
	st.Inputs[d.HypothesisID] = st.tick()
	st.Evidence++
	return putJSON(tx, "item/"+d.HypothesisID+"/"+env.ID, projItem{Scope: env.Scope, FirstSeq: first, Data: env.Data})
}

// validHypKey: an evidence item's hypothesis id goes into keys; "" (not
// yet filed) is kept under "item//".
func validHypKey(id string) bool { return id == "" || notebook.ValidID(id) }

// refresh rebuilds the roll-up of every stale hypothesis and of those with
// items product has seen since their roll-up was built, and re-weighs those
// weighed against older accounts and deals.
func (p *projection) refresh(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.loadLocked(ctx); err != nil {
		return err
	}
	st := p.cache.state
	for hyp := range st.Inputs {
		rebuild := st.stale(hyp) || p.seenSince(hyp)
		cr := p.cache.hyps[hyp]
		if !rebuild && (cr == nil || cr.roll.Money == st.Money) {
			continue
		}
		for {
			err := p.refreshOne(ctx, hyp, rebuild)
			if !errors.Is(err, errProjRaced) {
				if err != nil {
					return err
				}
				break
			}
			rebuild = true // its items moved meanwhile
		}
	}
	return nil
}

// seenSince reports whether product has seen items of hyp that its
// cached roll-up counts as not yet seen.
func (p *projection) seenSince(hyp string) bool {
	c := p.cache.hyps[hyp]
	if c == nil {
		return false
	}
	for scope, seq := range c.roll.UnseenMin {
		if !p.seen.firstSeen(scope, seq).IsZero() {
			return true
		}
	}
	return false
}

// refreshOne rebuilds hyp's roll-up from its items (rebuild) or re-weighs
// it from its stored winners, against the current accounts and deals.
func (p *projection) refreshOne(ctx context.Context, hyp string, rebuild bool) error {
	var (
		start projState
		roll  projRollup
		win   projWinners
		has   bool
	)
	err := p.store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		var err error
		if start, err = readProjState(r); err != nil {
			return err
		}
		if p.cache.recs != start.Recs {
			if err := p.cache.loadRecs(r, p.log); err != nil {
				return err
			}
			p.cache.recs = start.Recs
		}
		h, _ := readHypothesis(r, hyp)
		if rebuild {
			obs, meta, err := readItems(r, hyp, p.seen)
			if err != nil {
				return err
			}
			has = len(obs) > 0
			roll, win = buildRollup(h, obs, meta)
		} else {
			has = true
			if err := readJSONDoc(r, "hyp/"+hyp, &roll); err != nil {
				return err
			}
			if err := readChunked(r, "win/"+hyp+"/", &win); err != nil {
				return err
			}
		}
		p.cache.weigh(h, &roll, win)
		roll.Money = start.Money
		return nil
	})
	if err != nil {
		return err
	}
	return p.store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		st, err := readProjState(tx)
		if err != nil {
			return err
		}
		if st.Inputs[hyp] != start.Inputs[hyp] || !rebuild && st.Rev[hyp] != start.Rev[hyp] {
			return errProjRaced
		}
		if !has {
			delete(st.Inputs, hyp)
			delete(st.Built, hyp)
			delete(st.Rev, hyp)
			if err := firstErr(tx.DeleteDoc(projNS, "hyp/"+hyp), putChunked(tx, "win/"+hyp+"/", nil)); err != nil {
				return err
			}
			return putJSON(tx, projStateKey, st)
		}
		if err := putJSON(tx, "hyp/"+hyp, roll); err != nil {
			return err
		}
		if rebuild {
			if err := putChunked(tx, "win/"+hyp+"/", win); err != nil {
				return err
			}
		}
		st.Built[hyp] = st.Inputs[hyp]
		st.Rev[hyp] = st.tick()
		return putJSON(tx, projStateKey, st)
	})
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// projChunk bounds one document of a value split by putChunked: the
// winners of a hypothesis cited by many thousand accounts outgrow one
// document (hubdb.MaxDocBytes).
const projChunk = 512 << 10

// putChunked replaces the value under prefix ("<prefix>0000", "…0001" …)
// with v's JSON; v nil deletes it.
func putChunked(tx hubdb.DocTx, prefix string, v any) error {
	old, err := tx.ScanDocs(projNS, prefix, hubdb.PrefixEnd(prefix), 0)
	if err != nil {
		return err
	}
	for _, d := range old {
		if err := tx.DeleteDoc(projNS, d.Key); err != nil {
			return err
		}
	}
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return notebook.Wrap(notebook.Internal, err, "insights projection: encode %s: %v", prefix, err)
	}
	for i := 0; len(raw) > 0; i++ {
		n := min(len(raw), projChunk)
		if err := tx.PutDoc(projNS, fmt.Sprintf("%s%04d", prefix, i), raw[:n]); err != nil {
			return err
		}
		raw = raw[n:]
	}
	return nil
}

// readChunked decodes the value putChunked stored under prefix (none: v
// is left as it is).
func readChunked(r hubdb.DocReader, prefix string, v any) error {
	docs, err := r.ScanDocs(projNS, prefix, hubdb.PrefixEnd(prefix), 0)
	if err != nil || len(docs) == 0 {
		return err
	}
	var raw []byte
	for _, d := range docs {
		raw = append(raw, d.Value...)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return notebook.Wrap(notebook.Internal, err, "insights projection: %s: %v", prefix, err)
	}
	return nil
}

func readJSONDoc(r hubdb.DocReader, key string, v any) error {
	raw, ok, err := r.GetDoc(projNS, key)
	if err != nil || !ok {
		return err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return notebook.Wrap(notebook.Internal, err, "insights projection: %s: %v", key, err)
	}
	return nil
}

func readHypothesis(r hubdb.DocReader, id string) (notebook.Hypothesis, bool) {
	h := notebook.Hypothesis{ID: id}
	raw, ok, err := r.GetDoc(projNS, "rec/hypothesis/"+id)
	if err != nil || !ok {
		return h, false
	}
	var rec projRec
	if json.Unmarshal(raw, &rec) != nil || json.Unmarshal(rec.Data, &h) != nil {
		return notebook.Hypothesis{ID: id}, false
	}
	h.ID = id
	return h, true
}

// readItems decodes a hypothesis's item documents into observations, with
// first-seen from the seen steps.
func readItems(r hubdb.DocReader, hyp string, seen *seenSteps) ([]notebook.Observation, []itemMeta, error) {
	prefix := "item/" + hyp + "/"
	docs, err := r.ScanDocs(projNS, prefix, hubdb.PrefixEnd(prefix), 0)
	if err != nil {
		return nil, nil, err
	}
	obs := make([]notebook.Observation, 0, len(docs))
	meta := make([]itemMeta, 0, len(docs))
	for _, d := range docs {
		var it projItem
		var ev evidenceData
		if json.Unmarshal(d.Value, &it) != nil || json.Unmarshal(it.Data, &ev) != nil {
			continue // written by a newer hub in a shape this one does not know
		}
		ev.ID = strings.TrimPrefix(d.Key, prefix)
		ev.HypothesisID = hyp
		if ev.Author == "" {
			ev.Author = ownerOf(it.Scope)
		}
		o := notebook.Observation{Evidence: ev.Evidence}
		o.ReceivedAt, _ = time.Parse(time.RFC3339Nano, ev.ReceivedAt)
		o.FirstSeenAt = seen.firstSeen(it.Scope, it.FirstSeq)
		obs = append(obs, o)
		meta = append(meta, itemMeta{scope: it.Scope, firstSeq: it.FirstSeq})
	}
	return obs, meta, nil
}

// buildRollup computes the parts of an insight that depend on the items
// and the hypothesis only (weigh adds signals and revenue).
func buildRollup(h notebook.Hypothesis, obs []notebook.Observation, meta []itemMeta) (projRollup, projWinners) {
	roll := projRollup{Insight: notebook.RollupItems(h, obs, nil, notebook.RollupLimits{}), UnseenMin: map[string]uint64{}}
	win := projWinners{Latest: notebook.LatestPerAccount(obs), Links: notebook.RevenueLinks(obs)}
	for i := range obs {
		if !obs[i].FirstSeenAt.IsZero() {
			continue
		}
		if m, ok := roll.UnseenMin[meta[i].scope]; !ok || meta[i].firstSeq < m {
			roll.UnseenMin[meta[i].scope] = meta[i].firstSeq
		}
	}
	return roll, win
}

// weigh sets the roll-up's signals and revenue from the winners and the
// cached accounts and deals.
func (c *projCache) weigh(h notebook.Hypothesis, roll *projRollup, win projWinners) {
	roll.Insight.Signals = notebook.WeighSignals(win.Latest, c.weights)
	roll.Insight.Revenue = notebook.RollupRevenue(h, win.Links, c.deals, c.closed, c.weights)
}

// ---- reading ----

// projCache is this process's decoded copy of the projection, refreshed
// by revision: only roll-ups whose revision moved, and the small records
// only when they changed, are read again.
type projCache struct {
	state    projState
	loaded   bool
	recs     uint64
	hyps     map[string]*cachedRollup
	hypRecs  map[string]notebook.Hypothesis
	studies  []notebook.Study
	accounts map[string]notebook.Account
	weights  map[string]notebook.AccountWeight
	contacts []notebook.Contact
	deals    map[string]notebook.Opportunity
	closed   map[string]time.Time
	pipes    []notebook.StudyPipeline
}

type cachedRollup struct {
	rev  uint64
	roll projRollup
}

// load brings the cache up to the stored projection.
func (p *projection) load(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.loadLocked(ctx)
}

func (p *projection) loadLocked(ctx context.Context) error {
	return p.store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		st, err := readProjState(r)
		if err != nil {
			return err
		}
		c := &p.cache
		if c.hyps == nil {
			c.hyps = map[string]*cachedRollup{}
		}
		for hyp := range c.hyps {
			if _, ok := st.Rev[hyp]; !ok {
				delete(c.hyps, hyp)
			}
		}
		for hyp, rev := range st.Rev {
			if cr := c.hyps[hyp]; cr != nil && cr.rev == rev {
				continue
			}
			raw, ok, err := r.GetDoc(projNS, "hyp/"+hyp)
			if err != nil {
				return err
			}
			cr := &cachedRollup{rev: rev}
			if ok {
				if err := json.Unmarshal(raw, &cr.roll); err != nil {
					p.log.Warn("insights projection: bad roll-up", "hypothesis", hyp, "err", err)
				}
			}
			c.hyps[hyp] = cr
		}
		if !c.loaded || c.recs != st.Recs {
			if err := c.loadRecs(r, p.log); err != nil {
				return err
			}
			c.recs = st.Recs
		}
		c.state, c.loaded = st, true
		return nil
	})
}

func (c *projCache) loadRecs(r hubdb.DocReader, log *slog.Logger) error {
	docs, err := r.ScanDocs(projNS, "rec/", hubdb.PrefixEnd("rec/"), 0)
	if err != nil {
		return err
	}
	c.hypRecs, c.accounts, c.weights = map[string]notebook.Hypothesis{}, map[string]notebook.Account{}, map[string]notebook.AccountWeight{}
	c.deals, c.closed, c.studies, c.contacts = map[string]notebook.Opportunity{}, map[string]time.Time{}, nil, nil
	for _, d := range docs {
		typ, id, _ := strings.Cut(strings.TrimPrefix(d.Key, "rec/"), "/")
		var rec projRec
		if err := json.Unmarshal(d.Value, &rec); err != nil {
			log.Warn("insights projection: bad record", "key", d.Key, "err", err)
			continue
		}
		if err := c.addRec(typ, id, rec); err != nil {
			log.Warn("insights projection: skipped a record", "id", id, "type", typ, "err", err)
		}
	}
	c.pipes = notebook.RecruitingPipelines(c.studies, c.contacts)
	return nil
}

func (c *projCache) addRec(typ, id string, rec projRec) error {
	switch typ {
	case "hypothesis":
		var h notebook.Hypothesis
		if err := json.Unmarshal(rec.Data, &h); err != nil {
			return err
		}
		h.ID = id
		c.hypRecs[id] = h
	case "study":
		var s notebook.Study
		if err := json.Unmarshal(rec.Data, &s); err != nil {
			return err
		}
		s.ID = id
		c.studies = append(c.studies, s)
	case "account":
		var a notebook.Account
		if err := json.Unmarshal(rec.Data, &a); err != nil {
			return err
		}
		a.ID = id
		c.accounts[id] = a
		c.weights[id] = notebook.AccountWeight{Segment: a.Segment, ARR: a.ARR}
	case "contact":
		var ct notebook.Contact
		if err := json.Unmarshal(rec.Data, &ct); err != nil {
			return err
		}
		ct.ID = id
		if ct.StudyID != "" {
			c.contacts = append(c.contacts, ct)
		}
	case "opportunity":
		var o notebook.Opportunity
		if err := json.Unmarshal(rec.Data, &o); err != nil {
			return err
		}
		o.ID = id
		c.deals[id] = o
		if !rec.ClosedSeen.IsZero() {
			c.closed[id] = rec.ClosedSeen
		}
	}
	return nil
}

// insight assembles one hypothesis's insight from the cache.
func (c *projCache) insight(h notebook.Hypothesis) notebook.HypothesisInsight {
	cr := c.hyps[h.ID]
	var in notebook.HypothesisInsight
	if cr == nil { // no evidence yet
		roll, win := buildRollup(h, nil, nil)
		c.weigh(h, &roll, win)
		in = roll.Insight
	} else {
		in = cr.roll.Insight
	}
	in.HypothesisID, in.Statement, in.Status, in.Rank = h.ID, h.Statement, h.Status, h.Rank
	in.Quotes = append([]notebook.Quote{}, in.Quotes...)
	notebook.FillQuoteAccounts(in.Quotes, c.accounts)
	in.Studies = studiesOf(c.pipes, h.ID)
	return in
}

// dealsNow catches the projection up and returns its deals.
func (p *projection) dealsNow(ctx context.Context) (dealBook, error) {
	if err := p.catchUp(ctx); err != nil {
		return dealBook{}, err
	}
	if err := p.load(ctx); err != nil {
		return dealBook{}, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return dealBook{deals: p.cache.deals, closed: p.cache.closed}, nil
}

// quotes reads up to limit quotes of a hypothesis from its items.
func (p *projection) quotes(ctx context.Context, hyp string, limit int) (out []notebook.Quote, total int, err error) {
	p.mu.Lock()
	accounts := p.cache.accounts
	p.mu.Unlock()
	err = p.store.ViewDocs(ctx, func(r hubdb.DocReader) error {
		obs, _, err := readItems(r, hyp, p.seen)
		out, total = notebook.Quotes(obs, accounts, limit)
		return err
	})
	return out, total, err
}

// report answers q from the cache (after catchUp, refresh and load).
func (p *projection) report(ctx context.Context, q InsightsQuery, emails map[string]string) (InsightsReport, error) {
	p.mu.Lock()
	c := &p.cache
	rep := InsightsReport{Hypotheses: []notebook.HypothesisInsight{}, Studies: c.pipes, Evidence: c.state.Evidence, Accounts: len(c.accounts)}
	if rep.Studies == nil {
		rep.Studies = []notebook.StudyPipeline{}
	}
	for _, h := range orderedHyps(c.hypRecs, q) {
		rep.Hypotheses = append(rep.Hypotheses, c.insight(h))
	}
	p.mu.Unlock()
	for i := range rep.Hypotheses {
		in := &rep.Hypotheses[i]
		if q.Quotes > 0 && in.QuotesTotal > 0 {
			quotes, total, err := p.quotes(ctx, in.HypothesisID, q.Quotes)
			if err != nil {
				return InsightsReport{}, err
			}
			in.Quotes, in.QuotesTotal = quotes, total
		}
		in.Quotes = withEmails(in.Quotes, emails)
	}
	rep.Headline = notebook.SummariseTimeToSignal(rep.Hypotheses)
	return rep, nil
}

// answer brings the projection up to the store and answers q. When
// markSeen, every item it covers counts as seen by product now (a seen
// step at the projection's cursor, before the roll-ups are refreshed, so
// this view already shows them seen).
func (p *projection) answer(ctx context.Context, q InsightsQuery, emails map[string]string, markSeen bool, now time.Time) (InsightsReport, error) {
	if err := p.catchUp(ctx); err != nil {
		return InsightsReport{}, err
	}
	if err := p.load(ctx); err != nil {
		return InsightsReport{}, err
	}
	if markSeen {
		p.mu.Lock()
		after := maps.Clone(p.cache.state.After)
		p.mu.Unlock()
		p.seen.record(after, now)
	}
	if err := p.refresh(ctx); err != nil {
		return InsightsReport{}, err
	}
	if err := p.load(ctx); err != nil {
		return InsightsReport{}, err
	}
	return p.report(ctx, q, emails)
}

// ---- the projector service ----

// InsightsProjector keeps the stored insights projection current as
// evidence arrives, so a read (on any replica) finds little to catch up.
// Readers catch up themselves before answering, so the projector only
// makes them fast, never correct; any number of replicas may run one
// (they serialise on the projection's state document).
type InsightsProjector struct {
	p     *projection
	log   *slog.Logger
	every time.Duration
}

// projectorPause spaces the projector's runs: under a stream of pushes it
// catches up twice a second rather than once per commit.
const projectorPause = 500 * time.Millisecond

// InsightsProjector returns the projector of this server's insights.
func (s *Server) InsightsProjector() *InsightsProjector {
	return &InsightsProjector{p: s.product.proj, log: s.log, every: 30 * time.Second}
}

// Serve follows the store's change hints until ctx ends, catching the
// projection up and rebuilding stale roll-ups after each; it also re-checks
// on an interval (a lost hint only delays). It returns ctx's error.
func (j *InsightsProjector) Serve(ctx context.Context) error {
	hints := j.p.store.Watch(ctx)
	tick := time.NewTicker(j.every)
	defer tick.Stop()
	for {
		err := j.p.catchUp(ctx)
		if err == nil {
			err = j.p.refresh(ctx)
		}
		if err != nil && ctx.Err() == nil {
			j.log.Warn("insights projector", "err", err)
		}
		select { // coalesce a burst of pushes into one catch-up
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(projectorPause):
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-hints:
			if !ok {
				return ctx.Err()
			}
		case <-tick.C:
		}
	}
}
