package hub

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
)

// InsightsReport is the body of GET /v1/insights/hypotheses and the output
// of `fieldhub insights --json`.
type InsightsReport struct {
	GeneratedAt time.Time                    `json:"generated_at"`
	Headline    notebook.Headline            `json:"headline"` // time to signal across the hypotheses listed
	Hypotheses  []notebook.HypothesisInsight `json:"hypotheses"`
	Studies     []notebook.StudyPipeline     `json:"studies"` // every study, including those tied to no hypothesis
	Evidence    int                          `json:"evidence"`
	Accounts    int                          `json:"accounts"`
}

// InsightsQuery narrows a report.
type InsightsQuery struct {
	HypothesisID string                    // one hypothesis; "" for all
	Status       notebook.HypothesisStatus // only this status; "" for all
	Quotes       int                       // quotes per hypothesis; 0: the cached 20
}

// MaxQuotes bounds InsightsQuery.Quotes (the export has every quote).
const MaxQuotes = 1000

// Insights answers from the insights projection in the hub store
// (catching it up first). When markSeen, every item in it counts as seen by
// product now.
func (s *Server) Insights(ctx context.Context, q InsightsQuery, markSeen bool) (InsightsReport, error) {
	p := s.product
	rep, err := p.proj.answer(ctx, q, p.userEmails(ctx), markSeen, s.now())
	rep.GeneratedAt = s.now().UTC()
	return rep, err
}

// InsightsFromStore computes a report straight from a store that no hub
// is serving (`fieldhub insights`): the same projection and roll-ups (it
// catches the stored projection up, so the next start of the hub finds it
// current), with the first-seen steps read from productDir, and no
// webhooks or follower. Reading it this way does not count as product
// seeing the evidence.
func InsightsFromStore(ctx context.Context, store hubdb.Store, productDir string, q InsightsQuery, now time.Time) (InsightsReport, error) {
	seen, err := openSeenSteps(productDir)
	if err != nil {
		return InsightsReport{}, err
	}
	defer seen.close()
	p := &product{srv: &Server{store: store}, log: slog.New(slog.DiscardHandler)}
	rep, err := newProjection(store, seen, p.log).answer(ctx, q, p.userEmails(ctx), false, now)
	rep.GeneratedAt = now.UTC()
	return rep, err
}

// userEmails maps user ids to emails, so quotes show who said it.
func (p *product) userEmails(ctx context.Context) map[string]string {
	users, err := p.srv.store.ListUsers(ctx)
	if err != nil {
		p.log.Warn("insights: list users", "err", err)
	}
	m := make(map[string]string, len(users))
	for _, u := range users {
		m[u.ID] = u.Email
	}
	return m
}

// orderedHyps lists the hypotheses q asks for in product's priority order:
// rank ascending with unranked (0) last, then published_at, then id.
func orderedHyps(hyps map[string]notebook.Hypothesis, q InsightsQuery) []notebook.Hypothesis {
	var out []notebook.Hypothesis
	for _, h := range hyps {
		if (q.HypothesisID == "" || h.ID == q.HypothesisID) && (q.Status == "" || h.Status == q.Status) {
			out = append(out, h)
		}
	}
	rankKey := func(r int) int {
		if r == 0 {
			return int(^uint(0) >> 1)
		}
		return r
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if rankKey(a.Rank) != rankKey(b.Rank) {
			return rankKey(a.Rank) < rankKey(b.Rank)
		}
		ta, tb := timeOr(a.PublishedAt), timeOr(b.PublishedAt)
		if !ta.Equal(tb) {
			return ta.Before(tb)
		}
		return a.ID < b.ID
	})
	return out
}

func timeOr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func studiesOf(pipes []notebook.StudyPipeline, hypID string) []notebook.StudyPipeline {
	out := []notebook.StudyPipeline{}
	for _, p := range pipes {
		if p.HypothesisID == hypID {
			out = append(out, p)
		}
	}
	return out
}

// withEmails shows a user's email where the author is a hub user id.
func withEmails(quotes []notebook.Quote, emails map[string]string) []notebook.Quote {
	out := slices.Clone(quotes)
	for i := range out {
		if e, ok := emails[out[i].Author]; ok {
			out[i].Author = e
		}
	}
	if out == nil {
		out = []notebook.Quote{}
	}
	return out
}

// handleInsights is GET /v1/insights/hypotheses[?hypothesis_id=…&status=…&quotes=N].
// An unfiltered view counts as product seeing every item it covers.
func (p *product) handleInsights(w http.ResponseWriter, r *http.Request) {
	q, err := parseInsightsQuery(r)
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	rep, err := p.srv.Insights(r.Context(), q, q.HypothesisID == "" && q.Status == "")
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

func parseInsightsQuery(r *http.Request) (InsightsQuery, error) {
	v := r.URL.Query()
	q := InsightsQuery{HypothesisID: v.Get("hypothesis_id"), Status: notebook.HypothesisStatus(v.Get("status"))}
	if q.HypothesisID != "" && !notebook.ValidID(q.HypothesisID) {
		return q, notebook.Errorf(notebook.Invalid, "hypothesis_id: not a valid id")
	}
	if len(q.Status) > 32 || strings.ContainsAny(string(q.Status), "\x00\n") {
		return q, notebook.Errorf(notebook.Invalid, "status: not a hypothesis status")
	}
	if s := v.Get("quotes"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxQuotes {
			return q, notebook.Errorf(notebook.Invalid, "quotes: want a whole number from 1 to %d", MaxQuotes)
		}
		q.Quotes = n
	}
	return q, nil
}
