package bridge

import "context"

// InsightAccounts asks the hub for the accounts behind one count on
// Insights (GET /v1/insights/accounts): a signal of a hypothesis, within a
// segment or an author role when given, decoded into InsightAccounts (the
// hub's InsightAccounts in sync/hub/insights_accounts.go), like Insights.
func (p *Product) InsightAccounts(hypothesisID, signal, segment, role string) (out InsightAccounts, err error) {
	defer guard(p.d.Log, "Product.InsightAccounts", &err)
	ctx := context.Background()
	hub, err := p.hub(ctx)
	if err != nil {
		return out, err
	}
	err = hub.InsightAccounts(ctx, hypothesisID, signal, segment, role, &out)
	return out, err
}
