package assist_test

import (
	"context"
	"fmt"

	"fieldnotes/app/assist"
	"fieldnotes/app/notebook"
)

// With no endpoint configured, a request is kept in the queue and says why
// it waits; it runs once Configure sets an endpoint and Serve is running.
func Example() {
	a, err := assist.New(assist.Config{}, assist.NewMemoryStore(), assist.Options{})
	if err != nil {
		panic(err)
	}
	job, err := a.SubmitEvidence(context.Background(), assist.EvidenceRequest{
		CallID: "call-1", AccountID: "acc-1",
		Notes: `Dana: "We'd pay 10 EUR a seat a month for SSO."`,
		Hypotheses: []notebook.Hypothesis{{ID: "hyp-sso", Statement: "SSO sells",
			Questions: []notebook.Question{{ID: "q-price", Text: "What would you pay?", Kind: notebook.AnswerWTP}}}},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(job.State, "—", job.Waiting)
	fmt.Println(a.Status().State, a.Status().Queued)
	// Output:
	// queued — waiting because no AI endpoint is configured (Settings → AI)
	// waiting 1
}

// An accepted suggestion becomes evidence only through ToEvidence, which
// the app calls when the rep clicks accept.
func ExampleSuggestion_ToEvidence() {
	s := assist.Suggestion{ID: "s1", HypothesisID: "hyp-sso", QuestionID: "q-price", Signal: notebook.SignalSupports,
		Strength: 2, Quote: "We'd pay 10 EUR a seat a month for SSO.",
		WTP: &notebook.WTP{Amount: 10, Currency: "EUR", Period: "seat_month"}}
	ev, err := s.ToEvidence(assist.Origin{AccountID: "acc-1", CallID: "call-1", Author: "u_rep", AuthorRole: notebook.AudienceSales})
	if err != nil {
		panic(err)
	}
	fmt.Println(ev.Source, ev.HypothesisID, ev.Signal, ev.WTP.Amount, ev.WTP.Period)
	// Output: ai hyp-sso supports 10 seat_month
}
