package bridge

import (
	"context"
	"slices"
	"sort"
	"strings"

	"fieldnotes/app/notebook"
)

// Accounts lists accounts and builds the pre-call brief.
type Accounts struct{ d *Deps }

// NewAccounts binds the accounts area.
func NewAccounts(d *Deps) *Accounts { return &Accounts{d} }

// MaxAccountRows caps List: nobody scrolls 10k rows, and sending them over
// the IPC and rendering them costs seconds; the filter narrows instead.
const MaxAccountRows = 300

// List returns accounts whose name, domain or segment contains filter
// (case-insensitive), most recently called first, then by name; at most
// MaxAccountRows.
func (a *Accounts) List(filter string) (rows []AccountRow, err error) {
	defer guard(a.d.Log, "Accounts.List", &err)
	ctx := context.Background()
	accts, err := listOf[notebook.Account](ctx, a.d.Store, notebook.TypeAccount, Query{})
	if err != nil {
		return nil, err
	}
	// Last-call dates come from the newest calls only: reading every call
	// of a big notebook costs seconds, and an account not called among the
	// last 2000 calls sorts by name anyway.
	calls, err := listOf[notebook.Call](ctx, a.d.Store, notebook.TypeCall, Query{Newest: true, Limit: 2000})
	if err != nil {
		return nil, err
	}
	last := map[string]string{}
	for _, c := range calls {
		if s := ts(c.StartedAt); s > last[c.AccountID] {
			last[c.AccountID] = s
		}
	}
	f := strings.ToLower(strings.TrimSpace(filter))
	rows = []AccountRow{}
	for _, ac := range accts {
		hay := strings.ToLower(ac.Name + " " + strings.Join(ac.Domains, " ") + " " + ac.Segment)
		if f != "" && !strings.Contains(hay, f) {
			continue
		}
		rows = append(rows, AccountRow{AccountDTO: accountDTO(ac), LastCallAt: last[ac.ID]})
	}
	sort.SliceStable(rows, func(i, j int) bool {
		if rows[i].LastCallAt != rows[j].LastCallAt {
			return rows[i].LastCallAt > rows[j].LastCallAt
		}
		return strings.ToLower(rows[i].Name) < strings.ToLower(rows[j].Name)
	})
	if len(rows) > MaxAccountRows {
		rows = rows[:MaxAccountRows]
	}
	return rows, nil
}

// Brief returns what a rep needs before calling the account: hypotheses that
// target it with their questions, what it said before, its calls, its
// contacts and the open studies it fits.
func (a *Accounts) Brief(id string) (b AccountBrief, err error) {
	defer guard(a.d.Log, "Accounts.Brief", &err)
	ctx := context.Background()
	var acct notebook.Account
	if err := a.d.Store.Get(ctx, id, &acct); err != nil {
		return b, err
	}
	b.Account = accountDTO(acct)
	if b.Hypotheses, err = relevantHypotheses(ctx, a.d, acct); err != nil {
		return b, err
	}
	if b.Evidence, err = evidenceRows(ctx, a.d, Query{AccountID: id, Newest: true}); err != nil {
		return b, err
	}
	if b.Calls, err = callRows(ctx, a.d, Query{AccountID: id, Newest: true}, 20); err != nil {
		return b, err
	}
	if b.Contacts, err = contactsOf(ctx, a.d, acct); err != nil {
		return b, err
	}
	if b.Deals, err = dealRows(ctx, a.d, id); err != nil {
		return b, err
	}
	studies, err := listOf[notebook.Study](ctx, a.d.Store, notebook.TypeStudy, Query{})
	if err != nil {
		return b, err
	}
	b.Studies = []StudyDTO{}
	for _, s := range studies {
		if s.Status == notebook.StudyOpen && s.Fits(acct.Segment, acct.Stage) {
			b.Studies = append(b.Studies, studyDTO(s))
		}
	}
	return b, nil
}

// relevantHypotheses lists active hypotheses for the rep's role that target
// the account, best-ranked first (rank 1 first; 0 means unranked, last).
func relevantHypotheses(ctx context.Context, d *Deps, acct notebook.Account) ([]HypothesisDTO, error) {
	hs, err := listOf[notebook.Hypothesis](ctx, d.Store, notebook.TypeHypothesis, Query{})
	if err != nil {
		return nil, err
	}
	sortHypotheses(hs)
	places, marks := notebook.Places(hs), seenMarks(ctx, d, hs)
	out := []HypothesisDTO{}
	for _, h := range hs {
		if h.Status == notebook.StatusActive && h.ForAudience(d.role()) && h.Targets(acct.Segment, acct.Stage) {
			dto := hypothesisDTO(h)
			dto.Place, dto.Mark, dto.TargetedBecause = places[h.ID], marks[h.ID], h.TargetReason(acct.Segment, acct.Stage)
			out = append(out, dto)
		}
	}
	return out, nil
}

// sortHypotheses orders the rep's lists: active first, then drafts and
// decided ones, each group in the one rank order (notebook.CompareRank).
func sortHypotheses(hs []notebook.Hypothesis) {
	order := map[notebook.HypothesisStatus]int{notebook.StatusActive: 0, notebook.StatusDraft: 1, notebook.StatusValidated: 2, notebook.StatusInvalidated: 3, notebook.StatusArchived: 4}
	slices.SortStableFunc(hs, func(a, b notebook.Hypothesis) int {
		if c := order[a.Status] - order[b.Status]; c != 0 {
			return c
		}
		return notebook.CompareRank(a, b)
	})
}

func contactsOf(ctx context.Context, d *Deps, acct notebook.Account) ([]ContactDTO, error) {
	cs, err := listOf[notebook.Contact](ctx, d.Store, notebook.TypeContact, Query{AccountID: acct.ID})
	if err != nil {
		return nil, err
	}
	now := d.now()
	out := make([]ContactDTO, 0, len(cs))
	for _, c := range cs {
		out = append(out, contactDTO(c, acct.Name, now))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// nameCache resolves account names one Get at a time, for lists that show
// a few accounts out of many (a notebook may hold 10k accounts).
type nameCache struct {
	ctx   context.Context
	d     *Deps
	names map[string]string
}

func newNameCache(ctx context.Context, d *Deps) *nameCache {
	return &nameCache{ctx: ctx, d: d, names: map[string]string{}}
}

func (n *nameCache) name(id string) string {
	if id == "" {
		return ""
	}
	name, ok := n.names[id]
	if !ok {
		var a notebook.Account
		_ = n.d.Store.Get(n.ctx, id, &a) // a deleted account just shows no name
		name = a.Name
		n.names[id] = name
	}
	return name
}

// accountNames maps every account id to its name (lists over all accounts).
func accountNames(ctx context.Context, d *Deps) (map[string]string, error) {
	accts, err := listOf[notebook.Account](ctx, d.Store, notebook.TypeAccount, Query{})
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(accts))
	for _, a := range accts {
		names[a.ID] = a.Name
	}
	return names, nil
}
