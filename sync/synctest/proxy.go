package synctest

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
)

// FaultKind is one way the network can fail a request.
type FaultKind int

// The faults. Each names what the client sees and whether the hub saw the
// request (the distinction the engine must get right).
const (
	Pass         FaultKind = iota // forwarded untouched
	DropRequest                   // connection closed before forwarding: the hub never sees it
	DropResponse                  // forwarded (the hub commits), then the connection is closed
	Duplicate                     // forwarded twice; the client sees the second answer
	Reorder                       // held until the next request has been forwarded
	Delay                         // forwarded after Fault.Delay
	Status                        // answered with Fault.Status (e.g. 503, 429) without forwarding
	Truncate                      // forwarded; the client gets half the body, then EOF
)

func (k FaultKind) String() string {
	return [...]string{"pass", "drop-request", "drop-response", "duplicate", "reorder", "delay", "status", "truncate"}[k]
}

// Fault says what to do with one request.
type Fault struct {
	Kind   FaultKind
	Delay  time.Duration // for Delay
	Status int           // for Status; 503 when zero
}

// Proxy is a fault-injecting reverse proxy in front of a hub.
type Proxy struct {
	URL    string
	target string
	srv    *httptest.Server
	tr     *http.Transport

	mu     sync.Mutex
	queue  []Fault
	policy func(n int, r *http.Request) Fault
	n      int
	held   chan struct{} // closed to release a reordered request
	counts map[FaultKind]int

	// ReorderHold bounds how long a reordered request waits for the next one.
	ReorderHold time.Duration
}

// NewProxy starts a proxy to target (a base URL such as Hub.URL).
func NewProxy(target string) *Proxy {
	p := &Proxy{target: target, tr: &http.Transport{}, counts: map[FaultKind]int{}, ReorderHold: 2 * time.Second}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p
}

// Close stops the proxy.
func (p *Proxy) Close() {
	p.srv.CloseClientConnections()
	p.srv.Close()
	p.tr.CloseIdleConnections()
}

// Inject queues faults for the next requests, one each, in order.
func (p *Proxy) Inject(faults ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.queue = append(p.queue, faults...)
}

// SetPolicy decides the fault of every request not covered by Inject; n
// counts requests from 0.
func (p *Proxy) SetPolicy(policy func(n int, r *http.Request) Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.policy = policy
}

// Counts returns how many requests got each fault.
func (p *Proxy) Counts() map[FaultKind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[FaultKind]int{}
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// RandomPolicy fails a share rate of requests with a fault drawn from
// kinds (all kinds when empty), reproducibly from seed.
func RandomPolicy(seed uint64, rate float64, kinds ...FaultKind) func(int, *http.Request) Fault {
	if len(kinds) == 0 {
		kinds = []FaultKind{DropRequest, DropResponse, Duplicate, Reorder, Delay, Status, Truncate}
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(int, *http.Request) Fault {
		mu.Lock()
		defer mu.Unlock()
		if rng.Float64() >= rate {
			return Fault{}
		}
		f := Fault{Kind: kinds[rng.IntN(len(kinds))]}
		switch f.Kind {
		case Delay:
			f.Delay = time.Duration(rng.IntN(200)) * time.Millisecond
		case Status:
			f.Status = []int{429, 500, 502, 503}[rng.IntN(4)]
		}
		return f
	}
}

func (p *Proxy) next(r *http.Request) (Fault, chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := Fault{}
	if len(p.queue) > 0 {
		f, p.queue = p.queue[0], p.queue[1:]
	} else if p.policy != nil {
		f = p.policy(p.n, r)
	}
	p.n++
	p.counts[f.Kind]++
	release := p.held
	if f.Kind == Reorder && release == nil {
		p.held = make(chan struct{})
		return f, p.held
	}
	if f.Kind == Reorder {
		f.Kind = Pass // one request is held at a time
	}
	p.held = nil
	return f, release // non-nil: release the held request after this one
}

func (p *Proxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "proxy: read body", http.StatusBadGateway)
		return
	}
	f, ch := p.next(r)
	if f.Kind == Reorder {
		select {
		case <-ch:
		case <-time.After(p.ReorderHold):
			p.mu.Lock()
			if p.held == ch {
				p.held = nil
			}
			p.mu.Unlock()
		}
		f.Kind = Pass
		ch = nil
	}
	p.apply(w, r, body, f)
	if ch != nil {
		close(ch)
	}
}

func (p *Proxy) apply(w http.ResponseWriter, r *http.Request, body []byte, f Fault) {
	switch f.Kind {
	case DropRequest:
		hangUp(w)
		return
	case Status:
		status := f.Status
		if status == 0 {
			status = http.StatusServiceUnavailable
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":"unavailable","message":"injected %d"}`, status)
		return
	case Delay:
		time.Sleep(f.Delay)
	}
	resp, respBody, err := p.forward(r, body)
	if err == nil && f.Kind == Duplicate {
		resp, respBody, err = p.forward(r, body)
	}
	if err != nil {
		http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
		return
	}
	switch f.Kind {
	case DropResponse:
		hangUp(w)
	case Truncate:
		writeTruncated(w, resp, respBody)
	default:
		copyHeader(w.Header(), resp.Header)
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(respBody) // the client may be gone: a proxy has nobody to tell
	}
}

func (p *Proxy) forward(r *http.Request, body []byte) (*http.Response, []byte, error) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	copyHeader(out.Header, r.Header)
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		if k == "Content-Length" || k == "Connection" {
			continue
		}
		dst[k] = append([]string(nil), vs...)
	}
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server closes the connection
	}
	conn.Close()
}

// writeTruncated announces the full length but sends half the body.
func writeTruncated(w http.ResponseWriter, resp *http.Response, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\n", resp.StatusCode, http.StatusText(resp.StatusCode))
	fmt.Fprintf(buf, "Content-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n",
		resp.Header.Get("Content-Type"), strconv.Itoa(len(body)))
	if _, err := buf.Write(body[:len(body)/2]); err == nil {
		_ = buf.Flush() // a half-sent body is the point; the connection closes next
	}
}
