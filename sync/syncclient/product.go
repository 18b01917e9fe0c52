package syncclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"fieldnotes/app/notebook"
	"fieldnotes/sync/syncproto"
)

// ProductClient speaks the hub's product API (sync/README.md, "Product
// API"): who a token belongs to, announcing hypotheses, insights and the
// anonymised export. It is the app's only other way to the hub besides the
// engine, and shares its transport and its error kinds, so "offline",
// "wrong token" and "the hub had a problem" mean the same on every screen.
type ProductClient struct {
	hub hubClient
}

// maxProductBody bounds what a product answer may hold (an export of a
// large hypothesis is the biggest).
const maxProductBody = 256 << 20

// NewProductClient returns a client for the hub at base with token. An
// empty base or token is a KindNotConfigured error at the first call.
func NewProductClient(base, token string, hc *http.Client) *ProductClient {
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	return &ProductClient{hub: hubClient{base: strings.TrimRight(strings.TrimSpace(base), "/"), token: token, version: syncproto.Version, http: hc}}
}

// Me is who a token belongs to (GET /v1/me).
type Me struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
	// Audience is sales or cs when an admin set it on the hub.
	Audience string `json:"audience,omitempty"`
}

// Me asks the hub who the token belongs to.
func (c *ProductClient) Me(ctx context.Context) (Me, error) {
	var me Me
	return me, c.call(ctx, http.MethodGet, "/v1/me", nil, &me)
}

// Announced is the hub's answer for one announced hypothesis.
type Announced struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"` // applied or rejected
	Code        string     `json:"code"`
	Message     string     `json:"message"`
	PublishedAt *time.Time `json:"published_at"`
}

// Announce sends hypotheses to POST /v1/hypotheses (publish and decide:
// the hub stamps published_at and decided_at with its own clock). One
// result per hypothesis, in order.
func (c *ProductClient) Announce(ctx context.Context, hs ...notebook.Hypothesis) ([]Announced, error) {
	body, err := json.Marshal(map[string]any{"hypotheses": hs})
	if err != nil {
		return nil, err
	}
	var res struct {
		Results []Announced `json:"results"`
	}
	if err := c.call(ctx, http.MethodPost, "/v1/hypotheses", body, &res); err != nil {
		return nil, err
	}
	if len(res.Results) != len(hs) {
		return nil, newErr(KindProtocol, http.StatusOK, nil, "the hub answered %d results for %d hypotheses", len(res.Results), len(hs))
	}
	return res.Results, nil
}

// Insights fetches GET /v1/insights/hypotheses for one hypothesis or ("")
// all of them, decoding the hub's JSON into out (a pointer to the caller's
// typed report); an unfiltered report also tells the hub product has now
// seen the evidence in it.
func (c *ProductClient) Insights(ctx context.Context, hypothesisID string, out any) error {
	path := "/v1/insights/hypotheses"
	if hypothesisID != "" {
		path += "?hypothesis_id=" + url.QueryEscape(hypothesisID)
	}
	return c.call(ctx, http.MethodGet, path, nil, out)
}

// InsightAccounts fetches GET /v1/insights/accounts: the accounts behind
// one count on Insights (a signal, within a segment or author role if set).
// The answer is decoded into out, a pointer to the caller's typed list.
func (c *ProductClient) InsightAccounts(ctx context.Context, hypothesisID, signal, segment, role string, out any) error {
	q := url.Values{"hypothesis_id": {hypothesisID}}
	for k, v := range map[string]string{"signal": signal, "segment": segment, "role": role} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return c.call(ctx, http.MethodGet, "/v1/insights/accounts?"+q.Encode(), nil, out)
}

// AnonymisedCSV fetches one hypothesis's evidence as the hub's anonymised
// CSV (stable pseudonyms for accounts, contacts and authors).
func (c *ProductClient) AnonymisedCSV(ctx context.Context, hypothesisID string) ([]byte, error) {
	var raw []byte
	return raw, c.call(ctx, http.MethodGet, "/v1/export/evidence.csv?anonymise=1&hypothesis_id="+url.QueryEscape(hypothesisID), nil, &raw)
}

// call sends one request and decodes a 2xx answer into out (*[]byte: the
// raw body).
func (c *ProductClient) call(ctx context.Context, method, path string, body []byte, out any) error {
	if c.hub.base == "" || c.hub.token == "" {
		return newErr(KindNotConfigured, 0, nil, "No hub is set up: add the hub address and your token in Settings → Sync.")
	}
	resp, err := c.hub.request(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer drain(resp)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxProductBody))
	if err != nil {
		return newErr(KindOffline, resp.StatusCode, err, "the connection to the hub broke while it answered (%s)", netReason(err))
	}
	if resp.StatusCode/100 != 2 {
		return productStatusErr(resp, raw)
	}
	if b, ok := out.(*[]byte); ok {
		*b = raw
		return nil
	}
	if out == nil { // an answer without a body (204)
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return newErr(KindProtocol, resp.StatusCode, err, "the hub's answer to %s could not be read (%v)", path, err)
	}
	return nil
}

// productStatusErr words a refusal of the product API. It differs from the
// engine's statusErr where the meaning does: a 403 here is the user's role,
// not an installation bound to someone else, and a 404 an older hub.
func productStatusErr(resp *http.Response, raw []byte) error {
	eb := decodeErrorBody(raw)
	switch st := resp.StatusCode; st {
	case http.StatusForbidden:
		return newErr(KindForbidden, st, nil, "Only product managers and admins can do this; the hub knows you as a field user.")
	case http.StatusNotFound:
		return newErr(KindNotFound, st, nil, "The hub does not know this (%s). It may be an older hub without the product API.", orDefault(eb.Message, "not found"))
	case http.StatusBadRequest:
		return newErr(KindRefused, st, nil, "The hub refused the request: %s", orDefault(eb.Message, "no reason given"))
	case http.StatusConflict:
		return newErr(KindRefused, st, nil, "%s", orDefault(eb.Message, "The hub refused: this conflicts with what it has."))
	case http.StatusUnauthorized:
		return newErr(KindUnauthorized, st, nil, "The hub does not accept your token (unknown or revoked). Ask your admin for a new one and save it in Settings → Sync.")
	}
	return statusErr(resp, raw)
}

// String is for logs.
func (c *ProductClient) String() string { return fmt.Sprintf("product client for %s", c.hub.base) }
