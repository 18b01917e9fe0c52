package bridge

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"fieldnotes/app/fileout"
	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncclient"
)

// Product is the product manager's area: the ranked hypothesis list, the
// author/edit form, publish, rank, decide, the hub's insights and the
// anonymised export. Reads and "announcements" go to the hub's product API
// over HTTP with the hub address and token the Sync area saved; drafts and
// ranks are ordinary records in the notebook.
//
// Where each write goes, and why:
//   - SaveHypothesis and Rank save the record locally through the store, like
//     any record: they work offline and reach the hub on the next push (the hub
//     accepts hypothesis writes from product and admin; a field user's push is
//     refused, so the screens only show for those roles).
//   - Publish and Decide go through POST /v1/hypotheses: the hub stamps
//     published_at and decided_at with its own clock, which is what time to
//     signal is measured from (a pushed hypothesis gets no hub stamp), and the
//     result is written back into the notebook so the list shows it at once.
//     They need the hub; when it cannot be reached the error says so and
//     nothing changes.
type Product struct {
	d      *Deps
	client *http.Client // shared by every ProductClient this area makes
}

// NewProduct binds the product area.
func NewProduct(d *Deps) *Product {
	return &Product{d: d, client: &http.Client{Timeout: 20 * time.Second}}
}

// meKey is where the last role the hub confirmed is kept (store local
// state, never synced), so the product screens stay available offline.
const meKey = "product/me"

// MeDTO is who the saved hub token belongs to.
type MeDTO struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"` // field, product, admin; "" when unknown
	// Audience is sales or cs as the hub's admin set it; "" lets the rep pick.
	Audience string `json:"audience"`
	Product  bool   `json:"product"` // product or admin: the product screens show
	Online   bool   `json:"online"`  // false: the hub could not be asked; the role is the last one it gave
	Message  string `json:"message"` // in words, when something is off
}

// HypothesisInput is the author/edit form. ID "" creates a new draft.
type HypothesisInput struct {
	ID        string        `json:"id"`
	Statement string        `json:"statement"`
	Rationale string        `json:"rationale"`
	Questions []QuestionDTO `json:"questions"`
	Audience  string        `json:"audience"`
	Segments  []string      `json:"segments"`
	Stages    []string      `json:"stages"`
}

// Outcome is a decided hypothesis this notebook gave evidence for: the
// field side of "your evidence moved this".
type Outcome struct {
	HypothesisID string `json:"hypothesis_id"`
	Statement    string `json:"statement"`
	Status       string `json:"status"` // validated, invalidated
	DecisionNote string `json:"decision_note"`
	DecidedAt    string `json:"decided_at"`
	Evidence     int    `json:"evidence"` // items from this notebook
	Accounts     int    `json:"accounts"` // distinct accounts among them
}

// ExportResult says where the anonymised export went.
type ExportResult struct {
	Path      string `json:"path"`
	Rows      int    `json:"rows"`
	Cancelled bool   `json:"cancelled"`
}

// Me asks the hub who the saved token belongs to. Offline it answers with
// the last role the hub gave (Online false), so a PM on a plane keeps the
// product screens; without hub settings the role is "".
func (p *Product) Me() (out MeDTO, err error) {
	defer guard(p.d.Log, "Product.Me", &err)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second) // the nav waits on it; offline answers from the cache
	defer cancel()
	hub, err := p.hub(ctx)
	if err != nil {
		out.Message = errMessage(err)
		return out, nil
	}
	who, err := hub.Me(ctx)
	if err != nil {
		cached, ok := p.cachedMe(ctx)
		if ok && !notebook.IsCode(err, notebook.Forbidden) {
			cached.Online, cached.Message = false, errMessage(err)
			return cached, nil
		}
		return MeDTO{Message: errMessage(err)}, nil
	}
	me := MeDTO{ID: who.ID, Email: who.Email, Role: who.Role, Audience: who.Audience}
	me.Product, me.Online = me.Role == "product" || me.Role == "admin", true
	if ss := p.localState(); ss != nil {
		if b, jerr := json.Marshal(me); jerr == nil {
			if perr := ss.LocalPut(ctx, meKey, b); perr != nil {
				logger(p.d.Log).Warn("product: cannot remember the role", "err", perr)
			}
		}
	}
	return me, nil
}

