package store

import (
	"time"

	"fieldnotes/app/notebook"
)

// derived is everything a record implies besides itself: index and posting
// keys (value-less) and unique keys (valued with the record id).
type derived struct {
	keys    map[string]bool
	uniques map[string]bool
}

// derive computes a record's index, unique and posting keys from its data.
// Data this version cannot decode is stored but not indexed.
func derive(env Envelope) derived { return deriveWith(env, true) }

// deriveWith is derive with or without the search postings (a large
// pulled page leaves them to the indexer, index.go).
func deriveWith(env Envelope, postings bool) derived {
	rec := notebook.NewRecord(env.Type)
	if rec == nil || env.Decode(rec) != nil {
		return derived{keys: map[string]bool{}, uniques: map[string]bool{}}
	}
	return deriveKeys(rec, postings)
}

// asPointer turns a record passed by value into a pointer to a copy, so the
// type switches below see one shape whichever way a caller passed it.
func asPointer(rec notebook.Record) notebook.Record {
	switch r := rec.(type) {
	case notebook.Hypothesis:
		return &r
	case notebook.Study:
		return &r
	case notebook.Account:
		return &r
	case notebook.Contact:
		return &r
	case notebook.Opportunity:
		return &r
	case notebook.Call:
		return &r
	case notebook.Evidence:
		return &r
	case notebook.Email:
		return &r
	}
	return rec
}

// deriveRecord computes the keys of a decoded record (its id included).
func deriveRecord(rec notebook.Record) derived { return deriveKeys(rec, true) }

func deriveKeys(rec notebook.Record, postings bool) derived {
	rec = asPointer(rec)
	d := derived{keys: map[string]bool{}, uniques: map[string]bool{}}
	t, id := rec.RecordType(), rec.RecordID()
	index := func(name, value string) {
		if value != "" {
			d.keys[string(indexKey(name, value, t, id))] = true
		}
	}
	at := func(ts time.Time) {
		if !ts.IsZero() {
			d.keys[string(timeKey(t, ts, id))] = true
		}
	}
	unique := func(kind, value string) {
		if value != "" {
			d.uniques[string(uniqueKey(kind, value))] = true
		}
	}
	switch r := rec.(type) {
	case *notebook.Account:
		for _, dom := range r.Domains {
			unique("domain", dom)
		}
	case *notebook.Contact:
		index("account", r.AccountID)
		index("study", r.StudyID)
		unique("email", r.Email)
	case *notebook.Opportunity:
		index("account", r.AccountID)
	case *notebook.Call:
		index("account", r.AccountID)
		for _, c := range r.ContactIDs {
			index("contact", c)
		}
		at(r.StartedAt)
	case *notebook.Evidence:
		index("account", r.AccountID)
		index("hypothesis", r.HypothesisID)
		index("call", r.CallID)
		index("contact", r.ContactID)
		index("opportunity", r.OpportunityID)
		at(r.CapturedAt)
	case *notebook.Email:
		index("account", r.AccountID)
		for _, c := range r.ContactIDs {
			index("contact", c)
		}
		at(r.Date)
		unique("msgid", r.MessageID)
	case *notebook.Study:
		index("hypothesis", r.HypothesisID)
	}
	if !postings {
		return d
	}
	for term := range termSet(searchText(rec)...) {
		d.keys[string(postingKey(term, t, id))] = true
	}
	return d
}
