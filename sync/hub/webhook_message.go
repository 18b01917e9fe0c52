package hub

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/hub/webhooks"
)

// WebhookMessage is the body a webhook receives: Slack's incoming-webhook
// shape (text, the notification fallback, plus Block Kit blocks) and a
// "fieldnotes" object for receivers that are programs. Slack ignores the
// extra key.
type WebhookMessage struct {
	Text       string           `json:"text"`
	Blocks     []map[string]any `json:"blocks"`
	Fieldnotes WebhookEvent     `json:"fieldnotes"`
}

// WebhookEvent is the machine-readable part of a webhook message.
type WebhookEvent struct {
	Event        string         `json:"event"` // "evidence.arrived"
	HypothesisID string         `json:"hypothesis_id"`
	Hypothesis   string         `json:"hypothesis"`
	Evidence     []WebhookItem  `json:"evidence"`
	Signals      map[string]int `json:"signals"`
	SentAt       time.Time      `json:"sent_at"`
}

// WebhookItem is one evidence item in a webhook message.
type WebhookItem struct {
	ID         string    `json:"id"`
	Signal     string    `json:"signal"`
	Account    string    `json:"account"`
	Quote      string    `json:"quote"`
	AuthorRole string    `json:"author_role"`
	CapturedAt time.Time `json:"captured_at"`
	ReceivedAt time.Time `json:"received_at"`
}

// quotesPerMessage bounds a message: Slack allows 50 blocks, people read five.
const quotesPerMessage = 5

// arrivalNote is what a message says about one item, taken from the
// index when the item arrived (the index lock is not held when the
// outbox composes the message).
type arrivalNote struct {
	obs       notebook.Observation
	statement string // the hypothesis's
	account   string // the account's name
}

// noteLocked snapshots an arrival; called with the index lock held (from
// the index's onArrive).
func (p *product) noteLocked(o notebook.Observation) arrivalNote {
	x := p.idx
	return arrivalNote{obs: o, statement: x.hyps[o.HypothesisID].Statement, account: x.accounts[o.AccountID].Name}
}

// compose builds the body for new evidence of one hypothesis (the
// webhooks outbox's Compose).
func (p *product) compose(hook Webhook, hypID string, items []webhooks.Item) ([]byte, error) {
	statement := ""
	for _, it := range items {
		if n, ok := it.Data.(arrivalNote); ok && n.statement != "" {
			statement = n.statement
		}
	}
	if statement == "" {
		statement = "hypothesis " + hypID
	}
	ps := &pseudonymizer{secret: p.secret, cache: map[string]string{}}
	ev := WebhookEvent{Event: "evidence.arrived", HypothesisID: hypID, Hypothesis: statement, Signals: map[string]int{}, SentAt: p.srv.now().UTC()}
	for _, it := range items {
		n, ok := it.Data.(arrivalNote)
		if !ok {
			return nil, notebook.Errorf(notebook.Internal, "webhook: item %s/%d has no note", it.Scope, it.Seq)
		}
		o := n.obs
		account, quote := n.account, o.Quote
		if hook.Anonymise {
			account = ps.name("Account", o.AccountID)
			quote = ps.scrub(quote, map[string]string{n.account: account})
		}
		if o.HasSignal() {
			ev.Signals[string(o.Signal)]++
		}
		ev.Evidence = append(ev.Evidence, WebhookItem{ID: o.ID, Signal: string(o.Signal), Account: account, Quote: quote,
			AuthorRole: string(o.AuthorRole), CapturedAt: o.CapturedAt, ReceivedAt: o.ReceivedAt})
	}
	msg := WebhookMessage{Text: summaryText(statement, ev), Blocks: blocks(statement, ev), Fieldnotes: ev}
	return json.Marshal(msg)
}

func summaryText(statement string, ev WebhookEvent) string {
	noun := "item"
	if len(ev.Evidence) != 1 {
		noun = "items"
	}
	return fmt.Sprintf("%d new evidence %s for “%s”: %s", len(ev.Evidence), noun, statement, signalSummary(ev.Signals))
}

func signalSummary(counts map[string]int) string {
	var parts []string
	for _, s := range notebook.Signals {
		if n := counts[string(s)]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

func blocks(statement string, ev WebhookEvent) []map[string]any {
	section := func(text string) map[string]any {
		return map[string]any{"type": "section", "text": map[string]any{"type": "mrkdwn", "text": text}}
	}
	out := []map[string]any{section(fmt.Sprintf("*New evidence* for *%s*\n%s", slackEscape(statement), signalSummary(ev.Signals)))}
	shown := 0
	for _, e := range ev.Evidence {
		if strings.TrimSpace(e.Quote) == "" || shown == quotesPerMessage {
			continue
		}
		shown++
		who := e.Account
		if e.AuthorRole != "" {
			who += " (" + e.AuthorRole + ")"
		}
		out = append(out, section(fmt.Sprintf("> %s\n— %s, _%s_", slackEscape(truncate(e.Quote, 500)), slackEscape(who), e.Signal)))
	}
	out = append(out, map[string]any{"type": "context", "elements": []map[string]any{
		{"type": "mrkdwn", "text": "Fieldnotes · hypothesis " + ev.HypothesisID}}})
	return out
}

// slackEscape escapes the three characters Slack's mrkdwn reserves, so a
// quote cannot ping @channel or forge a link.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
