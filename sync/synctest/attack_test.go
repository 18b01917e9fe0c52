package synctest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldnotes/sync/hub"
	"fieldnotes/sync/hub/hubdb"
)

// The attacks of issue 15, each as a hostile or careless user would try
// them against the real hub over HTTP on loopback. Every one failed
// (the attack worked) before its fix.

// hostPort is the hub's loopback address.
func (h *Hub) hostPort() string { return strings.TrimPrefix(h.URL, "http://") }

// TestAttackSlowloris holds connections open the slow way — headers a byte
// at a time, a body that never finishes, with and without a token — and
// checks the hub closes every one within its timeouts, and that
// connections beyond the unauthenticated cap are closed at once.
func TestAttackSlowloris(t *testing.T) {
	limits := hub.Limits{HeaderTimeout: 700 * time.Millisecond, BodyTimeout: 700 * time.Millisecond, MaxUnauthConns: 16}
	h := StartHub(t, HubOptions{Limits: limits})
	u := h.AddUser(t, hubdb.RoleField)
	type slow struct {
		name string
		head string
	}
	var attacks []slow
	for i := 0; i < 10; i++ {
		attacks = append(attacks,
			slow{"slow headers, no token", "POST /v1/sync/push HTTP/1.1\r\nHost: hub\r\nX-Slow: "},
			slow{"slow body, with token", "POST /v1/sync/push HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer " + u.Token +
				"\r\nSync-Protocol: 1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"client_id\":\"c_slow\","})
	}
	start := time.Now()
	var wg sync.WaitGroup
	held := make(chan string, len(attacks))
	for _, a := range attacks {
		wg.Add(1)
		go func(a slow) {
			defer wg.Done()
			conn, err := net.Dial("tcp", h.hostPort())
			if err != nil {
				return
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(10 * time.Second)) // the test's own bound
			if _, err := conn.Write([]byte(a.head)); err != nil {
				return
			}
			for i := 0; i < 100; i++ { // dribble one byte every 100 ms, at most 10 s
				time.Sleep(100 * time.Millisecond)
				if _, err := conn.Write([]byte("x")); err != nil {
					return // the hub closed it
				}
			}
			held <- a.name
		}(a)
	}
	wg.Wait()
	close(held)
	for name := range held {
		t.Errorf("%s: the connection was held for 10 s", name)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("closing the slow connections took %s", took)
	}
	// the hub still serves
	c := &WireClient{BaseURL: h.URL, Token: u.Token, ClientID: "c_after"}
	if _, rep, err := c.Push(context.Background(), Upsert(1, "account", "acc-after", HLCAt(time.Now(), 0), map[string]any{"name": "After"})); err != nil || rep.Status != 200 {
		t.Fatalf("push after the attack: %v %d %s", err, rep.Status, rep.Body)
	}
}

// TestAttackIdleConnectionsOverTheUnauthenticatedCap opens more silent
// connections than the cap: those over it are closed at once.
func TestAttackIdleConnectionsOverTheUnauthenticatedCap(t *testing.T) {
	h := StartHub(t, HubOptions{Limits: hub.Limits{MaxUnauthConns: 8, HeaderTimeout: 5 * time.Second}})
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := 0; i < 20; i++ {
		c, err := net.Dial("tcp", h.hostPort())
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	closed := 0
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
			closed++
		}
	}
	if closed < 12 {
		t.Fatalf("%d of 20 silent connections over a cap of 8 were closed, want at least 12", closed)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// TestAttackPushFlood: one user pushing faster than the quota gets 429
// with Retry-After; waiting and resending applies the push (nothing lost).
func TestAttackPushFlood(t *testing.T) {
	h := StartHub(t, HubOptions{Limits: hub.Limits{PushesPerSecond: 2, PushBurst: 5}})
	u := h.AddUser(t, hubdb.RoleField)
	c := &WireClient{BaseURL: h.URL, Token: u.Token, ClientID: "c_flood"}
	ctx := context.Background()
	next, limited := uint64(1), 0
	var retryAfter string
	for i := 0; i < 20; i++ {
		_, rep, err := c.Push(ctx, Upsert(next, "account", fmt.Sprintf("acc-%d", next), HLCAt(time.Now(), 0), map[string]any{"name": "Flood"}))
		if err != nil {
			t.Fatal(err)
		}
		switch rep.Status {
		case http.StatusOK:
			next++
		case http.StatusTooManyRequests:
			limited++
			retryAfter = rep.Header.Get("Retry-After")
			if rep.Error().Code != "rate_limited" {
				t.Fatalf("429 body: %s", rep.Body)
			}
		default:
			t.Fatalf("push: %d %s", rep.Status, rep.Body)
		}
	}
	secs, err := strconv.Atoi(retryAfter)
	if limited == 0 || err != nil || secs < 1 {
		t.Fatalf("20 pushes at once over a burst of 5: %d limited, Retry-After %q", limited, retryAfter)
	}
	time.Sleep(time.Duration(secs) * time.Second)
	if _, rep, _ := c.Push(ctx, Upsert(next, "account", "acc-late", HLCAt(time.Now(), 0), map[string]any{"name": "Late"})); rep.Status != 200 {
		t.Fatalf("push after Retry-After: %d %s", rep.Status, rep.Body)
	}
	metrics, _ := http.Get(h.URL + "/metrics")
	defer metrics.Body.Close()
	found := map[string]bool{}
	sc := bufio.NewScanner(metrics.Body)
	for sc.Scan() {
		for _, want := range []string{`fieldhub_throttled_total{limit="push_rate"}`, `fieldhub_limit{name="pushes_per_second_per_user"} 2`, `fieldhub_limit{name="record_bytes"}`} {
			if strings.HasPrefix(sc.Text(), want) {
				found[want] = true
			}
		}
	}
	for _, want := range []string{`fieldhub_throttled_total{limit="push_rate"}`, `fieldhub_limit{name="pushes_per_second_per_user"} 2`} {
		if !found[want] {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
