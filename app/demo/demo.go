// Package demo seeds a realistic notebook: the product team of a finance
// automation company ("Ledgerline") with ~8 hypotheses, 2 recruiting studies
// and ~40 accounts with contacts, calls and evidence. It is deterministic
// (a fixed random seed, times relative to now) so screenshots and tests see
// the same notebook every time.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// seededKey marks a notebook that already has the demo.
const seededKey = "demo/seeded"

// Counts says what Seed wrote.
type Counts struct {
	Hypotheses, Studies, Accounts, Contacts, Calls, Evidence int
}

func (c Counts) String() string {
	return fmt.Sprintf("%d hypotheses, %d studies, %d accounts, %d contacts, %d calls, %d evidence items",
		c.Hypotheses, c.Studies, c.Accounts, c.Contacts, c.Calls, c.Evidence)
}

// Seeded reports whether the demo was already written to s.
func Seeded(ctx context.Context, s *store.Store) bool {
	_, err := s.LocalGet(ctx, seededKey)
	return err == nil
}

// Part says which records of the demo a notebook gets. With a hub, product
// publishes the hypotheses and studies (only product may write them) and a
// field rep brings the accounts, calls and evidence; both parts use the same
// hypothesis and study ids, so the rep's evidence points at what product
// published.
type Part string

// Parts of the demo.
const (
	PartAll     Part = "all"     // everything in one notebook (no hub)
	PartProduct Part = "product" // hypotheses and studies
	PartField   Part = "field"   // accounts, contacts, calls, evidence
)

// ParsePart checks a part name.
func ParsePart(s string) (Part, error) {
	for _, p := range []Part{PartAll, PartProduct, PartField} {
		if string(p) == s {
			return p, nil
		}
	}
	return "", notebook.Errorf(notebook.Invalid, "demo part %q: want all, product or field", s)
}

// Seed writes the whole demo notebook, dated relative to now.
func Seed(ctx context.Context, s *store.Store, now time.Time) (Counts, error) {
	return SeedPart(ctx, s, now, PartAll)
}

// SeedPart writes one part of the demo notebook.
func SeedPart(ctx context.Context, s *store.Store, now time.Time, part Part) (Counts, error) {
	g := &gen{ctx: ctx, s: s, now: now.UTC(), rnd: rand.New(rand.NewPCG(7, 11)), part: part}
	steps := []func() error{g.seedHypotheses, g.seedStudies, g.seedAccounts, g.seedCalls}
	for _, step := range steps {
		if err := step(); err != nil {
			return g.n, err
		}
	}
	return g.n, s.LocalPut(ctx, seededKey, []byte(now.UTC().Format(time.RFC3339)))
}

type gen struct {
	ctx      context.Context
	s        *store.Store
	now      time.Time
	rnd      *rand.Rand
	n        Counts
	hyps     []notebook.Hypothesis
	accounts []notebook.Account
	contacts map[string][]notebook.Contact
	studies  []notebook.Study
	part     Part
}

// save writes rec when it belongs to the part being seeded; the other
// part's records are still generated, so ids and references line up.
func (g *gen) save(rec notebook.Record) error {
	orgPlan := rec.RecordType() == notebook.TypeHypothesis || rec.RecordType() == notebook.TypeStudy
	if g.part == PartProduct && !orgPlan || g.part == PartField && orgPlan {
		return nil
	}
	if _, err := g.s.Save(g.ctx, rec); err != nil {
		return err
	}
	g.count(rec.RecordType())
	return nil
}

func (g *gen) count(t notebook.Type) {
	switch t {
	case notebook.TypeHypothesis:
		g.n.Hypotheses++
	case notebook.TypeStudy:
		g.n.Studies++
	case notebook.TypeAccount:
		g.n.Accounts++
	case notebook.TypeContact:
		g.n.Contacts++
	case notebook.TypeCall:
		g.n.Calls++
	case notebook.TypeEvidence:
		g.n.Evidence++
	}
}

