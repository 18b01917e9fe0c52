package synctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"fieldnotes/sync/syncproto"
)

// WireClient speaks protocol v1 with no cleverness: one request, one
// answer. Tests use it to drive the hub exactly as the protocol page says.
type WireClient struct {
	BaseURL  string
	Token    string
	ClientID string
	HTTP     *http.Client // nil: a client with a 90 s timeout
}

// Reply is a raw answer: status, body, and the body decoded when it is JSON.
type Reply struct {
	Status int
	Body   []byte
	Header http.Header
}

// Decode unmarshals the body into v.
func (r Reply) Decode(v any) error { return json.Unmarshal(r.Body, v) }

// Error decodes an error body.
func (r Reply) Error() syncproto.ErrorBody {
	var e syncproto.ErrorBody
	_ = json.Unmarshal(r.Body, &e)
	return e
}

func (c *WireClient) client() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return &http.Client{Timeout: 90 * time.Second}
}

// Do sends a request with the protocol's headers.
func (c *WireClient) Do(ctx context.Context, method, path string, body []byte) (Reply, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return Reply{}, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	req.Header.Set(syncproto.HeaderVersion, syncproto.Version)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.client().Do(req)
	if err != nil {
		return Reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Reply{}, err
	}
	return Reply{Status: resp.StatusCode, Body: b, Header: resp.Header}, nil
}

// Push sends mutations under c.ClientID. A 200 is decoded into resp.
func (c *WireClient) Push(ctx context.Context, muts ...syncproto.Mutation) (syncproto.PushResponse, Reply, error) {
	body, _ := json.Marshal(syncproto.PushRequest{ClientID: c.ClientID, Mutations: muts})
	rep, err := c.Do(ctx, http.MethodPost, "/v1/sync/push", body)
	var resp syncproto.PushResponse
	if err == nil && rep.Status == http.StatusOK {
		err = rep.Decode(&resp)
	}
	return resp, rep, err
}

// Pull asks for one page after cursor; wait > 0 long-polls.
func (c *WireClient) Pull(ctx context.Context, cursor string, limit int, wait time.Duration) (syncproto.PullResponse, Reply, error) {
	q := url.Values{}
	if c.ClientID != "" {
		q.Set("client_id", c.ClientID)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	if wait > 0 {
		q.Set("wait", strconv.FormatFloat(wait.Seconds(), 'f', -1, 64))
	}
	rep, err := c.Do(ctx, http.MethodGet, "/v1/sync/pull?"+q.Encode(), nil)
	var resp syncproto.PullResponse
	if err == nil && rep.Status == http.StatusOK {
		err = rep.Decode(&resp)
	}
	return resp, rep, err
}

// PullAll pulls pages until has_more is false and returns every record and
// the final cursor.
func (c *WireClient) PullAll(ctx context.Context, cursor string) ([]syncproto.Envelope, string, error) {
	var all []syncproto.Envelope
	for {
		page, rep, err := c.Pull(ctx, cursor, 0, 0)
		if err != nil {
			return nil, "", err
		}
		if rep.Status != http.StatusOK {
			return nil, "", fmt.Errorf("pull: %d %s", rep.Status, rep.Body)
		}
		all = append(all, page.Records...)
		cursor = page.Cursor
		if !page.HasMore {
			return all, cursor, nil
		}
	}
}

// Upsert builds an upsert mutation from a field map (values JSON-encoded).
func Upsert(mutationID uint64, typ, id, hlc string, fields map[string]any) syncproto.Mutation {
	m := syncproto.Mutation{MutationID: mutationID, Op: syncproto.OpUpsert, Type: typ, ID: id, HLC: hlc, Fields: map[string]json.RawMessage{}}
	for k, v := range fields {
		m.Fields[k], _ = json.Marshal(v)
	}
	return m
}

// Delete builds a delete mutation.
func Delete(mutationID uint64, typ, id, hlc string) syncproto.Mutation {
	return syncproto.Mutation{MutationID: mutationID, Op: syncproto.OpDelete, Type: typ, ID: id, HLC: hlc}
}

// HLCAt formats an HLC for a time and counter.
func HLCAt(t time.Time, counter uint16) string { return syncproto.FormatHLC(t.UnixMilli(), counter) }