// ListHypotheses returns every hypothesis in the notebook in rank order
// (ranked first, then unranked drafts), with its local tally.
func (p *Product) ListHypotheses() (rows []HypothesisRow, err error) {
	defer guard(p.d.Log, "Product.ListHypotheses", &err)
	ctx := context.Background()
	hs, err := listOf[notebook.Hypothesis](ctx, p.d.Store, notebook.TypeHypothesis, Query{})
	if err != nil {
		return nil, err
	}
	notebook.SortByRank(hs)
	places := notebook.Places(hs)
	rows = make([]HypothesisRow, 0, len(hs))
	for _, h := range hs {
		row := HypothesisRow{HypothesisDTO: hypothesisDTO(h)}
		row.Place = places[h.ID]
		rows = append(rows, row)
	}
	return rows, nil
}

// SaveHypothesis creates or edits a hypothesis in the notebook (offline
// first: it reaches the hub on the next push). A new one is a draft ranked
// last; an edit keeps status, rank and the hub's timestamps. Questions
// without an id get q1, q2 … in order; without a kind, signal.
func (p *Product) SaveHypothesis(in HypothesisInput) (out HypothesisDTO, err error) {
	defer guard(p.d.Log, "Product.SaveHypothesis", &err)
	ctx := context.Background()
	var h notebook.Hypothesis
	if in.ID != "" {
		if err := p.d.Store.Get(ctx, in.ID, &h); err != nil {
			return out, err
		}
	} else {
		h = notebook.Hypothesis{ID: notebook.NewID(), Status: notebook.StatusDraft, Owner: p.d.Author}
		all, err := listOf[notebook.Hypothesis](ctx, p.d.Store, notebook.TypeHypothesis, Query{})
		if err != nil {
			return out, err
		}
		for _, x := range all {
			h.Rank = max(h.Rank, x.Rank)
		}
		h.Rank++
	}
	h.Statement, h.Rationale = strings.TrimSpace(in.Statement), strings.TrimSpace(in.Rationale)
	h.Audience = notebook.Audience(in.Audience)
	if h.Audience == "" {
		h.Audience = notebook.AudienceAll
	}
	h.Segments = cleanList(in.Segments)
	h.Stages = nil
	for _, s := range cleanList(in.Stages) {
		h.Stages = append(h.Stages, notebook.Stage(s))
	}
	h.Questions = questionsOf(in.Questions)
	if _, err := p.d.Store.Save(ctx, h); err != nil {
		return out, err
	}
	p.scheduleSync()
	return hypothesisDTO(h), nil
}

func questionsOf(in []QuestionDTO) []notebook.Question {
	used := map[string]bool{}
	for _, q := range in {
		used[q.ID] = true
	}
	out := []notebook.Question{}
	for i, q := range in {
		text := strings.TrimSpace(q.Text)
		if text == "" && q.ID == "" {
			continue // an empty row of the form
		}
		id := q.ID
		if id == "" {
			for n := i + 1; ; n++ {
				if id = fmt.Sprintf("q%d", n); !used[id] {
					break
				}
			}
			used[id] = true
		}
		kind := notebook.AnswerKind(q.Kind)
		if kind == "" {
			kind = notebook.AnswerSignal
		}
		out = append(out, notebook.Question{ID: id, Text: text, Kind: kind})
	}
	return out
}

