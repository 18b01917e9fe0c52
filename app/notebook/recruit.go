package notebook

import (
	"fmt"
	"time"
)

// InviteCooldown is how long after an invitation a contact should not be
// invited again without the rep acknowledging a warning.
const InviteCooldown = 90 * 24 * time.Hour

// next lists, for each recruiting status, the statuses a contact may move to.
// declined and done can start over with a new nomination.
var next = map[RecruitStatus][]RecruitStatus{
	RecruitNone:      {RecruitNominated},
	RecruitNominated: {RecruitInvited, RecruitDeclined},
	RecruitInvited:   {RecruitConsented, RecruitDeclined},
	RecruitConsented: {RecruitScheduled, RecruitDeclined},
	RecruitScheduled: {RecruitDone, RecruitDeclined},
	RecruitDone:      {RecruitNominated},
	RecruitDeclined:  {RecruitNominated},
}

// NextStatuses returns where a contact in status s may move.
func NextStatuses(s RecruitStatus) []RecruitStatus { return next[s] }

// RecentInvite reports whether the contact was invited within the cooldown
// before now; the UI warns before inviting again.
func (c Contact) RecentInvite(now time.Time) bool {
	return c.LastInvitedAt != nil && now.Sub(*c.LastInvitedAt) < InviteCooldown
}

// Recruit moves the contact to status to for a study, enforcing the
// pipeline: do_not_contact blocks every step but declining; an invitation
// within the cooldown needs acknowledged=true; consenting needs a consent
// entry (given) for that study in the log. now stamps last_invited_at.
func (c *Contact) Recruit(to RecruitStatus, studyID string, acknowledged bool, now time.Time) error {
	if c.DoNotContact && to != RecruitDeclined {
		return Errorf(Forbidden, "%s is marked do not contact; they cannot be nominated or invited", c.label())
	}
	if !contains(next[c.RecruitStatus], to) {
		return Errorf(Invalid, "%s is %s; they can move to %s, not %s", c.label(), statusName(c.RecruitStatus), statusList(next[c.RecruitStatus]), to)
	}
	if to == RecruitNominated {
		if studyID == "" {
			return Errorf(Invalid, "choose the study to nominate %s for", c.label())
		}
		c.StudyID = studyID
	}
	if to == RecruitInvited {
		if c.RecentInvite(now) && !acknowledged {
			return Errorf(Conflict, "%s was invited on %s, less than 90 days ago; confirm to invite again", c.label(), c.LastInvitedAt.Format("2 Jan 2006"))
		}
		t := now.UTC()
		c.LastInvitedAt = &t
	}
	if to == RecruitConsented && !c.HasConsent(c.StudyID) {
		return Errorf(Invalid, "record %s's consent (the wording shown, time and channel) before marking them consented", c.label())
	}
	c.RecruitStatus = to
	return nil
}

// RecordConsent appends a consent entry; withdrawing consent (given=false)
// also declines the contact, because consent must be revocable at once.
func (c *Contact) RecordConsent(e ConsentEntry) error {
	p := NewProblems("consent")
	checkText(p, "wording", e.Wording, MaxLongText, true)
	checkText(p, "channel", e.Channel, MaxShortText, true)
	if e.At.IsZero() {
		p.Add("at", "is required")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if e.StudyID == "" {
		e.StudyID = c.StudyID
	}
	e.At = e.At.UTC()
	c.ConsentLog = append(c.ConsentLog, e)
	if !e.Given {
		c.RecruitStatus = RecruitDeclined
	}
	return nil
}

// HasConsent reports whether the latest consent entry for the study is a yes.
func (c Contact) HasConsent(studyID string) bool {
	for i := len(c.ConsentLog) - 1; i >= 0; i-- {
		if e := c.ConsentLog[i]; e.StudyID == studyID {
			return e.Given
		}
	}
	return false
}

func (c Contact) label() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Email
}

func statusName(s RecruitStatus) string {
	if s == RecruitNone {
		return "not in a study"
	}
	return string(s)
}

func statusList(list []RecruitStatus) string {
	switch len(list) {
	case 0:
		return "nothing"
	case 1:
		return string(list[0])
	}
	return fmt.Sprintf("%s or %s", list[0], list[1])
}

// SetDoNotContact records that the person opted out (on) or that the
// opt-out was lifted. Opting out keeps the pipeline status as it was: it is
// not a decline that happened, and every step but declining is blocked by
// Recruit anyway. Lifting it is product's or admin's call only (the hub
// refuses a field user's clear the same way), because an opt-out must stick.
func (c *Contact) SetDoNotContact(on, byProductOrAdmin bool) error {
	if !on && c.DoNotContact && !byProductOrAdmin {
		return Errorf(Forbidden, "%s opted out; only product or admin can clear do not contact", c.label())
	}
	c.DoNotContact = on
	return nil
}
