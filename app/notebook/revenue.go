package notebook

import "time"

// The revenue waiting on a hypothesis (issue 11): what the deals and accounts
// that cite it are worth, kept apart by currency, each deal counted once
// however many evidence items of it cite the hypothesis. The roll-up that
// fills these lives beside them in this package.

// Money is a sum in one currency and how many deals (or accounts) make it.
type Money struct {
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Count    int     `json:"count"`
}

// StageMoney is the open pipeline in one CRM stage.
type StageMoney struct {
	Stage    string  `json:"stage"`
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Count    int     `json:"count"`
}

// TimeToRevenue runs from the hypothesis's decision (validated) and from its
// publication to the first won deal that cites it. Nil seconds: not yet.
type TimeToRevenue struct {
	FirstWonDealID      string     `json:"first_won_deal_id,omitempty"`
	FirstWonAt          *time.Time `json:"first_won_at,omitempty"`
	FromDecisionSeconds *float64   `json:"from_decision_seconds"`
	FromPublishSeconds  *float64   `json:"from_publish_seconds"`
}

// HypothesisRevenue is the commercial weight of one hypothesis.
type HypothesisRevenue struct {
	OpenPipeline      []Money       `json:"open_pipeline"`     // open deals citing it, per currency
	PipelineByStage   []StageMoney  `json:"pipeline_by_stage"` // the same, per stage
	ARRAtRisk         []Money       `json:"arr_at_risk"`       // impact retention
	ExpansionARR      []Money       `json:"expansion_arr"`     // impact expansion
	WonAfterDecision  []Money       `json:"won_after_decision"`
	LostAfterDecision []Money       `json:"lost_after_decision"`
	TimeToRevenue     TimeToRevenue `json:"time_to_revenue"`
}
