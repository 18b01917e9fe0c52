package notebook

import (
	"strings"
	"testing"
)

// TestDoNotContactKeepsThePipeline: opting out marks the contact and
// nothing else — no decline that never happened — and only product or
// admin may clear it (the hub refuses a field user's clear the same way).
func TestDoNotContactKeepsThePipeline(t *testing.T) {
	for _, st := range []RecruitStatus{RecruitNone, RecruitNominated, RecruitInvited, RecruitConsented, RecruitScheduled, RecruitDone, RecruitDeclined} {
		c := Contact{ID: "c1", Name: "Ana", RecruitStatus: st, StudyID: "s1"}
		if err := c.SetDoNotContact(true, false); err != nil {
			t.Fatalf("%s: marking: %v", st, err)
		}
		if !c.DoNotContact || c.RecruitStatus != st || c.StudyID != "s1" {
			t.Fatalf("%s: marking changed the pipeline: %+v", st, c)
		}
		err := c.SetDoNotContact(false, false)
		if !IsCode(err, Forbidden) || !c.DoNotContact {
			t.Fatalf("%s: a field user cleared do not contact: %v %+v", st, err, c)
		}
		if msg := err.Error(); !strings.Contains(msg, "only product or admin") {
			t.Fatalf("%s: the refusal does not say who may clear it: %q", st, msg)
		}
		if err := c.SetDoNotContact(false, true); err != nil || c.DoNotContact {
			t.Fatalf("%s: product could not clear: %v %+v", st, err, c)
		}
	}
}
