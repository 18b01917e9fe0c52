package syncclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"fieldnotes/sync/syncproto"
)

// Bounds on what the engine reads from the hub, so a broken or hostile
// answer cannot exhaust memory.
const (
	maxSmallBody = 4 << 20   // push answers and error bodies
	maxPullBody  = 512 << 20 // one pull page (5000 large records)
	maxRetryWait = 10 * time.Minute
)

// hubClient is one hub endpoint with its credentials.
type hubClient struct {
	base    string
	token   string
	version string
	http    *http.Client
}

// pushReply is a push answer the engine acts on (200 or 409 mutation_gap,
// or the 413/400 that shrink the batch).
type pushReply struct {
	status   int
	results  []syncproto.Result
	expected uint64 // 409 mutation_gap: the next id the hub expects
	message  string // 400/413: the hub's words
}

func (c *hubClient) request(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, newErr(KindNotConfigured, 0, err, "the hub address %q is not usable: %v", c.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set(syncproto.HeaderVersion, c.version)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, ctx.Err()
		}
		return nil, newErr(KindOffline, 0, err, "cannot reach the hub at %s (%s)", c.base, netReason(err))
	}
	return resp, nil
}

// push sends one encoded push request.
func (c *hubClient) push(ctx context.Context, body []byte, sent []syncproto.Mutation) (pushReply, error) {
	resp, err := c.request(ctx, http.MethodPost, "/v1/sync/push", body)
	if err != nil {
		return pushReply{}, err
	}
	defer drain(resp)
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxSmallBody))
	if err != nil {
		return pushReply{}, newErr(KindOffline, resp.StatusCode, err, "the connection to the hub broke while it answered a push (%s)", netReason(err))
	}
	switch resp.StatusCode {
	case http.StatusOK:
		results, err := decodePushResults(raw, sent)
		return pushReply{status: resp.StatusCode, results: results}, err
	case http.StatusConflict:
		eb := decodeErrorBody(raw)
		if eb.Code != syncproto.CodeMutationGap || eb.Expected == 0 {
			return pushReply{}, newErr(KindProtocol, resp.StatusCode, nil, "the hub refused a push with a conflict this app does not know: %s", eb.Message)
		}
		results, err := checkResults(eb.Results, sent)
		return pushReply{status: resp.StatusCode, results: results, expected: eb.Expected}, err
	case http.StatusRequestEntityTooLarge, http.StatusBadRequest:
		return pushReply{status: resp.StatusCode, message: decodeErrorBody(raw).Message}, nil
	}
	return pushReply{}, statusErr(resp, raw)
}

// pullPage fetches one page after cursor; wait > 0 long-polls.
func (c *hubClient) pullPage(ctx context.Context, clientID, cursor string, limit int, wait time.Duration) (syncproto.PullResponse, error) {
	q := url.Values{}
	q.Set("client_id", clientID)
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	q.Set("limit", strconv.Itoa(limit))
	if wait > 0 {
		q.Set("wait", strconv.FormatFloat(wait.Seconds(), 'f', -1, 64))
	}
	resp, err := c.request(ctx, http.MethodGet, "/v1/sync/pull?"+q.Encode(), nil)
	if err != nil {
		return syncproto.PullResponse{}, err
	}
	defer drain(resp)
	if resp.StatusCode != http.StatusOK {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxSmallBody))
		return syncproto.PullResponse{}, statusErr(resp, raw)
	}
	page, err := decodePull(io.LimitReader(resp.Body, maxPullBody))
	if err != nil && errors.Is(ctx.Err(), context.Canceled) {
		return page, ctx.Err()
	}
	return page, err
}

// errReset is the 410 answer to a pull: download again, keep the outbox.
var errReset = errors.New("the hub asked for a fresh download (410 reset)")

// errBadCursor is a 400 answer to a pull: our saved cursor is unreadable.
var errBadCursor = errors.New("the hub cannot read this device's sync position")

// statusErr turns a non-success answer into an error in words.
func statusErr(resp *http.Response, raw []byte) error {
	eb := decodeErrorBody(raw)
	st := resp.StatusCode
	switch {
	case st == http.StatusGone:
		return errReset
	case st == http.StatusUnauthorized:
		return newErr(KindUnauthorized, st, nil, "the hub refused the token (%s); enter a valid token in Settings", orDefault(eb.Message, "unknown or revoked"))
	case st == http.StatusForbidden:
		return newErr(KindWrongUser, st, nil, "this installation belongs to another user on the hub; use that user's token (%s)", orDefault(eb.Message, "forbidden"))
	case st == http.StatusUpgradeRequired:
		return newErr(KindOutdated, st, nil, "update Fieldnotes: the hub speaks protocol %s, this app speaks %s", orDefault(resp.Header.Get(syncproto.HeaderVersion), "another version"), syncproto.Version)
	case st == http.StatusTooManyRequests:
		e := newErr(KindHubError, st, nil, "the hub is busy (too many requests); trying again shortly")
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return e
	case st >= 500:
		e := newErr(KindHubError, st, nil, "the hub had a problem (HTTP %d%s); trying again shortly", st, suffix(eb.Message))
		e.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		return e
	case st == http.StatusBadRequest:
		return newErr(KindProtocol, st, errBadCursor, "the hub did not understand this app's request: %s", orDefault(eb.Message, "no reason given"))
	}
	return newErr(KindProtocol, st, nil, "the hub answered HTTP %d%s", st, suffix(eb.Message))
}