// stableID makes the same UUIDv7-shaped id for the same name in every
// notebook, so separately seeded parts agree on hypothesis and study ids.
func stableID(name string) string {
	sum := sha256.Sum256([]byte("fieldnotes-demo/" + name))
	sum[6] = 0x70 | sum[6]&0x0f
	sum[8] = 0x80 | sum[8]&0x3f
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (g *gen) days(d int) time.Time { return g.now.Add(time.Duration(d) * 24 * time.Hour) }

func ptr[T any](v T) *T { return &v }

func (g *gen) seedHypotheses() error {
	for i, h := range hypothesisSeeds {
		h.ID = stableID(fmt.Sprintf("hypothesis-%d", i))
		h.Rank = i + 1
		h.Owner = "priya.patel"
		if h.Status == "" {
			h.Status = notebook.StatusActive
		}
		if h.Status != notebook.StatusDraft {
			h.PublishedAt = ptr(g.days(-40 + i*3))
		}
		for j := range h.Questions {
			h.Questions[j].ID = fmt.Sprintf("q%d", j+1)
		}
		if err := g.save(&h); err != nil {
			return err
		}
		g.hyps = append(g.hyps, h)
	}
	return nil
}

func (g *gen) seedStudies() error {
	studies := []notebook.Study{
		{Title: "Usability test: approvals in Slack prototype", Goal: "Watch 6 approvers use the Slack approval prototype on real invoices", Criteria: "Customers with an AP team of 3+ and Slack in daily use",
			Segments: []string{"mid-market", "enterprise"}, Stages: []notebook.Stage{notebook.StageCustomer}, HypothesisID: g.hyps[1].ID, TargetCount: 6, Deadline: ptr(g.days(21)), Status: notebook.StudyOpen},
		{Title: "Interviews: multi-entity consolidation", Goal: "45-minute interviews with controllers who consolidate 3+ entities", Criteria: "Prospects or customers with subsidiaries in 2+ countries",
			Segments: []string{"enterprise"}, HypothesisID: g.hyps[3].ID, TargetCount: 8, Deadline: ptr(g.days(35)), Status: notebook.StudyOpen},
	}
	for i := range studies {
		studies[i].ID = stableID(fmt.Sprintf("study-%d", i))
		if err := g.save(&studies[i]); err != nil {
			return err
		}
		g.studies = append(g.studies, studies[i])
	}
	return nil
}

func (g *gen) seedAccounts() error {
	g.contacts = map[string][]notebook.Contact{}
	for i, name := range accountNames {
		seg := []string{"smb", "mid-market", "enterprise"}[i%3]
		stage := notebook.StageCustomer
		if i%4 == 3 {
			stage = notebook.StageProspect
		}
		arr := map[string]float64{"smb": 12000, "mid-market": 60000, "enterprise": 240000}[seg] * (0.5 + g.rnd.Float64())
		if stage == notebook.StageProspect {
			arr = 0
		}
		a := notebook.Account{ID: notebook.NewID(), Name: name, Domains: []string{domainOf(name)}, Segment: seg, Stage: stage, ARR: float64(int(arr/100) * 100)}
		if err := g.save(&a); err != nil {
			return err
		}
		g.accounts = append(g.accounts, a)
		if err := g.accountContacts(a, i); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) accountContacts(a notebook.Account, i int) error {
	for j := 0; j < 2+i%3; j++ {
		first, last := firstNames[(i*3+j)%len(firstNames)], lastNames[(i*7+j*5)%len(lastNames)]
		c := notebook.Contact{ID: notebook.NewID(), Name: first + " " + last, Email: strings.ToLower(first+"."+last) + "@" + a.Domains[0],
			AccountID: a.ID, Title: titles[(i+j)%len(titles)]}
		if i%9 == 4 && j == 1 {
			c.DoNotContact = true
		}
		g.recruit(&c, i, j)
		if err := g.save(&c); err != nil {
			return err
		}
		g.contacts[a.ID] = append(g.contacts[a.ID], c)
	}
	return nil
}

func (g *gen) seedCalls() error {
	for i, a := range g.accounts {
		for k := 0; k < 1+i%3; k++ {
			if err := g.call(a, i, k); err != nil {
				return err
			}
		}
	}
	return nil
}

func (g *gen) call(a notebook.Account, i, k int) error {
	started := g.days(-(i*37+k*11)%60 - 1).Add(time.Duration(9+(i+k)%8) * time.Hour)
	if i < 3 && k == 0 {
		started = g.now.Add(-time.Duration(2+i) * time.Hour) // a few calls today
	}
	kinds := []notebook.CallKind{notebook.CallDiscovery, notebook.CallDemo, notebook.CallQBR, notebook.CallSupport}
	contacts := g.contacts[a.ID]
	c := notebook.Call{ID: notebook.NewID(), AccountID: a.ID, StartedAt: started, Kind: kinds[(i+k)%len(kinds)],
		ContactIDs: []string{contacts[k%len(contacts)].ID}, Author: "demo"}
	ended := started.Add(time.Duration(25+g.rnd.IntN(35)) * time.Minute)
	c.EndedAt = &ended
	c.Title = fmt.Sprintf("%s %s", strings.ToUpper(string(c.Kind[:1]))+string(c.Kind[1:]), a.Name)
	if c.Kind == notebook.CallQBR {
		c.Title = "QBR " + a.Name
	}
	picks := g.rnd.Perm(len(quoteSeeds))[:1+g.rnd.IntN(3)]
	var notes []string
	for _, p := range picks {
		notes = append(notes, quoteSeeds[p].note)
	}
	c.Notes = strings.Join(notes, "\n\n")
	if err := g.save(&c); err != nil {
		return err
	}
	for n, p := range picks {
		if err := g.evidence(a, c, quoteSeeds[p], n); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) evidence(a notebook.Account, c notebook.Call, q quoteSeed, n int) error {
	h := g.hyps[q.hyp]
	if !h.Targets(a.Segment, a.Stage) && g.rnd.IntN(2) == 0 {
		return nil
	}
	e := notebook.Evidence{ID: notebook.NewID(), HypothesisID: h.ID, QuestionID: h.Questions[q.question].ID, AccountID: a.ID, CallID: c.ID,
		ContactID: c.ContactIDs[0], Signal: q.signal, Strength: 1 + (n+len(q.quote))%3, Quote: q.quote, Author: "demo", AuthorRole: notebook.AudienceSales,
		Source: "manual", CapturedAt: c.StartedAt.Add(time.Duration(10+n*7) * time.Minute)}
	if c.Kind == notebook.CallQBR || c.Kind == notebook.CallSupport {
		e.AuthorRole = notebook.AudienceCS
	}
	if q.wtp != nil {
		w := *q.wtp
		w.Amount = float64(int(w.Amount * (0.75 + g.rnd.Float64()/2)))
		e.WTP = &w
	}
	e.Blocker, e.Severity, e.Capability, e.Problem, e.Feature, e.Usage = q.blocker, q.severity, q.capability, q.problem, q.feature, q.usage
	if err := g.save(&e); err != nil {
		return err
	}
	return nil
}

func domainOf(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String() + ".example.com"
}

// recruit puts a few contacts of fitting accounts into the first study's
// pipeline, at different stages, with consent recorded where it is needed.
func (g *gen) recruit(c *notebook.Contact, i, j int) {
	if j != 0 || c.DoNotContact || i%5 != 1 {
		return
	}
	study := g.studies[0]
	steps := []notebook.RecruitStatus{notebook.RecruitNominated, notebook.RecruitInvited, notebook.RecruitConsented, notebook.RecruitScheduled}
	at := g.days(-10 + i%7)
	for _, to := range steps[:1+(i/5)%len(steps)] {
		if to == notebook.RecruitConsented {
			_ = c.RecordConsent(notebook.ConsentEntry{Wording: consentWording, At: at, Channel: "call", Given: true, RecordedBy: "demo"})
		}
		if err := c.Recruit(to, study.ID, true, at); err != nil {
			return
		}
	}
}

const consentWording = "Ledgerline may invite you to a 45-minute recorded usability session. Recordings are used only by the product team and deleted after 12 months. You can withdraw at any time."
