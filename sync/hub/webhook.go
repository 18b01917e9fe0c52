package hub

import (
	"net/http"

	"fieldnotes/sync/hub/webhooks"
)

// Webhooks (POST /v1/webhooks, admin): a registered URL receives a
// Slack-compatible JSON message when evidence arrives for a hypothesis.
// Registration, queue and delivery are package webhooks'; this file is
// the HTTP API over it, and webhook_message.go composes the messages
// (they need the index and the pseudonym secret, which are the hub's).
//
// Never blocking a push: the push path does not know webhooks exist. The
// follower (product.go) notices new evidence after the push has committed
// and hands it to the outbox; deliveries are sent by the webhooks
// deliverer, one in flight per webhook, by one replica at a time.
// Delivery is at least once: a receiver may see a message twice after a
// replica dies mid-delivery and should dedupe on X-Fieldnotes-Delivery.

// Webhook is a registered receiver. Secret is returned only on creation.
type Webhook = webhooks.Webhook

// WebhookStatus is a webhook as listed, with its delivery state.
type WebhookStatus = webhooks.Status

// SignatureHeader carries "sha256=<hex HMAC-SHA256 of the body with the webhook's secret>".
const SignatureHeader = webhooks.SignatureHeader

// Sign returns the SignatureHeader value for body; receivers recompute it
// and compare with hmac.Equal.
func Sign(secret string, body []byte) string { return webhooks.Sign(secret, body) }

// WebhookWorker names this server's deliverer, as it appears in the
// User-Agent of its deliveries (which replica sent what).
func (s *Server) WebhookWorker() string { return s.product.deliverer.Worker() }

func (p *product) handleAddWebhook(w http.ResponseWriter, r *http.Request) {
	var req struct {
		URL           string   `json:"url"`
		HypothesisIDs []string `json:"hypothesis_ids"`
		Anonymise     bool     `json:"anonymise"`
	}
	if err := readJSONBody(w, r, 64<<10, &req); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	// Catch up first so evidence already on the hub is not announced as new.
	if err := p.idx.catchUp(r.Context()); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	hook, err := p.hooks.Add(r.Context(), Webhook{URL: req.URL, HypothesisIDs: req.HypothesisIDs, Anonymise: req.Anonymise}, userFrom(r.Context()).ID, p.srv.now())
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	p.refreshHooks(r.Context())
	p.log.Info("webhook added", "id", hook.ID, "by", hook.CreatedBy)
	writeJSON(w, http.StatusCreated, hook)
}

func (p *product) handleListWebhooks(w http.ResponseWriter, r *http.Request) {
	list, err := p.hooks.List(r.Context())
	if err != nil {
		p.srv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": list})
}

func (p *product) handleDeleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := p.hooks.Remove(r.Context(), r.PathValue("id")); err != nil {
		p.srv.fail(w, r, err)
		return
	}
	p.refreshHooks(r.Context())
	p.log.Info("webhook deleted", "id", r.PathValue("id"), "by", userFrom(r.Context()).ID)
	w.WriteHeader(http.StatusNoContent)
}