func cleanList(in []string) []string {
	out := []string{}
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Rank gives the hypotheses ids the ranks 1, 2, 3 … in that order (the
// ranked list after a drag or Alt+↑/↓). Saved locally; syncs on the next push.
func (p *Product) Rank(ids []string) (rows []HypothesisRow, err error) {
	defer guard(p.d.Log, "Product.Rank", &err)
	ctx := context.Background()
	seen := map[string]bool{}
	var changed []notebook.Record
	for i, id := range ids {
		if seen[id] {
			return nil, notebook.Errorf(notebook.Invalid, "hypothesis %s is listed twice in the new order", id)
		}
		seen[id] = true
		var h notebook.Hypothesis
		if err := p.d.Store.Get(ctx, id, &h); err != nil {
			return nil, err
		}
		if h.Rank != i+1 {
			h.Rank = i + 1
			changed = append(changed, h)
		}
	}
	if err := p.d.Store.SaveAll(ctx, changed); err != nil { // one user action, one transaction
		return nil, err
	}
	p.scheduleSync()
	return p.ListHypotheses()
}

// Publish makes a hypothesis active through the hub, which stamps
// published_at; every notebook gets it on its next sync.
func (p *Product) Publish(id string) (out HypothesisDTO, err error) {
	defer guard(p.d.Log, "Product.Publish", &err)
	return p.announce(id, func(h *notebook.Hypothesis) error { return h.Publish() })
}

// Decide marks a hypothesis validated or invalidated with a decision note,
// through the hub, which stamps decided_at; the field sees the outcome.
func (p *Product) Decide(id, outcome, note string) (out HypothesisDTO, err error) {
	defer guard(p.d.Log, "Product.Decide", &err)
	return p.announce(id, func(h *notebook.Hypothesis) error {
		return h.Decide(notebook.HypothesisStatus(outcome), note)
	})
}

// announce changes a hypothesis, sends it whole to POST /v1/hypotheses and
// keeps the hub's answer (published_at, decided_at) in the notebook.
func (p *Product) announce(id string, change func(*notebook.Hypothesis) error) (HypothesisDTO, error) {
	ctx := context.Background()
	var h notebook.Hypothesis
	if err := p.d.Store.Get(ctx, id, &h); err != nil {
		return HypothesisDTO{}, err
	}
	if err := change(&h); err != nil {
		return HypothesisDTO{}, err
	}
	if err := h.Validate(); err != nil {
		return HypothesisDTO{}, err
	}
	hub, err := p.hub(ctx)
	if err != nil {
		return HypothesisDTO{}, err
	}
	res, err := hub.Announce(ctx, h)
	if err != nil {
		return HypothesisDTO{}, err
	}
	r := res[0]
	if r.Status != "applied" {
		code := notebook.Code(r.Code)
		if code == "" {
			code = notebook.Conflict
		}
		return HypothesisDTO{}, notebook.Errorf(code, "The hub did not take “%s”: %s", h.Statement, r.Message)
	}
	// Keep the hub's published_at. decided_at is left to the next pull: a
	// device-clock stamp saved here would be pushed and win over the hub's
	// own (the local save only pushes the fields that changed, with the
	// same values the hub already has).
	if r.PublishedAt != nil {
		t := r.PublishedAt.UTC()
		h.PublishedAt = &t
	}
	if _, err := p.d.Store.Save(ctx, h); err != nil {
		return HypothesisDTO{}, err
	}
	p.scheduleSync()
	logger(p.d.Log).Info("hypothesis announced", "id", h.ID, "status", h.Status)
	return hypothesisDTO(h), nil
}

// Insights returns the hub's roll-ups (GET /v1/insights/hypotheses), for
// one hypothesis or ("") all of them, decoded into InsightsReport
// (sync/README.md, "Product API"); an unfiltered report also tells the hub
// product has now seen the evidence in it.
func (p *Product) Insights(hypothesisID string) (out InsightsReport, err error) {
	defer guard(p.d.Log, "Product.Insights", &err)
	ctx := context.Background()
	hub, err := p.hub(ctx)
	if err != nil {
		return out, err
	}
	err = hub.Insights(ctx, hypothesisID, &out)
	return out, err
}

// ExportAnonymised asks where to save and writes the hub's anonymised CSV of
// one hypothesis's evidence (accounts, contacts and authors as stable
// pseudonyms; segment and ARR band kept), for decks and talks.
func (p *Product) ExportAnonymised(hypothesisID string) (out ExportResult, err error) {
	defer guard(p.d.Log, "Product.ExportAnonymised", &err)
	ctx := context.Background()
	if hypothesisID == "" {
		return out, notebook.Errorf(notebook.Invalid, "choose a hypothesis to export")
	}
	hub, err := p.hub(ctx)
	if err != nil {
		return out, err
	}
	csv, err := hub.AnonymisedCSV(ctx, hypothesisID)
	if err != nil {
		return out, err
	}
	dlg := p.d.Dialogs
	if dlg == nil {
		dlg = noDialogs{}
	}
	dest, err := dlg.SaveFile(ctx, "Save the anonymised evidence", "evidence-"+hypothesisID+"-anonymised.csv")
	if err != nil || dest == "" {
		return ExportResult{Cancelled: true}, err
	}
	if err := fileout.Write(dest, 0o600, func(w io.Writer) error { _, err := w.Write(csv); return err }); err != nil {
		return out, err
	}
	rows := bytes.Count(csv, []byte("\n")) - 1 // minus the header (quoted newlines make this an estimate)
	return ExportResult{Path: dest, Rows: max(rows, 0)}, nil
}

// Outcomes lists decided hypotheses this notebook holds evidence for, newest
// decision first: the field's "your evidence moved this". Local only, so it
// works offline (a field notebook only holds its own user's evidence).
func (p *Product) Outcomes() (out []Outcome, err error) {
	defer guard(p.d.Log, "Product.Outcomes", &err)
	ctx := context.Background()
	hs, err := listOf[notebook.Hypothesis](ctx, p.d.Store, notebook.TypeHypothesis, Query{})
	if err != nil {
		return nil, err
	}
	out = []Outcome{}
	for _, h := range hs {
		if h.Status != notebook.StatusValidated && h.Status != notebook.StatusInvalidated {
			continue
		}
		ev, err := listOf[notebook.Evidence](ctx, p.d.Store, notebook.TypeEvidence, Query{HypothesisID: h.ID})
		if err != nil {
			return nil, err
		}
		if len(ev) == 0 {
			continue
		}
		accounts := map[string]bool{}
		for _, e := range ev {
			if e.AccountID != "" {
				accounts[e.AccountID] = true
			}
		}
		out = append(out, Outcome{HypothesisID: h.ID, Statement: h.Statement, Status: string(h.Status),
			DecisionNote: h.DecisionNote, DecidedAt: tsp(h.DecidedAt), Evidence: len(ev), Accounts: len(accounts)})
	}
	slices.SortStableFunc(out, func(a, b Outcome) int { return strings.Compare(b.DecidedAt, a.DecidedAt) })
	return out, nil
}

func (p *Product) scheduleSync() {
	if sd := p.d.SyncArea; sd != nil && sd.Engine != nil {
		sd.Engine.ScheduleSync()
	}
}

// localState is the store's never-synced key/value state, when there is one.
type localState interface {
	LocalGet(ctx context.Context, key string) ([]byte, error)
	LocalPut(ctx context.Context, key string, value []byte) error
}

func (p *Product) localState() localState {
	if sd := p.d.SyncArea; sd != nil && sd.Store != nil {
		return sd.Store
	}
	return nil
}

func (p *Product) cachedMe(ctx context.Context) (MeDTO, bool) {
	ss := p.localState()
	if ss == nil {
		return MeDTO{}, false
	}
	b, err := ss.LocalGet(ctx, meKey)
	if err != nil {
		return MeDTO{}, false
	}
	var me MeDTO
	return me, json.Unmarshal(b, &me) == nil && me.Role != ""
}

// hub is a client for the saved hub address and token, or an error in words.
func (p *Product) hub(ctx context.Context) (*syncclient.ProductClient, error) {
	return productHub(ctx, p.d, p.client)
}

// productHub is a product-API client for the hub and token the Sync area saved.
func productHub(ctx context.Context, d *Deps, hc *http.Client) (*syncclient.ProductClient, error) {
	sd := d.SyncArea
	if sd == nil || sd.Settings == nil {
		return nil, notebook.Errorf(notebook.NotSetUp, "The product screens need a hub; this build has no sync settings.")
	}
	t, err := syncTarget(ctx, sd)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(t.url) == "" || t.token == "" {
		return nil, notebook.Errorf(notebook.NotSetUp, "No hub is set up: add the hub address and your token in Settings → Sync.")
	}
	if t.pin != "" { // a hub joined by a pinned invite: only its certificate
		hc = &http.Client{Timeout: hc.Timeout, Transport: syncclient.PinnedTransport(t.pin)}
	}
	return syncclient.NewProductClient(t.url, t.token, hc), nil
}

func errMessage(err error) string {
	var e *notebook.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Something went wrong; the details are in the log."
}
