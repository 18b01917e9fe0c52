package notebook

import (
	"math"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Roll-ups: the maths behind product's Insights screen, as pure functions
// of records so the hub, the CLI and the desktop app compute the same
// figures and table tests can pin them down (issue 7).
//
// Conventions shared by every roll-up here:
//   - "Latest" means the greatest CapturedAt, ties broken by the greater
//     id. The device's capture time is what the rep saw when they asked;
//     ids break ties so every replica picks the same winner.
//   - Evidence without an account cannot be counted once per account nor
//     weighted by ARR; it is reported apart as "unattributed", never
//     silently dropped.
//   - Money is never summed across currencies or periods.

// Observation is one evidence item as the hub saw it: the item, when it
// reached the hub, and when a product person first saw it (zero: not yet).
// Time to signal is measured on these hub-side times, not on device clocks.
type Observation struct {
	Evidence
	ReceivedAt  time.Time `json:"received_at"`
	FirstSeenAt time.Time `json:"first_seen_at"`
}

// later reports whether a is later than b by captured_at, then id.
func later(a, b *Evidence) bool {
	if !a.CapturedAt.Equal(b.CapturedAt) {
		return a.CapturedAt.After(b.CapturedAt)
	}
	return a.ID > b.ID
}

// SignalCount is how many accounts said one thing and what they are worth.
type SignalCount struct {
	Accounts int     `json:"accounts"`
	ARR      float64 `json:"arr"`
}

// SignalBreakdown maps each signal to its accounts and ARR. Every signal
// is present (zero when nobody said it) so screens need no special cases.
type SignalBreakdown map[Signal]SignalCount

func newBreakdown() SignalBreakdown {
	b := SignalBreakdown{}
	for _, s := range Signals {
		b[s] = SignalCount{}
	}
	return b
}

func (b SignalBreakdown) add(s Signal, arr float64) {
	c := b[s]
	c.Accounts++
	c.ARR += arr
	b[s] = c
}

// SignalRollup is the signal picture of one hypothesis.
type SignalRollup struct {
	Overall      SignalBreakdown            `json:"overall"`
	BySegment    map[string]SignalBreakdown `json:"by_segment"` // "" is "no segment"
	ByRole       map[string]SignalBreakdown `json:"by_role"`    // sales, cs, "" (unknown)
	Accounts     int                        `json:"accounts"`
	ARR          float64                    `json:"arr"`
	Unattributed map[Signal]int             `json:"unattributed"` // items without an account
	Items        int                        `json:"items"`
}

// RollupSignals counts evidence once per account: each account's latest
// item wins, and the account counts with its ARR under that item's signal,
// overall and under its segment. ByRole repeats the count within each
// author role (an account's latest sales item and latest CS item may
// disagree; product wants to see both). accounts supplies segment and ARR;
// an unknown account counts with ARR 0 and no segment.
func RollupSignals(items []Observation, accounts map[string]Account) SignalRollup {
	return WeighSignals(LatestPerAccount(items), Weights(accounts))
}

// AccountWeight is what weighing needs of an account: 24 bytes instead of
// the whole record, so the weights of thousands of accounts stay in cache
// while every hypothesis is re-weighed.
type AccountWeight struct {
	Segment string
	ARR     float64
}

// Weights extracts the weights of accounts.
func Weights(accounts map[string]Account) map[string]AccountWeight {
	w := make(map[string]AccountWeight, len(accounts))
	for id, a := range accounts {
		w[id] = AccountWeight{Segment: a.Segment, ARR: a.ARR}
	}
	return w
}

// LatestSignals is the once-per-account half of RollupSignals: the
// winning signal of every account, overall and per author role. It
// depends only on the items, so a hub can keep it while accounts' ARR and
// segments change and only re-weigh (WeighSignals).
// Slices rather than maps: re-weighing walks them once per request for
// every hypothesis, and a slice walk is several times cheaper.
type LatestSignals struct {
	Overall      []AccountSignal // each account's latest signal, by account id
	ByRole       []AccountSignal // each (role, account)'s latest signal
	Unattributed map[Signal]int
	Items        int
}

// AccountSignal is the winning signal of one account (within one role for
// LatestSignals.ByRole).
type AccountSignal struct {
	Account string
	Role    Audience
	Signal  Signal
}

// RoleAccount keys the per-role winners while they are found.
type RoleAccount struct {
	Role    Audience
	Account string
}

// LatestPerAccount finds each account's latest signal (captured_at, then
// id). Only items with a signal the rep gave take part: a quote, a price or
// a blocker recorded without a signal says nothing about support, so it
// neither counts nor hides the account's earlier real answer (issue 16).
func LatestPerAccount(items []Observation) LatestSignals {
	return latestPerAccount(len(items), func(i int) *Evidence { return &items[i].Evidence })
}

// latestPerAccount is LatestPerAccount over any list of evidence, so the
// rep's tally (plain Evidence) and the hub's roll-up (Observation) share
// one rule without copying items.
func latestPerAccount(n int, item func(int) *Evidence) LatestSignals {
	latest := map[string]*Evidence{}
	byRole := map[RoleAccount]*Evidence{}
	l := LatestSignals{Unattributed: map[Signal]int{}, Items: n}
	for i := 0; i < n; i++ {
		e := item(i)
		if !e.HasSignal() {
			continue
		}
		if e.AccountID == "" {
			l.Unattributed[e.Signal]++
			continue
		}
		if cur := latest[e.AccountID]; cur == nil || later(e, cur) {
			latest[e.AccountID] = e
		}
		k := RoleAccount{e.AuthorRole, e.AccountID}
		if cur := byRole[k]; cur == nil || later(e, cur) {
			byRole[k] = e
		}
	}
	l.Overall = make([]AccountSignal, 0, len(latest))
	for id, e := range latest {
		l.Overall = append(l.Overall, AccountSignal{Account: id, Role: e.AuthorRole, Signal: e.Signal})
	}
	l.ByRole = make([]AccountSignal, 0, len(byRole))
	for k, e := range byRole {
		l.ByRole = append(l.ByRole, AccountSignal{Account: k.Account, Role: k.Role, Signal: e.Signal})
	}
	return l
}

// Tally is the rep's count of one hypothesis's signals: each account once,
// under its latest signal, by the same rule as product's roll-up, so the
// rep and the PM always see the same numbers for the same evidence.
type Tally struct {
	Supports     int `json:"supports"`
	Refutes      int `json:"refutes"`
	Mixed        int `json:"mixed"`
	Unclear      int `json:"unclear"`
	Accounts     int `json:"accounts"`     // accounts with a signal
	Unattributed int `json:"unattributed"` // signals given without an account
	Items        int `json:"items"`        // every evidence item, with or without a signal
}

// TallyEvidence counts items once per account by their latest signal.
func TallyEvidence(items []Evidence) Tally {
	l := latestPerAccount(len(items), func(i int) *Evidence { return &items[i] })
	t := Tally{Accounts: len(l.Overall), Items: l.Items}
	for _, w := range l.Overall {
		t.add(w.Signal)
	}
	for _, n := range l.Unattributed {
		t.Unattributed += n
	}
	return t
}

func (t *Tally) add(s Signal) {
	switch s {
	case SignalSupports:
		t.Supports++
	case SignalRefutes:
		t.Refutes++
	case SignalMixed:
		t.Mixed++
	case SignalUnclear:
		t.Unclear++
	}
}

// WeighSignals counts each account once under its winning signal with its
// ARR, overall, by segment and by role.
func WeighSignals(l LatestSignals, accounts map[string]AccountWeight) SignalRollup {
	r := SignalRollup{Overall: newBreakdown(), BySegment: map[string]SignalBreakdown{},
		ByRole: map[string]SignalBreakdown{}, Unattributed: l.Unattributed, Items: l.Items}
	for _, w := range l.Overall {
		a := accounts[w.Account]
		r.Overall.add(w.Signal, a.ARR)
		key := SegmentKey(a.Segment) // "Mid-Market" and "mid-market" are one segment
		seg := r.BySegment[key]
		if seg == nil {
			seg = newBreakdown()
			r.BySegment[key] = seg
		}
		seg.add(w.Signal, a.ARR)
		r.Accounts++
		r.ARR += a.ARR
	}
	for _, w := range l.ByRole {
		role := r.ByRole[string(w.Role)]
		if role == nil {
			role = newBreakdown()
			r.ByRole[string(w.Role)] = role
		}
		role.add(w.Signal, accounts[w.Account].ARR)
	}
	return r
}

// Quantile returns the q-quantile (0 ≤ q ≤ 1) of sorted values using
// linear interpolation between closest ranks (Hyndman & Fan type 7: the
// default of R, NumPy, and spreadsheets' QUARTILE.INC / PERCENTILE.INC).
// Chosen because it is defined for every n ≥ 1 — n=1 gives the value
// itself, n=2 interpolates between the two — never leaves the observed
// range, and a product manager can check it in a spreadsheet. NaN for an
// empty slice.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	q = min(max(q, 0), 1)
	h := q * float64(n-1)
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// WTPStats is the willingness-to-pay distribution for one currency and
// period; amounts of different currencies or periods never share a row.
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

// RollupWTP groups stated amounts by (currency, period) and gives each
// group's quartiles (Quantile, type 7). Every stated amount counts — an
// account that named two prices gave two data points — and Accounts says
// how many accounts stand behind them. Rows are ordered by n, then
// currency and period.
func RollupWTP(items []Observation) []WTPStats {
	type key struct{ cur, per string }
	amounts := map[key][]float64{}
	accounts := map[key]map[string]bool{}
	for i := range items {
		w := items[i].WTP
		if w == nil || math.IsNaN(w.Amount) || math.IsInf(w.Amount, 0) {
			continue
		}
		k := key{strings.ToUpper(w.Currency), w.Period}
		amounts[k] = append(amounts[k], w.Amount)
		if accounts[k] == nil {
			accounts[k] = map[string]bool{}
		}
		if a := items[i].AccountID; a != "" {
			accounts[k][a] = true
		}
	}
	out := make([]WTPStats, 0, len(amounts))
	for k, v := range amounts {
		sort.Float64s(v)
		out = append(out, WTPStats{Currency: k.cur, Period: k.per, N: len(v), Accounts: len(accounts[k]),
			Min: v[0], Q1: Quantile(v, 0.25), Median: Quantile(v, 0.5), Q3: Quantile(v, 0.75), Max: v[len(v)-1]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		if out[i].Currency != out[j].Currency {
			return out[i].Currency < out[j].Currency
		}
		return out[i].Period < out[j].Period
	})
	return out
}

// NormalizeMention folds free text so that "SSO ", "sso." and "Sso" count
// as one request: lower case, inner whitespace collapsed to one space,
// surrounding spaces and punctuation trimmed.
func NormalizeMention(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return strings.TrimFunc(b.String(), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

// Mention is one requested capability or blocker, by normalised text.
type Mention struct {
	Text     string `json:"text"`  // the normalised text
	Label    string `json:"label"` // the first wording seen, for display
	Count    int    `json:"count"`
	Accounts int    `json:"accounts"`
}

// TopMentions counts the normalised values of one evidence field
// (capability, blocker …) and returns the top limit, by distinct accounts,
// then items, then text. limit ≤ 0 means all.
func TopMentions(items []Observation, value func(*Evidence) string, limit int) []Mention {
	out := countMentions(items, value)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Accounts != b.Accounts {
			return a.Accounts > b.Accounts
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Text < b.Text
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}

// countMentions groups the field's values by normalised text.
func countMentions(items []Observation, value func(*Evidence) string) []Mention {
	byText := map[string]*Mention{}
	accounts := map[string]map[string]bool{}
	for i := range items {
		raw := value(&items[i].Evidence)
		norm := NormalizeMention(raw)
		if norm == "" {
			continue
		}
		m := byText[norm]
		if m == nil {
			m = &Mention{Text: norm, Label: strings.TrimSpace(raw)}
			byText[norm] = m
			accounts[norm] = map[string]bool{}
		}
		m.Count++
		if a := items[i].AccountID; a != "" && !accounts[norm][a] {
			accounts[norm][a] = true
			m.Accounts++
		}
	}
	out := make([]Mention, 0, len(byText))
	for _, m := range byText {
		out = append(out, *m)
	}
	return out
}

// Capability and Blocker pick the field TopMentions counts.
func Capability(e *Evidence) string { return e.Capability }

// Blocker picks the blocker field for TopMentions.
func Blocker(e *Evidence) string { return e.Blocker }

// Quote is a verbatim customer sentence with who said it where.
type Quote struct {
	EvidenceID  string    `json:"evidence_id"`
	Quote       string    `json:"quote"`
	Signal      Signal    `json:"signal"`
	AccountID   string    `json:"account_id"`
	AccountName string    `json:"account_name"`
	Segment     string    `json:"segment"`
	Author      string    `json:"author"`
	AuthorRole  Audience  `json:"author_role"`
	CapturedAt  time.Time `json:"captured_at"`
}

// Quotes returns the items with a quote, latest first (captured_at, then
// id), at most limit (≤ 0: all), and how many there are in all.
func Quotes(items []Observation, accounts map[string]Account, limit int) ([]Quote, int) {
	var with []*Evidence
	for i := range items {
		if strings.TrimSpace(items[i].Quote) != "" {
			with = append(with, &items[i].Evidence)
		}
	}
	sort.Slice(with, func(i, j int) bool { return later(with[i], with[j]) })
	total := len(with)
	if limit > 0 && len(with) > limit {
		with = with[:limit]
	}
	out := make([]Quote, len(with))
	for i, e := range with {
		a := accounts[e.AccountID]
		out[i] = Quote{EvidenceID: e.ID, Quote: e.Quote, Signal: e.Signal, AccountID: e.AccountID, AccountName: a.Name,
			Segment: a.Segment, Author: e.Author, AuthorRole: e.AuthorRole, CapturedAt: e.CapturedAt}
	}
	return out, total
}

// StudyPipeline is a study's recruiting funnel: contacts per status.
type StudyPipeline struct {
	StudyID      string                `json:"study_id"`
	Title        string                `json:"title"`
	HypothesisID string                `json:"hypothesis_id"`
	Status       StudyStatus           `json:"status"`
	TargetCount  int                   `json:"target_count"`
	Counts       map[RecruitStatus]int `json:"counts"`
	DoNotContact int                   `json:"do_not_contact"` // nominated contacts since marked do-not-contact
}

// recruitOrder lists the pipeline statuses a funnel shows.
var recruitOrder = []RecruitStatus{RecruitNominated, RecruitInvited, RecruitConsented, RecruitScheduled, RecruitDone, RecruitDeclined}

// RecruitingPipelines counts, per study, its contacts by recruit status
// (a contact is in one study at a time: Contact.StudyID). Every status is
// present; studies come in title order, then id.
func RecruitingPipelines(studies []Study, contacts []Contact) []StudyPipeline {
	idx := map[string]int{}
	out := make([]StudyPipeline, len(studies))
	for i, s := range studies {
		counts := map[RecruitStatus]int{}
		for _, st := range recruitOrder {
			counts[st] = 0
		}
		out[i] = StudyPipeline{StudyID: s.ID, Title: s.Title, HypothesisID: s.HypothesisID, Status: s.Status, TargetCount: s.TargetCount, Counts: counts}
		idx[s.ID] = i
	}
	for _, c := range contacts {
		i, ok := idx[c.StudyID]
		if !ok || c.RecruitStatus == RecruitNone {
			continue
		}
		out[i].Counts[c.RecruitStatus]++
		if c.DoNotContact {
			out[i].DoNotContact++
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Title != out[j].Title {
			return out[i].Title < out[j].Title
		}
		return out[i].StudyID < out[j].StudyID
	})
	return out
}

// DistinctAccountsGoal is how many distinct accounts make a first "signal"
// in time to signal: one account is an anecdote, five is a pattern.
const DistinctAccountsGoal = 5

// Milestone is when something happened and how long after publication.
type Milestone struct {
	At      *time.Time `json:"at"`      // nil: not yet
	Seconds *float64   `json:"seconds"` // since published_at; nil when either is unknown
}

func milestone(published *time.Time, at time.Time) Milestone {
	if at.IsZero() {
		return Milestone{}
	}
	t := at.UTC()
	m := Milestone{At: &t}
	if published != nil {
		s := t.Sub(*published).Seconds()
		m.Seconds = &s
	}
	return m
}

// TimeToSignal is the headline of the Insights screen: how long field
// evidence took from publication to product, per stage. Times are hub
// times (received_at), which no device clock can skew.
type TimeToSignal struct {
	PublishedAt       *time.Time `json:"published_at"`
	FirstEvidence     Milestone  `json:"first_evidence"`
	DistinctAccounts  Milestone  `json:"five_accounts"` // evidence from DistinctAccountsGoal distinct accounts
	FirstSeen         Milestone  `json:"first_seen_by_product"`
	Decided           Milestone  `json:"decided"`
	EdgeToHub         Delay      `json:"edge_to_hub"`     // received_at − captured_at
	HubToProduct      Delay      `json:"hub_to_product"`  // first_seen_at − received_at, seen items only
	SeenByProduct     int        `json:"seen_by_product"` // items product has seen
	NotYetSeen        int        `json:"not_yet_seen"`
	AccountsSoFar     int        `json:"accounts_so_far"`
	AccountsGoalCount int        `json:"accounts_goal"`
}

// Delay is a distribution of durations in seconds (Quantile, type 7).
type Delay struct {
	N   int     `json:"n"`
	P50 float64 `json:"p50_seconds"`
	P95 float64 `json:"p95_seconds"`
	Max float64 `json:"max_seconds"`
}

// DelayOf summarises durations in seconds; negative ones (a device clock
// ahead of the hub's) count as zero rather than as time travel. It clamps
// and sorts d in place.
func DelayOf(d []float64) Delay {
	if len(d) == 0 {
		return Delay{}
	}
	for i, v := range d {
		d[i] = max(v, 0)
	}
	sort.Float64s(d)
	return Delay{N: len(d), P50: Quantile(d, 0.5), P95: Quantile(d, 0.95), Max: d[len(d)-1]}
}

// ComputeTimeToSignal measures a hypothesis's stages from its evidence:
// publish → first evidence at the hub → evidence from five distinct
// accounts → decision, the edge-to-hub delay of each item, and when
// product first saw the evidence. Items received before publication
// (a draft tested early) still count; their seconds are negative.
func ComputeTimeToSignal(h Hypothesis, items []Observation) TimeToSignal {
	t := TimeToSignal{PublishedAt: utcPtr(h.PublishedAt), AccountsGoalCount: DistinctAccountsGoal}
	var sc ttsScan
	for i := range items {
		sc.add(&items[i])
	}
	sc.sortArrivals()
	if len(sc.order) > 0 {
		t.FirstEvidence = milestone(h.PublishedAt, sc.order[0].when)
	}
	var goal time.Time
	goal, t.AccountsSoFar = sc.nthAccount(DistinctAccountsGoal)
	t.DistinctAccounts = milestone(h.PublishedAt, goal)
	t.FirstSeen = milestone(h.PublishedAt, sc.firstSeen)
	if h.DecidedAt != nil {
		t.Decided = milestone(h.PublishedAt, *h.DecidedAt)
	}
	t.SeenByProduct, t.NotYetSeen = len(sc.seenDelays), sc.unseen
	t.EdgeToHub = DelayOf(sc.edge)
	t.HubToProduct = DelayOf(sc.seenDelays)
	return t
}

// ttsScan gathers what time to signal needs in one pass over the items.
type ttsScan struct {
	order      []ttsArrival
	edge       []float64 // received_at − captured_at, seconds
	seenDelays []float64 // first_seen_at − received_at, seconds
	firstSeen  time.Time
	unseen     int
}

type ttsArrival struct {
	at      int64 // received_at, Unix ns: sorting ints, not time.Time, keeps this fast at 10k items
	id, acc string
	when    time.Time
}

func (sc *ttsScan) add(o *Observation) {
	if o.ReceivedAt.IsZero() {
		return // not from the hub (a local draft): no arrival to measure
	}
	sc.order = append(sc.order, ttsArrival{at: o.ReceivedAt.UnixNano(), id: o.ID, acc: o.AccountID, when: o.ReceivedAt})
	if !o.CapturedAt.IsZero() {
		sc.edge = append(sc.edge, o.ReceivedAt.Sub(o.CapturedAt).Seconds())
	}
	if o.FirstSeenAt.IsZero() {
		sc.unseen++
		return
	}
	sc.seenDelays = append(sc.seenDelays, o.FirstSeenAt.Sub(o.ReceivedAt).Seconds())
	if sc.firstSeen.IsZero() || o.FirstSeenAt.Before(sc.firstSeen) {
		sc.firstSeen = o.FirstSeenAt
	}
}

// sortArrivals orders arrivals by received_at, then id.
func (sc *ttsScan) sortArrivals() {
	sort.Slice(sc.order, func(i, j int) bool {
		a, b := sc.order[i], sc.order[j]
		if a.at != b.at {
			return a.at < b.at
		}
		return a.id < b.id
	})
}

// nthAccount returns when evidence from the n-th distinct account arrived
// (zero if fewer did) and how many distinct accounts there are.
func (sc *ttsScan) nthAccount(n int) (time.Time, int) {
	distinct := map[string]bool{}
	var at time.Time
	for _, o := range sc.order {
		if o.acc == "" || distinct[o.acc] {
			continue
		}
		distinct[o.acc] = true
		if len(distinct) == n {
			at = o.when
		}
	}
	return at, len(distinct)
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// HypothesisInsight is everything the Insights screen shows for one
// hypothesis.
type HypothesisInsight struct {
	HypothesisID string            `json:"hypothesis_id"`
	Statement    string            `json:"statement"`
	Status       HypothesisStatus  `json:"status"`
	Rank         int               `json:"rank"`
	Signals      SignalRollup      `json:"signals"`
	WTP          []WTPStats        `json:"wtp"`
	Capabilities []Mention         `json:"capabilities"`
	Blockers     []Mention         `json:"blockers"`
	Quotes       []Quote           `json:"quotes"`
	QuotesTotal  int               `json:"quotes_total"`
	Studies      []StudyPipeline   `json:"studies"`
	TimeToSignal TimeToSignal      `json:"time_to_signal"`
	Revenue      HypothesisRevenue `json:"revenue"`
}

// RollupLimits bound the lists of an insight (the screen shows a top few;
// exports carry everything).
type RollupLimits struct {
	Mentions int // capabilities and blockers each; ≤ 0: 10
	Quotes   int // ≤ 0: 20
}

// Rollup computes one hypothesis's insight from its evidence, the
// accounts (segment, ARR, name) and its studies' pipelines.
func Rollup(h Hypothesis, items []Observation, accounts map[string]Account, studies []StudyPipeline, lim RollupLimits) HypothesisInsight {
	in := RollupItems(h, items, accounts, lim)
	in.Signals = RollupSignals(items, accounts)
	if studies != nil {
		in.Studies = studies
	}
	return in
}

// RollupItems is Rollup without the signal counts (Signals is zero): the
// parts that depend on the items and the hypothesis only, except the
// account name and segment on quotes (FillQuoteAccounts refreshes them).
func RollupItems(h Hypothesis, items []Observation, accounts map[string]Account, lim RollupLimits) HypothesisInsight {
	if lim.Mentions <= 0 {
		lim.Mentions = 10
	}
	if lim.Quotes <= 0 {
		lim.Quotes = 20
	}
	in := HypothesisInsight{HypothesisID: h.ID, Statement: h.Statement, Status: h.Status, Rank: h.Rank,
		WTP: RollupWTP(items), Capabilities: TopMentions(items, Capability, lim.Mentions),
		Blockers: TopMentions(items, Blocker, lim.Mentions), Studies: []StudyPipeline{}, TimeToSignal: ComputeTimeToSignal(h, items)}
	in.Quotes, in.QuotesTotal = Quotes(items, accounts, lim.Quotes)
	return in
}

// FillQuoteAccounts sets each quote's account name and segment from
// accounts (after a rename, without recomputing the roll-up).
func FillQuoteAccounts(quotes []Quote, accounts map[string]Account) {
	for i := range quotes {
		a := accounts[quotes[i].AccountID]
		quotes[i].AccountName, quotes[i].Segment = a.Name, a.Segment
	}
}

// Headline is time to signal across hypotheses — the figure no incumbent
// publishes, and the first thing the Insights screen shows. Each field is
// the median (Quantile, type 7) over the hypotheses that reached that
// stage, with how many did; nil when none did. Medians of per-hypothesis
// figures rather than one distribution over every item, so a hypothesis
// with 10,000 items weighs as much as one with ten.
type Headline struct {
	Hypotheses    int          `json:"hypotheses"`
	FirstEvidence StageSummary `json:"first_evidence"`
	FiveAccounts  StageSummary `json:"five_accounts"`
	FirstSeen     StageSummary `json:"first_seen_by_product"`
	Decided       StageSummary `json:"decided"`
	EdgeToHubP50  StageSummary `json:"edge_to_hub_p50"` // over the hypotheses' own p50s
	EdgeToHubP95  StageSummary `json:"edge_to_hub_p95"`
}

// StageSummary is the median seconds of one stage and how many
// hypotheses reached it.
type StageSummary struct {
	MedianSeconds *float64 `json:"median_seconds"`
	Reached       int      `json:"reached"`
}

// SummariseTimeToSignal computes the headline from per-hypothesis insights.
func SummariseTimeToSignal(ins []HypothesisInsight) Headline {
	var first, five, seen, decided, p50, p95 []float64
	for _, in := range ins {
		t := in.TimeToSignal
		first = appendSeconds(first, t.FirstEvidence)
		five = appendSeconds(five, t.DistinctAccounts)
		seen = appendSeconds(seen, t.FirstSeen)
		decided = appendSeconds(decided, t.Decided)
		if t.EdgeToHub.N > 0 {
			p50 = append(p50, t.EdgeToHub.P50)
			p95 = append(p95, t.EdgeToHub.P95)
		}
	}
	return Headline{Hypotheses: len(ins), FirstEvidence: summarise(first), FiveAccounts: summarise(five),
		FirstSeen: summarise(seen), Decided: summarise(decided), EdgeToHubP50: summarise(p50), EdgeToHubP95: summarise(p95)}
}

func appendSeconds(list []float64, m Milestone) []float64 {
	if m.Seconds == nil {
		return list
	}
	return append(list, *m.Seconds)
}

func summarise(v []float64) StageSummary {
	if len(v) == 0 {
		return StageSummary{}
	}
	sort.Float64s(v)
	m := Quantile(v, 0.5)
	return StageSummary{MedianSeconds: &m, Reached: len(v)}
}
