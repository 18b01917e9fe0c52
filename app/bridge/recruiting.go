package bridge

import (
	"context"
	"sort"
	"strings"

	"fieldnotes/app/notebook"
)

// Recruiting nominates contacts for studies, records consent and moves them
// through the pipeline. The rules (do_not_contact, the 90-day re-invite
// warning, consent before "consented") are notebook.Contact's; this area
// only loads, applies and saves.
type Recruiting struct{ d *Deps }

// NewRecruiting binds the recruiting area.
func NewRecruiting(d *Deps) *Recruiting { return &Recruiting{d} }

// Studies returns every study (open first) with the contacts in its pipeline.
func (r *Recruiting) Studies() (views []StudyView, err error) {
	defer guard(r.d.Log, "Recruiting.Studies", &err)
	ctx := context.Background()
	studies, err := listOf[notebook.Study](ctx, r.d.Store, notebook.TypeStudy, Query{})
	if err != nil {
		return nil, err
	}
	order := map[notebook.StudyStatus]int{notebook.StudyOpen: 0, notebook.StudyDraft: 1, notebook.StudyClosed: 2}
	sort.SliceStable(studies, func(i, j int) bool {
		if order[studies[i].Status] != order[studies[j].Status] {
			return order[studies[i].Status] < order[studies[j].Status]
		}
		return studies[i].Title < studies[j].Title
	})
	views = make([]StudyView, 0, len(studies))
	for _, s := range studies {
		v := StudyView{Study: studyDTO(s), Candidates: []ContactDTO{}, Counts: map[string]int{}}
		contacts, err := r.contacts(ctx, s.ID) // the study index: not every contact
		if err != nil {
			return nil, err
		}
		for _, c := range contacts {
			if c.StudyID == s.ID && c.RecruitStatus != "" {
				v.Candidates = append(v.Candidates, c)
				v.Counts[c.RecruitStatus]++
			}
		}
		views = append(views, v)
	}
	return views, nil
}

// Contacts lists contacts matching filter (name, email, account), for the
// nominate picker; at most 50. A filter with words of three letters or more
// goes through the search index first (a big notebook has tens of thousands
// of contacts); shorter filters, or no hit, scan.
func (r *Recruiting) Contacts(filter string) (out []ContactDTO, err error) {
	defer guard(r.d.Log, "Recruiting.Contacts", &err)
	ctx := context.Background()
	f := strings.ToLower(strings.TrimSpace(filter))
	if out, err = r.searchContacts(ctx, f); err != nil || len(out) > 0 {
		return out, err
	}
	all, err := r.contacts(ctx, "")
	if err != nil {
		return nil, err
	}
	out = []ContactDTO{}
	for _, c := range all {
		if f == "" || strings.Contains(strings.ToLower(c.Name+" "+c.Email+" "+c.AccountName), f) {
			out = append(out, c)
			if len(out) == 50 {
				break
			}
		}
	}
	return out, nil
}

func (r *Recruiting) searchContacts(ctx context.Context, f string) ([]ContactDTO, error) {
	if len(f) < 3 {
		return nil, nil
	}
	hits, err := r.d.Store.Search(ctx, f, 200)
	if err != nil {
		return nil, err
	}
	names := newNameCache(ctx, r.d)
	out := []ContactDTO{}
	for _, h := range hits {
		if h.Type != notebook.TypeContact {
			continue
		}
		var c notebook.Contact
		if r.d.Store.Get(ctx, h.ID, &c) != nil {
			continue
		}
		out = append(out, contactDTO(c, names.name(c.AccountID), r.d.now()))
		if len(out) == 50 {
			break
		}
	}
	return out, nil
}

