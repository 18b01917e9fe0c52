package bridge

import (
	"context"
	"net/url"
	"strings"

	"fieldnotes/app/notebook"
)

// Search is the Ctrl/Cmd+K palette.
type Search struct{ d *Deps }

// NewSearch binds the search area.
func NewSearch(d *Deps) *Search { return &Search{d} }

// Query searches every record type and says where each hit opens.
func (s *Search) Query(q string, limit int) (hits []SearchHit, err error) {
	defer guard(s.d.Log, "Search.Query", &err)
	hits = []SearchHit{}
	q = strings.TrimSpace(q)
	if q == "" {
		return hits, nil
	}
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	ctx := context.Background()
	found, err := s.d.Store.Search(ctx, q, limit)
	if err != nil {
		return nil, err
	}
	for _, h := range found {
		hits = append(hits, SearchHit{Type: string(h.Type), ID: h.ID, Title: h.Title, Snippet: h.Snippet, Score: h.Score, Route: s.route(ctx, h)})
	}
	return hits, nil
}

// Indexing says whether search is still catching up after a large sync,
// so the palette can say results may be missing instead of "nothing found".
func (s *Search) Indexing() (ix SearchIndexing, err error) {
	defer guard(s.d.Log, "Search.Indexing", &err)
	n := s.d.Store.IndexLag()
	return SearchIndexing{Indexing: n > 0, Pending: int(min(n, 1<<31-1))}, nil
}

// SearchIndexing is how far the search index lags behind the notebook.
type SearchIndexing struct {
	Indexing bool `json:"indexing"`
	Pending  int  `json:"pending"` // changes not yet searchable
}

// route is the screen a hit opens: evidence opens its call, a contact or a
// deal its account, an email the reader.
func (s *Search) route(ctx context.Context, h Hit) string {
	switch h.Type {
	case notebook.TypeAccount:
		return "#/accounts/" + h.ID
	case notebook.TypeCall:
		return "#/calls/" + h.ID
	case notebook.TypeHypothesis:
		return "#/hypotheses/" + h.ID
	case notebook.TypeStudy:
		return "#/recruiting/" + h.ID
	case notebook.TypeContact:
		var c notebook.Contact
		if s.d.Store.Get(ctx, h.ID, &c) == nil && c.AccountID != "" {
			return "#/accounts/" + c.AccountID
		}
	case notebook.TypeOpportunity: // a deal opens its account's brief, where deals are edited
		var o notebook.Opportunity
		if s.d.Store.Get(ctx, h.ID, &o) == nil && o.AccountID != "" {
			return "#/accounts/" + o.AccountID
		}
	case notebook.TypeEvidence:
		var e notebook.Evidence
		if s.d.Store.Get(ctx, h.ID, &e) == nil {
			if e.CallID != "" {
				return "#/calls/" + e.CallID
			}
			return "#/hypotheses/" + e.HypothesisID
		}
	case notebook.TypeEmail:
		return "#/inbox/" + url.PathEscape(h.ID) // the reader, beside the inbox
	}
	return "#/home"
}
