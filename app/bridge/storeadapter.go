package bridge

import (
	"context"

	"fieldnotes/app/notebook"
	"fieldnotes/app/store"
)

// StoreBackend adapts the Badger store to Backend.
func StoreBackend(s *store.Store) Backend { return storeBackend{s} }

type storeBackend struct{ *store.Store }

func (b storeBackend) Save(ctx context.Context, rec notebook.Record) (Saved, error) {
	s, err := b.Store.Save(ctx, rec)
	return Saved{Seq: s.Seq, Changed: s.Changed, Created: s.Created}, err
}

// SaveAll is one store batch; a user action's few records stay far below
// the batch's commit size, so they commit together.
func (b storeBackend) SaveAll(ctx context.Context, recs []notebook.Record) error {
	return b.Batch(ctx, func(bt *store.Batch) error {
		for _, r := range recs {
			if _, err := bt.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b storeBackend) List(ctx context.Context, t notebook.Type, q Query) ([]notebook.Record, error) {
	sq := store.Query{AccountID: q.AccountID, HypothesisID: q.HypothesisID, CallID: q.CallID, ContactID: q.ContactID, StudyID: q.StudyID, OpportunityID: q.OpportunityID, Newest: q.Newest, Limit: q.Limit}
	switch t {
	case notebook.TypeHypothesis:
		return records(store.List[notebook.Hypothesis](ctx, b.Store, sq))
	case notebook.TypeStudy:
		return records(store.List[notebook.Study](ctx, b.Store, sq))
	case notebook.TypeAccount:
		return records(store.List[notebook.Account](ctx, b.Store, sq))
	case notebook.TypeContact:
		return records(store.List[notebook.Contact](ctx, b.Store, sq))
	case notebook.TypeOpportunity:
		return records(store.List[notebook.Opportunity](ctx, b.Store, sq))
	case notebook.TypeCall:
		return records(store.List[notebook.Call](ctx, b.Store, sq))
	case notebook.TypeEvidence:
		return records(store.List[notebook.Evidence](ctx, b.Store, sq))
	case notebook.TypeEmail:
		return records(store.List[notebook.Email](ctx, b.Store, sq))
	}
	return nil, notebook.Errorf(notebook.Invalid, "unknown record type %q", t)
}

func records[T notebook.Record](list []T, err error) ([]notebook.Record, error) {
	out := make([]notebook.Record, len(list))
	for i, v := range list {
		out[i] = v
	}
	return out, err
}

func (b storeBackend) Search(ctx context.Context, q string, limit int) ([]Hit, error) {
	hits, err := b.Store.Search(ctx, q, limit)
	out := make([]Hit, len(hits))
	for i, h := range hits {
		out[i] = Hit{Type: h.Type, ID: h.ID, Title: h.Title, Snippet: h.Snippet, Score: h.Score}
	}
	return out, err
}
