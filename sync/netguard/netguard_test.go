package netguard

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPublic(t *testing.T) {
	for _, a := range []string{"127.0.0.1", "127.1.2.3", "::1", "0.0.0.0", "::", "169.254.169.254", "fe80::1",
		"10.1.2.3", "172.16.0.1", "192.168.1.1", "100.64.0.1", "fd00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
		"224.0.0.1", "255.255.255.255", "64:ff9b::a00:1", "2002:7f00:1::"} {
		if Public(netip.MustParseAddr(a)) {
			t.Errorf("%s counted as public", a)
		}
	}
	for _, a := range []string{"93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"} {
		if !Public(netip.MustParseAddr(a)) {
			t.Errorf("%s counted as not public", a)
		}
	}
}

// fixed answers every lookup with addrs (no network).
func fixed(addrs ...string) Lookup {
	return func(context.Context, string) ([]netip.Addr, error) {
		var out []netip.Addr
		for _, a := range addrs {
			out = append(out, netip.MustParseAddr(a))
		}
		return out, nil
	}
}

func TestCheckURLRefusesTheHubsOwnNetwork(t *testing.T) {
	g := Guard{Lookup: fixed("127.0.0.1")}
	for _, raw := range []string{"http://127.0.0.1:8787/", "http://[::1]/", "http://0.0.0.0/", "http://169.254.169.254/latest/meta-data/",
		"http://127.1/", "http://2130706433/", "http://localhost:8787/", "http://hooks.internal/"} {
		if err := g.CheckURL(context.Background(), raw); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
	if err := (Guard{Lookup: fixed("93.184.216.34")}).CheckURL(context.Background(), "https://hooks.example.com/x"); err != nil {
		t.Errorf("a public receiver refused: %v", err)
	}
	if err := (Guard{Lookup: fixed("93.184.216.34", "10.0.0.5")}).CheckURL(context.Background(), "https://mixed.example.com/"); err == nil {
		t.Error("a name with one private address accepted")
	}
	if err := (Guard{AllowPrivate: true}).CheckURL(context.Background(), "http://127.0.0.1:9/"); err != nil {
		t.Errorf("allow-private refused loopback: %v", err)
	}
}

// TestDNSRebindingIsRefusedAtConnectTime: the name resolves to a public
// address when checked and to the loopback receiver when dialled; the
// dial is refused and the receiver never sees a request.
func TestDNSRebindingIsRefusedAtConnectTime(t *testing.T) {
	var hits atomic.Int32
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer recv.Close()
	port := recv.Listener.Addr().(interface{ String() string }).String()
	port = port[strings.LastIndex(port, ":")+1:]
	var calls atomic.Int32
	g := Guard{Lookup: func(context.Context, string) ([]netip.Addr, error) {
		if calls.Add(1) == 1 {
			return []netip.Addr{netip.MustParseAddr("93.184.216.34")}, nil
		}
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}}
	target := "http://rebind.example.com:" + port + "/hook"
	if err := g.CheckURL(context.Background(), target); err != nil {
		t.Fatalf("check: %v", err)
	}
	_, err := g.Client(5*time.Second).Post(target, "application/json", strings.NewReader("{}"))
	if !errors.Is(err, ErrNotPublic) || hits.Load() != 0 {
		t.Fatalf("rebinding: err %v, receiver hits %d", err, hits.Load())
	}
	if got := Describe(err); strings.Contains(got, "127.0.0.1") || strings.Contains(got, port) {
		t.Fatalf("the error shows the address: %q", got)
	}
	// with --webhook-allow-private the same delivery goes through
	allowed := Guard{AllowPrivate: true, Lookup: fixed("127.0.0.1")}
	resp, err := allowed.Client(5*time.Second).Post(target, "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != 200 || hits.Load() != 1 {
		t.Fatalf("allow-private: %v, hits %d", err, hits.Load())
	}
	resp.Body.Close()
}
