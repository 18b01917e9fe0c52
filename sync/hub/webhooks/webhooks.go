package webhooks

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"sort"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/hubdb"
	"fieldnotes/sync/netguard"
)

// Namespace and Queue are this package's share of the hub store
// (hubdb/doc.go lists every namespace and its owner).
const (
	Namespace = "webhooks"
	Queue     = "webhook"
)

const (
	hookPrefix   = "hook/"
	statusPrefix = "status/"
	cursorKey    = "cursor"
)

// Webhook is a registered receiver. Secret is returned only on creation.
type Webhook struct {
	ID            string    `json:"id"`
	URL           string    `json:"url"`
	HypothesisIDs []string  `json:"hypothesis_ids"` // empty: every hypothesis
	Anonymise     bool      `json:"anonymise"`      // pseudonyms instead of account names
	CreatedAt     time.Time `json:"created_at"`
	CreatedBy     string    `json:"created_by"`
	Secret        string    `json:"secret,omitempty"`
}

// Wants reports whether the webhook is about hypID.
func (h Webhook) Wants(hypID string) bool {
	if len(h.HypothesisIDs) == 0 {
		return true
	}
	for _, id := range h.HypothesisIDs {
		if id == hypID {
			return true
		}
	}
	return false
}

// Status is a webhook as listed, with its delivery state.
type Status struct {
	Webhook
	Pending       int        `json:"pending"`
	Delivered     int        `json:"delivered"`
	Dead          int        `json:"dead"`
	LastError     string     `json:"last_error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
}

// figures is the "status/<id>" document: what the deliverers learnt.
type figures struct {
	Delivered     int        `json:"delivered"`
	DeadImported  int        `json:"dead_imported,omitempty"` // buried before the hub kept its queue in the store
	LastError     string     `json:"last_error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at,omitempty"`
	LastSuccessAt *time.Time `json:"last_success_at,omitempty"`
}

// Headers of a delivery.
const (
	SignatureHeader = "X-Fieldnotes-Signature" // "sha256=<hex HMAC-SHA256 of the body with the webhook's secret>"
	DeliveryHeader  = "X-Fieldnotes-Delivery"  // the job id: the same on every attempt, receivers dedupe on it
	WebhookHeader   = "X-Fieldnotes-Webhook"
)

// Sign returns the SignatureHeader value for body; receivers recompute it
// and compare with hmac.Equal.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Registry is the registrations, read and written in the store.
type Registry struct {
	Store hubdb.Store
	Guard netguard.Guard // refuses the hub's own network (loopback, private, metadata)
}

func validURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || len(raw) > 2048 || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return notebook.Errorf(notebook.Invalid, "url: want an http(s) URL without credentials, such as https://hooks.slack.com/services/…")
	}
	return nil
}

// Add registers a receiver and returns it with its secret (shown once).
func (r Registry) Add(ctx context.Context, req Webhook, by string, now time.Time) (Webhook, error) {
	if err := validURL(req.URL); err != nil {
		return Webhook{}, err
	}
	if err := r.Guard.CheckURL(ctx, req.URL); err != nil {
		return Webhook{}, notebook.Errorf(notebook.Invalid, "url: %v; webhooks are delivered to public internet addresses only (loopback, private, link-local and metadata addresses are refused unless the hub runs with --webhook-allow-private)", err)
	}
	for _, id := range req.HypothesisIDs {
		if !notebook.ValidID(id) {
			return Webhook{}, notebook.Errorf(notebook.Invalid, "hypothesis_ids: %q is not a valid id", id)
		}
	}
	hook := Webhook{ID: "wh_" + randomHex(8), URL: req.URL, HypothesisIDs: req.HypothesisIDs, Anonymise: req.Anonymise,
		CreatedAt: now.UTC().Truncate(time.Millisecond), // received_at has ms precision
		CreatedBy: by, Secret: "whsec_" + base64.RawURLEncoding.EncodeToString(randomBytes(32))}
	if hook.HypothesisIDs == nil {
		hook.HypothesisIDs = []string{}
	}
	val, _ := json.Marshal(hook)
	err := r.Store.UpdateDocs(ctx, func(tx hubdb.DocTx) error { return tx.PutDoc(Namespace, hookPrefix+hook.ID, val) })
	if err != nil {
		return Webhook{}, err
	}
	return hook, nil
}

// Remove deletes a registration with its figures and every queued delivery.
func (r Registry) Remove(ctx context.Context, id string) error {
	if !strings.HasPrefix(id, "wh_") || len(id) > 64 {
		return notebook.Errorf(notebook.NotFound, "no webhook %q", id)
	}
	return r.Store.UpdateDocs(ctx, func(tx hubdb.DocTx) error {
		if _, ok, err := tx.GetDoc(Namespace, hookPrefix+id); err != nil {
			return err
		} else if !ok {
			return notebook.Errorf(notebook.NotFound, "no webhook %q", id)
		}
		return firstErr(tx.DeleteDoc(Namespace, hookPrefix+id), tx.DeleteDoc(Namespace, statusPrefix+id), tx.DeleteJobs(Queue, id))
	})
}

// Hooks returns every registration (with secrets), by id.
func (r Registry) Hooks(ctx context.Context) ([]Webhook, error) {
	var out []Webhook
	err := r.Store.ViewDocs(ctx, func(rd hubdb.DocReader) error {
		var err error
		out, err = readHooks(rd)
		return err
	})
	return out, err
}

func readHooks(rd hubdb.DocReader) ([]Webhook, error) {
	docs, err := rd.ScanDocs(Namespace, hookPrefix, hubdb.PrefixEnd(hookPrefix), 0)
	if err != nil {
		return nil, err
	}
	out := make([]Webhook, 0, len(docs))
	for _, d := range docs {
		var h Webhook
		if err := json.Unmarshal(d.Value, &h); err != nil {
			return nil, notebook.Wrap(notebook.Internal, err, "webhooks: registration %s is damaged: %v", d.Key, err)
		}
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// List returns every webhook with its delivery state, without secrets.
func (r Registry) List(ctx context.Context) ([]Status, error) {
	var hooks []Webhook
	figs := map[string]figures{}
	err := r.Store.ViewDocs(ctx, func(rd hubdb.DocReader) error {
		var err error
		if hooks, err = readHooks(rd); err != nil {
			return err
		}
		docs, err := rd.ScanDocs(Namespace, statusPrefix, hubdb.PrefixEnd(statusPrefix), 0)
		for _, d := range docs {
			var f figures
			if json.Unmarshal(d.Value, &f) == nil {
				figs[strings.TrimPrefix(d.Key, statusPrefix)] = f
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	stats, err := r.Store.QueueStats(ctx, Queue)
	if err != nil {
		return nil, err
	}
	out := make([]Status, 0, len(hooks))
	for _, h := range hooks {
		h.Secret = ""
		f, st := figs[h.ID], stats[h.ID]
		out = append(out, Status{Webhook: h, Pending: st.Pending, Dead: st.Dead + f.DeadImported, Delivered: f.Delivered,
			LastError: f.LastError, LastAttemptAt: f.LastAttemptAt, LastSuccessAt: f.LastSuccessAt})
	}
	return out, nil
}

// Queued counts the deliveries waiting (for the hub's metrics).
func (r Registry) Queued(ctx context.Context) (int, error) {
	stats, err := r.Store.QueueStats(ctx, Queue)
	n := 0
	for _, st := range stats {
		n += st.Pending
	}
	return n, err
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("webhooks: no randomness: " + err.Error())
	}
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n)) }