// decodeErrorBody reads {"code","message",…} leniently: a body that is not
// JSON (a proxy's HTML page) yields its first line as the message.
func decodeErrorBody(raw []byte) syncproto.ErrorBody {
	var eb syncproto.ErrorBody
	if json.Unmarshal(raw, &eb) == nil && (eb.Code != "" || eb.Message != "") {
		eb.Message = clip(eb.Message, 300)
		return eb
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(raw)), "\n")
	return syncproto.ErrorBody{Message: clip(line, 200)}
}

// decodePushResults reads a 200 push answer and checks it against what was sent.
func decodePushResults(raw []byte, sent []syncproto.Mutation) ([]syncproto.Result, error) {
	var resp syncproto.PushResponse
	if err := json.Unmarshal(raw, &resp); err != nil {
		return nil, newErr(KindProtocol, http.StatusOK, err, "the hub's answer to a push could not be read (%v)", err)
	}
	if len(resp.Results) == 0 && len(sent) > 0 {
		return nil, newErr(KindProtocol, http.StatusOK, nil, "the hub answered a push without any results")
	}
	return checkResults(resp.Results, sent)
}

// checkResults keeps results in request order and refuses ones that name a
// mutation that was not sent or a status this client does not know: acting
// on them could drop unsent work from the outbox.
func checkResults(results []syncproto.Result, sent []syncproto.Mutation) ([]syncproto.Result, error) {
	if len(results) > len(sent) {
		return nil, newErr(KindProtocol, 0, nil, "the hub answered %d results for %d changes", len(results), len(sent))
	}
	for i, r := range results {
		if r.MutationID != sent[i].MutationID {
			return nil, newErr(KindProtocol, 0, nil, "the hub answered for change %d where change %d was sent", r.MutationID, sent[i].MutationID)
		}
		switch r.Status {
		case syncproto.StatusApplied, syncproto.StatusDuplicate, syncproto.StatusRejected:
		default:
			return nil, newErr(KindProtocol, 0, nil, "the hub answered an unknown status %q for change %d", clip(r.Status, 40), r.MutationID)
		}
	}
	return results, nil
}

// decodePull reads a pull page from a stream (pages are large: no copy).
func decodePull(r io.Reader) (syncproto.PullResponse, error) {
	var page syncproto.PullResponse
	dec := json.NewDecoder(r)
	if err := dec.Decode(&page); err != nil {
		return syncproto.PullResponse{}, newErr(KindProtocol, http.StatusOK, err, "the hub's changes could not be read (%s); trying again", readReason(err))
	}
	if page.Cursor == "" {
		return syncproto.PullResponse{}, newErr(KindProtocol, http.StatusOK, nil, "the hub sent changes without a cursor")
	}
	for i, env := range page.Records {
		if env.ID == "" || !syncproto.KnownType(env.Type) {
			return syncproto.PullResponse{}, newErr(KindProtocol, http.StatusOK, nil, "the hub sent record %d without an id or with an unknown type %q", i, clip(env.Type, 40))
		}
	}
	return page, nil
}

// parseRetryAfter reads delay-seconds or an HTTP date; 0 when absent or
// unreadable; capped so a bad header cannot park the engine for days.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n <= 0 {
			return 0
		}
		d = time.Duration(min(n, int64(maxRetryWait/time.Second))) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return max(0, min(d, maxRetryWait))
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	resp.Body.Close()
}

// netReason says in a few words why a request failed.
func netReason(err error) string {
	var pm *pinMismatch
	if errors.As(err, &pm) {
		return pm.Error()
	}
	s := err.Error()
	switch {
	case strings.Contains(s, "connection refused"):
		return "connection refused: is the hub running?"
	case strings.Contains(s, "no such host"):
		return "unknown host name"
	case strings.Contains(s, "timeout"), strings.Contains(s, "deadline exceeded"):
		return "timed out"
	case strings.Contains(s, "EOF"), strings.Contains(s, "reset by peer"):
		return "the connection was closed"
	case strings.Contains(s, "certificate"):
		return "its TLS certificate is not trusted"
	}
	return clip(s, 120)
}

func readReason(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the answer was cut off"
	}
	return clip(err.Error(), 120)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n] + "…"
}

var _ = fmt.Sprintf
