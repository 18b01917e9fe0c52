package bridge

// The hub's insights as the UI reads them (GET /v1/insights/hypotheses and
// /v1/insights/accounts, sync/README.md "Product API"). They mirror the
// notebook roll-ups (notebook.HypothesisInsight and friends) field for
// field, with times as RFC 3339 strings like every other DTO, so the
// generated frontend models are typed instead of a map[string]any. A nil
// pointer is JSON null: "not yet" or "unknown".

// InsightsReport is Product.Insights' answer.
type InsightsReport struct {
	GeneratedAt string              `json:"generated_at"`
	Evidence    int                 `json:"evidence"`
	Accounts    int                 `json:"accounts"`
	Headline    Headline            `json:"headline"`
	Studies     []StudyPipeline     `json:"studies"`
	Hypotheses  []HypothesisInsight `json:"hypotheses"`
}

// Headline is time to signal across the hypotheses listed.
type Headline struct {
	Hypotheses    int          `json:"hypotheses"`
	FirstEvidence StageSummary `json:"first_evidence"`
	FiveAccounts  StageSummary `json:"five_accounts"`
	FirstSeen     StageSummary `json:"first_seen_by_product"`
	Decided       StageSummary `json:"decided"`
	EdgeToHubP50  StageSummary `json:"edge_to_hub_p50"`
	EdgeToHubP95  StageSummary `json:"edge_to_hub_p95"`
}

// StageSummary is the median time to one stage and how many reached it.
type StageSummary struct {
	MedianSeconds *float64 `json:"median_seconds"`
	Reached       int      `json:"reached"`
}

// HypothesisInsight is one hypothesis's roll-up.
type HypothesisInsight struct {
	HypothesisID string          `json:"hypothesis_id"`
	Statement    string          `json:"statement"`
	Status       string          `json:"status"`
	Rank         int             `json:"rank"`
	Signals      SignalRollup    `json:"signals"`
	WTP          []WTPStats      `json:"wtp"`
	Capabilities []Mention       `json:"capabilities"`
	Blockers     []Mention       `json:"blockers"`
	Quotes       []Quote         `json:"quotes"`
	QuotesTotal  int             `json:"quotes_total"`
	Studies      []StudyPipeline `json:"studies"`
	TimeToSignal TimeToSignal    `json:"time_to_signal"`
	// Revenue is absent from a hub that does not compute it yet.
	Revenue *HypothesisRevenue `json:"revenue,omitempty"`
}

// SignalCounts is one SignalCount per signal kind (supports, refutes, …).
type SignalCounts map[string]SignalCount

// SignalRollup counts accounts (the latest item of each) per signal.
type SignalRollup struct {
	Overall SignalCounts `json:"overall"`
	// ts_type: the generator types a map of maps as Record<string, any>.
	BySegment    map[string]SignalCounts `json:"by_segment" ts_type:"Record<string, Record<string, SignalCount>>"` // "" is "no segment"
	ByRole       map[string]SignalCounts `json:"by_role" ts_type:"Record<string, Record<string, SignalCount>>"`    // sales, cs, "" (unknown)
	Accounts     int                     `json:"accounts"`
	ARR          float64                 `json:"arr"`
	Unattributed map[string]int          `json:"unattributed"` // items without an account, per signal
	Items        int                     `json:"items"`
}

// SignalCount is how many accounts said one thing and what they are worth.
type SignalCount struct {
	Accounts int     `json:"accounts"`
	ARR      float64 `json:"arr"`
}

// WTPStats is the spread of stated willingness to pay in one currency and period.
type WTPStats struct {
	Currency string  `json:"currency"`
	Period   string  `json:"period"`
	N        int     `json:"n"`
	Accounts int     `json:"accounts"`
	Min      float64 `json:"min"`
	Q1       float64 `json:"q1"`
	Median   float64 `json:"median"`
	Q3       float64 `json:"q3"`
	Max      float64 `json:"max"`
}

