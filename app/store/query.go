package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"fieldnotes/app/notebook"
)

// Query narrows List. At most one of the ids is used, in the order listed;
// with none, every record of the type is listed.
type Query struct {
	AccountID     string
	HypothesisID  string
	CallID        string
	ContactID     string
	StudyID       string // contacts recruited for a study
	OpportunityID string // evidence said in a deal
	Newest        bool   // newest first (ids are time-ordered UUIDv7; calls, evidence and email use their own time)
	Limit         int    // 0: no limit
}

// List returns the live records of type T matching q.
func List[T any, P interface {
	*T
	notebook.Record
}](ctx context.Context, s *Store, q Query) ([]T, error) {
	if err := ctxErr(ctx); err != nil {
		return nil, err
	}
	t := P(new(T)).RecordType()
	var out []T
	err := s.viewDB(func(txn *badger.Txn) error {
		return scanIDs(txn, t, q, func(id string, rec *badger.Item) (bool, error) {
			var v T
			var err error
			if rec != nil { // the scan is over the records themselves: no second read
				err = decodeItem(rec, t, id, P(&v))
			} else {
				err = getInto(txn, t, id, P(&v))
			}
			if notebook.IsCode(err, notebook.NotFound) {
				return true, nil // index entry of a tombstone being written: skip
			}
			if err != nil {
				return false, err
			}
			out = append(out, v)
			return q.Limit <= 0 || len(out) < q.Limit, nil
		})
	})
	return out, internal(err, "listing "+string(t))
}

// scanIDs walks the ids q selects, calling fn until it returns false; rec
// is the record itself when the walk is over the records (no index), else nil.
func scanIDs(txn *badger.Txn, t notebook.Type, q Query, fn func(id string, rec *badger.Item) (bool, error)) error {
	var prefix []byte
	switch {
	case q.AccountID != "":
		prefix = indexPrefix("account", q.AccountID, t)
	case q.HypothesisID != "":
		prefix = indexPrefix("hypothesis", q.HypothesisID, t)
	case q.CallID != "":
		prefix = indexPrefix("call", q.CallID, t)
	case q.ContactID != "":
		prefix = indexPrefix("contact", q.ContactID, t)
	case q.StudyID != "":
		prefix = indexPrefix("study", q.StudyID, t)
	case q.OpportunityID != "":
		prefix = indexPrefix("opportunity", q.OpportunityID, t)
	case q.Newest && (t == notebook.TypeCall || t == notebook.TypeEvidence || t == notebook.TypeEmail):
		prefix = []byte("i/time/" + string(t) + "/")
	default:
		prefix = recordPrefix(t)
	}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	opts.Reverse = q.Newest
	it := txn.NewIterator(opts)
	defer it.Close()
	start := prefix
	if q.Newest {
		start = append(append([]byte{}, prefix...), 0xff)
	}
	records := string(prefix) == string(recordPrefix(t))
	for it.Seek(start); it.ValidForPrefix(prefix); it.Next() {
		var rec *badger.Item
		if records {
			rec = it.Item()
		}
		more, err := fn(lastSegment(it.Item().Key()), rec)
		if err != nil || !more {
			return err
		}
	}
	return nil
}

// AccountByDomain finds the account owning domain or, for a subdomain such
// as eu.acme.com, the nearest parent domain (acme.com).
func (s *Store) AccountByDomain(ctx context.Context, domain string) (notebook.Account, error) {
	var a notebook.Account
	d := notebook.NormalizeDomain(domain)
	if d == "" {
		return a, notebook.Errorf(notebook.Invalid, "%q is not a domain", domain)
	}
	err := s.viewDB(func(txn *badger.Txn) error {
		for ; strings.Contains(d, "."); d = d[strings.IndexByte(d, '.')+1:] {
			id, err := getString(txn, string(uniqueKey("domain", d)))
			if err != nil {
				return err
			}
			if id != "" {
				if err := getInto(txn, notebook.TypeAccount, id, &a); !notebook.IsCode(err, notebook.NotFound) {
					return err
				}
			}
		}
		return notebook.Errorf(notebook.NotFound, "no account has the domain %s", domain)
	})
	return a, err
}

// ContactByEmail finds the contact with this address.
func (s *Store) ContactByEmail(ctx context.Context, email string) (notebook.Contact, error) {
	return byUnique[notebook.Contact](s, "email", notebook.NormalizeEmail(email), "no contact has the address "+email)
}

// EmailByMessageID finds a stored email by its Message-ID header.
func (s *Store) EmailByMessageID(ctx context.Context, messageID string) (notebook.Email, error) {
	return byUnique[notebook.Email](s, "msgid", messageID, "no email with Message-ID "+messageID)
}

func byUnique[T any, P interface {
	*T
	notebook.Record
}](s *Store, kind, value, notFound string) (T, error) {
	var v T
	if value == "" {
		return v, notebook.Errorf(notebook.NotFound, "%s", notFound)
	}
	err := s.viewDB(func(txn *badger.Txn) error {
		id, err := getString(txn, string(uniqueKey(kind, value)))
		if err != nil {
			return err
		}
		if id == "" {
			return notebook.Errorf(notebook.NotFound, "%s", notFound)
		}
		return getInto(txn, P(&v).RecordType(), id, P(&v))
	})
	return v, err
}

// Count returns how many live records of type t there are.
func (s *Store) Count(ctx context.Context, t notebook.Type) (int, error) {
	n := 0
	err := s.viewDB(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = recordPrefix(t)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	return n, internal(err, "counting "+string(t))
}

// Envelopes walks every stored envelope of type t (tombstones included), for
// export and sync resets.
func (s *Store) Envelopes(ctx context.Context, t notebook.Type, fn func(Envelope) error) error {
	return s.viewDB(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = recordPrefix(t)
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			if err := ctxErr(ctx); err != nil {
				return err
			}
			var env Envelope
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &env) }); err != nil {
				return err
			}
			if err := fn(env); err != nil {
				return err
			}
		}
		return nil
	})
}