// contacts lists the contacts recruited for a study ("" for every contact).
func (r *Recruiting) contacts(ctx context.Context, studyID string) ([]ContactDTO, error) {
	cs, err := listOf[notebook.Contact](ctx, r.d.Store, notebook.TypeContact, Query{StudyID: studyID})
	if err != nil {
		return nil, err
	}
	names, err := accountNames(ctx, r.d)
	if err != nil {
		return nil, err
	}
	now := r.d.now()
	out := make([]ContactDTO, 0, len(cs))
	for _, c := range cs {
		out = append(out, contactDTO(c, names[c.AccountID], now))
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// Nominate puts a contact forward for a study.
func (r *Recruiting) Nominate(contactID, studyID string) (c ContactDTO, err error) {
	defer guard(r.d.Log, "Recruiting.Nominate", &err)
	ctx := context.Background()
	var s notebook.Study
	if err := r.d.Store.Get(ctx, studyID, &s); err != nil {
		return c, err
	}
	if s.Status == notebook.StudyClosed {
		return c, notebook.Errorf(notebook.Conflict, "the study %q is closed", s.Title)
	}
	return r.change(ctx, contactID, func(ct *notebook.Contact) error {
		return ct.Recruit(notebook.RecruitNominated, studyID, false, r.d.now())
	})
}

// Move takes a contact to the next pipeline status. Inviting someone invited
// in the last 90 days fails with a conflict unless acknowledged is true.
func (r *Recruiting) Move(contactID, to string, acknowledged bool) (c ContactDTO, err error) {
	defer guard(r.d.Log, "Recruiting.Move", &err)
	return r.change(context.Background(), contactID, func(ct *notebook.Contact) error {
		return ct.Recruit(notebook.RecruitStatus(to), ct.StudyID, acknowledged, r.d.now())
	})
}

// ConsentInput is consent as the rep records it; At defaults to now.
type ConsentInput struct {
	Wording string `json:"wording"`
	Channel string `json:"channel"`
	At      string `json:"at"`
	Given   bool   `json:"given"`
}

// RecordConsent appends to the contact's consent log. Consent given while
// invited moves the contact to consented at once; withdrawn consent declines.
func (r *Recruiting) RecordConsent(contactID string, in ConsentInput) (c ContactDTO, err error) {
	defer guard(r.d.Log, "Recruiting.RecordConsent", &err)
	at, err := parseTS(in.At)
	if err != nil {
		return c, err
	}
	if at.IsZero() {
		at = r.d.now()
	}
	return r.change(context.Background(), contactID, func(ct *notebook.Contact) error {
		if ct.DoNotContact && in.Given {
			return notebook.Errorf(notebook.Forbidden, "%s is marked do not contact; consent cannot be recorded", nameOf(*ct))
		}
		e := notebook.ConsentEntry{Wording: in.Wording, At: at, Channel: in.Channel, Given: in.Given, StudyID: ct.StudyID, RecordedBy: r.d.Author}
		if err := ct.RecordConsent(e); err != nil {
			return err
		}
		if in.Given && ct.RecruitStatus == notebook.RecruitInvited {
			return ct.Recruit(notebook.RecruitConsented, ct.StudyID, false, r.d.now())
		}
		return nil
	})
}

// SetDoNotContact marks or clears do_not_contact (notebook.Contact
// SetDoNotContact: the pipeline status stays; only product or admin clear).
// The role is the last one the hub confirmed for this notebook's token.
func (r *Recruiting) SetDoNotContact(contactID string, on bool) (c ContactDTO, err error) {
	defer guard(r.d.Log, "Recruiting.SetDoNotContact", &err)
	ctx := context.Background()
	me, _ := (&Product{d: r.d}).cachedMe(ctx)
	return r.change(ctx, contactID, func(ct *notebook.Contact) error {
		return ct.SetDoNotContact(on, me.Product)
	})
}

func (r *Recruiting) change(ctx context.Context, id string, fn func(*notebook.Contact) error) (ContactDTO, error) {
	var ct notebook.Contact
	if err := r.d.Store.Get(ctx, id, &ct); err != nil {
		return ContactDTO{}, err
	}
	if err := fn(&ct); err != nil {
		return ContactDTO{}, err
	}
	if _, err := r.d.Store.Save(ctx, ct); err != nil {
		return ContactDTO{}, err
	}
	var acct notebook.Account
	if ct.AccountID != "" {
		_ = r.d.Store.Get(ctx, ct.AccountID, &acct) // a missing account only hides the name
	}
	return contactDTO(ct, acct.Name, r.d.now()), nil
}

func nameOf(c notebook.Contact) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Email
}
