package notebook

import (
	"math"
	"time"
)

// TypeOpportunity is a deal: revenue waiting on an account (sync-protocol.md).
const TypeOpportunity Type = "opportunity"

// DealStatus is where a deal ended up: still open, won or lost.
type DealStatus string

// Deal statuses.
const (
	DealOpen DealStatus = "open"
	DealWon  DealStatus = "won"
	DealLost DealStatus = "lost"
)

// DealStatuses lists every status, for validation and the UI.
var DealStatuses = []DealStatus{DealOpen, DealWon, DealLost}

// Impact says what an evidence item means for revenue: the deal is stuck on
// it, a renewal is at risk, an upsell depends on it, or it is nice to have.
type Impact string

// Impacts, in the order the capture screen offers them.
const (
	ImpactBlocker    Impact = "blocker"
	ImpactRetention  Impact = "retention"
	ImpactExpansion  Impact = "expansion"
	ImpactNiceToHave Impact = "nice_to_have"
)

// Impacts lists every impact, for validation and the UI.
var Impacts = []Impact{ImpactBlocker, ImpactRetention, ImpactExpansion, ImpactNiceToHave}

// Opportunity is a deal on an account, usually imported from the CRM.
// CRMIDs are "vendor:id" strings (e.g. "salesforce:0065g00000XyZ"), kept so
// a re-import finds the same deal.
type Opportunity struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	AccountID  string     `json:"account_id"`
	Amount     float64    `json:"amount"`
	Currency   string     `json:"currency"`
	Stage      string     `json:"stage"` // the CRM's own stage name, e.g. "Negotiation/Review"
	Status     DealStatus `json:"status"`
	CloseDate  *time.Time `json:"close_date"`
	LostReason string     `json:"lost_reason"`
	Owner      string     `json:"owner"`
	CRMIDs     []string   `json:"crm_ids"`
}

// RecordType says which record type Opportunity is.
func (Opportunity) RecordType() Type { return TypeOpportunity }

// RecordID is the Opportunity's id.
func (o Opportunity) RecordID() string { return o.ID }

// Validate checks every field and names each problem.
func (o Opportunity) Validate() error {
	p := NewProblems("opportunity")
	checkID(p, "id", o.ID, true)
	checkText(p, "name", o.Name, MaxShortText, true)
	checkID(p, "account_id", o.AccountID, true)
	if o.Amount < 0 || math.IsNaN(o.Amount) || math.IsInf(o.Amount, 0) || o.Amount > 1e12 {
		p.Add("amount", "must be a number between 0 and 1e12")
	}
	if o.Currency != "" && (len(o.Currency) != 3 || o.Currency != upperASCII(o.Currency)) {
		p.Add("currency", "%q must be a three-letter code such as EUR", o.Currency)
	}
	checkText(p, "stage", o.Stage, MaxShortText, false)
	checkEnum(p, "status", o.Status, DealStatuses, false)
	checkTime(p, "close_date", o.CloseDate)
	checkText(p, "lost_reason", o.LostReason, MaxShortText, false)
	checkText(p, "owner", o.Owner, MaxShortText, false)
	checkCRMIDs(p, o.CRMIDs)
	return p.Err()
}

// checkCRMIDs accepts "vendor:id" strings only.
func checkCRMIDs(p *Problems, ids []string) {
	for _, id := range ids {
		vendor, rest, ok := cutColon(id)
		if !ok || vendor == "" || rest == "" || len(id) > MaxShortText {
			p.Add("crm_ids", "%q must look like vendor:id, e.g. salesforce:0015g00000AbCdE", id)
		}
	}
}

func cutColon(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == ':' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