// Mention is a capability or blocker and how often it came up.
type Mention struct {
	Text     string `json:"text"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	Accounts int    `json:"accounts"`
}

// Quote is one quote on Insights.
type Quote struct {
	EvidenceID  string `json:"evidence_id"`
	Quote       string `json:"quote"`
	Signal      string `json:"signal"`
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Segment     string `json:"segment"`
	Author      string `json:"author"`
	AuthorRole  string `json:"author_role"`
	CapturedAt  string `json:"captured_at"`
}

// StudyPipeline is a study's contacts per recruiting status.
type StudyPipeline struct {
	StudyID      string         `json:"study_id"`
	Title        string         `json:"title"`
	HypothesisID string         `json:"hypothesis_id"`
	Status       string         `json:"status"`
	TargetCount  int            `json:"target_count"`
	Counts       map[string]int `json:"counts"`
	DoNotContact int            `json:"do_not_contact"`
}

// Milestone is when a stage was reached (nil: not yet) and how long after publishing.
type Milestone struct {
	At      *string  `json:"at"`
	Seconds *float64 `json:"seconds"`
}

// Delay is the spread of one delay over the items.
type Delay struct {
	N          int     `json:"n"`
	P50Seconds float64 `json:"p50_seconds"`
	P95Seconds float64 `json:"p95_seconds"`
	MaxSeconds float64 `json:"max_seconds"`
}

// TimeToSignal is how fast a published hypothesis got its evidence.
type TimeToSignal struct {
	PublishedAt        *string   `json:"published_at"`
	FirstEvidence      Milestone `json:"first_evidence"`
	FiveAccounts       Milestone `json:"five_accounts"`
	FirstSeenByProduct Milestone `json:"first_seen_by_product"`
	Decided            Milestone `json:"decided"`
	EdgeToHub          Delay     `json:"edge_to_hub"`
	HubToProduct       Delay     `json:"hub_to_product"`
	SeenByProduct      int       `json:"seen_by_product"`
	NotYetSeen         int       `json:"not_yet_seen"`
	AccountsSoFar      int       `json:"accounts_so_far"`
	AccountsGoal       int       `json:"accounts_goal"`
}

// HypothesisRevenue is the deals citing a hypothesis (notebook.HypothesisRevenue).
// The lists are null when no deal counts (ts_type says so: the generator
// types a slice as never null).
type HypothesisRevenue struct {
	OpenPipeline      []Money       `json:"open_pipeline" ts_type:"Money[] | null"`
	PipelineByStage   []StageMoney  `json:"pipeline_by_stage" ts_type:"StageMoney[] | null"`
	ARRAtRisk         []Money       `json:"arr_at_risk" ts_type:"Money[] | null"`
	ExpansionARR      []Money       `json:"expansion_arr" ts_type:"Money[] | null"`
	WonAfterDecision  []Money       `json:"won_after_decision" ts_type:"Money[] | null"`
	LostAfterDecision []Money       `json:"lost_after_decision" ts_type:"Money[] | null"`
	TimeToRevenue     TimeToRevenue `json:"time_to_revenue"`
}

// Money is a sum in one currency and how many deals make it.
type Money struct {
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Count    int     `json:"count"`
}

// StageMoney is Money within one deal stage.
type StageMoney struct {
	Stage    string  `json:"stage"`
	Currency string  `json:"currency"`
	Amount   float64 `json:"amount"`
	Count    int     `json:"count"`
}

// TimeToRevenue is how long until the first won deal citing the hypothesis.
type TimeToRevenue struct {
	FirstWonDealID      string   `json:"first_won_deal_id,omitempty"`
	FirstWonAt          string   `json:"first_won_at,omitempty"`
	FromDecisionSeconds *float64 `json:"from_decision_seconds"`
	FromPublishSeconds  *float64 `json:"from_publish_seconds"`
}

// InsightAccounts is Product.InsightAccounts' answer: the accounts behind one count.
type InsightAccounts struct {
	HypothesisID string          `json:"hypothesis_id"`
	Signal       string          `json:"signal"`
	Segment      string          `json:"segment,omitempty"`
	Role         string          `json:"role,omitempty"`
	Accounts     []AccountBehind `json:"accounts"`
	Total        int             `json:"total"`
	ARR          float64         `json:"arr"`
	Truncated    bool            `json:"truncated"`
}

// AccountBehind is one account in InsightAccounts.
type AccountBehind struct {
	AccountID string           `json:"account_id"`
	Name      string           `json:"name"`
	Segment   string           `json:"segment"`
	ARR       float64          `json:"arr"`
	Signal    string           `json:"signal"`
	Latest    EvidenceBehind   `json:"latest"`
	Quotes    []EvidenceBehind `json:"quotes"`
	CallIDs   []string         `json:"call_ids"`
	Items     int              `json:"items"`
}

// EvidenceBehind is an evidence item as a PM reads it in that list.
type EvidenceBehind struct {
	ID         string `json:"id"`
	Question   string `json:"question"`
	Signal     string `json:"signal"`
	Quote      string `json:"quote"`
	Author     string `json:"author"`
	AuthorRole string `json:"author_role"`
	CallID     string `json:"call_id"`
	CapturedAt string `json:"captured_at"`
}
