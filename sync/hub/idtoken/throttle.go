package idtoken

import (
	"bytes"
	"io"
	"net/http"
	"sync"
	"time"
)

// MinKeyRefresh is how long a fetched key set is reused before the
// provider is asked again. go-oidc refetches the keys for every token whose
// key it does not know — right for rotation, but then anyone can make the
// hub ask the provider once per forged token sent to an endpoint that needs
// no login. Through this cache the provider sees at most one request per
// URL per MinKeyRefresh, and a rotated key is picked up within it.
const MinKeyRefresh = 30 * time.Second

// throttled is an http.RoundTripper that answers a GET it answered with
// 200 less than MinKeyRefresh ago from memory.
type throttled struct {
	next http.RoundTripper
	now  func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	at     time.Time
	header http.Header
	body   []byte
}

func newThrottled(next http.RoundTripper, now func() time.Time) *throttled {
	if next == nil {
		next = http.DefaultTransport
	}
	return &throttled{next: next, now: now, cache: map[string]cached{}}
}

func (t *throttled) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet {
		return t.next.RoundTrip(req)
	}
	key := req.URL.String()
	t.mu.Lock()
	c, ok := t.cache[key]
	t.mu.Unlock()
	if ok && t.now().Sub(c.at) < MinKeyRefresh {
		return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: c.header.Clone(), Request: req,
			Body: io.NopCloser(bytes.NewReader(c.body)), ContentLength: int64(len(c.body))}, nil
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20)) // a key set or discovery document is a few KB
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	t.cache[key] = cached{at: t.now(), header: resp.Header.Clone(), body: body}
	t.mu.Unlock()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}
