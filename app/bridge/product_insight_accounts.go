package bridge

import (
	"context"
	"net/http"
	"net/url"
)

// InsightAccounts asks the hub for the accounts behind one count on
// Insights (GET /v1/insights/accounts): a signal of a hypothesis, within a
// segment or an author role when given. The hub's JSON goes through as it
// is (InsightAccounts in sync/hub/insights_accounts.go), like Insights.
func (p *Product) InsightAccounts(hypothesisID, signal, segment, role string) (out map[string]any, err error) {
	defer guard(p.d.Log, "Product.InsightAccounts", &err)
	ctx := context.Background()
	base, token, err := p.target(ctx)
	if err != nil {
		return nil, err
	}
	q := url.Values{"hypothesis_id": {hypothesisID}}
	for k, v := range map[string]string{"signal": signal, "segment": segment, "role": role} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if err := p.do(ctx, base, token, http.MethodGet, "/v1/insights/accounts?"+q.Encode(), nil, &out); err != nil {
		return nil, err
	}
	return out, nil
}
