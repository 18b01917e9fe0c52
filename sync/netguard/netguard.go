// Package netguard keeps the hub's outgoing requests (webhook deliveries)
// away from the hub's own network: loopback, link-local (cloud metadata at
// 169.254.169.254), private, carrier-grade NAT, unspecified, multicast and
// other non-public addresses are refused, unless the operator allows them.
//
// A URL is checked twice: when it is registered (its host resolved, every
// address judged) and at every connection (the dialer's Control hook judges
// the address actually dialled), so a DNS name that resolves to a public
// address at registration and to 127.0.0.1 later (DNS rebinding) is still
// refused. Standard library only.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// ErrNotPublic is the error for a refused address.
var ErrNotPublic = errors.New("the address is not a public internet address")

// extra ranges net/netip has no predicate for.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: may embed a private IPv4
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
	netip.MustParsePrefix("2002::/16"),      // 6to4: may embed a private IPv4
	netip.MustParsePrefix("2001::/32"),      // Teredo
}

// Public reports whether ip is an address a webhook may be delivered to.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || !ip.IsGlobalUnicast() || ip.IsPrivate() || ip.IsLoopback() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// Lookup resolves a host name to addresses (net.DefaultResolver.LookupNetIP
// with network "ip" by default; tests pass their own).
type Lookup func(ctx context.Context, host string) ([]netip.Addr, error)

func systemLookup(ctx context.Context, host string) ([]netip.Addr, error) {
	return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
}

// Guard judges URLs and dials connections.
type Guard struct {
	AllowPrivate bool   // --webhook-allow-private: deliver to any address
	Lookup       Lookup // nil: the system resolver
}

func (g Guard) lookup() Lookup {
	if g.Lookup != nil {
		return g.Lookup
	}
	return systemLookup
}

// CheckURL resolves the URL's host and refuses it when any of its
// addresses is not public (one private answer is enough to refuse: a
// client may pick any of them).
func (g Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("not a URL with a host")
	}
	if g.AllowPrivate {
		return nil
	}
	addrs, err := g.resolve(ctx, u.Hostname())
	if err != nil {
		return err
	}
	for _, a := range addrs {
		if !Public(a) {
			return fmt.Errorf("%s: %w", u.Hostname(), ErrNotPublic)
		}
	}
	return nil
}

// resolve takes a literal address as it is (decimal and short forms such
// as 2130706433 and 127.1 are not literals to netip, and are looked up, so
// the resolver's own reading of them is what gets judged).
func (g Guard) resolve(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	addrs, err := g.lookup()(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("%s does not resolve", host)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("%s does not resolve", host)
	}
	return addrs, nil
}

// control refuses, at connect time, any address that is not public.
func (g Guard) control(network, address string, _ syscall.RawConn) error {
	if g.AllowPrivate {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil || !Public(ap.Addr()) {
		return ErrNotPublic
	}
	return nil
}

// DialContext resolves with the guard's Lookup and dials the first
// address that connects; the dialer's Control judges each address dialled.
func (g Guard) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, err
	}
	addrs, err := g.resolve(ctx, host)
	if err != nil {
		return nil, err
	}
	d := &net.Dialer{Timeout: 10 * time.Second, Control: g.control}
	var firstErr error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return conn, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	return nil, firstErr
}

// Client is an HTTP client that dials through the guard, uses no proxy
// (a proxy would connect on our behalf, past the guard) and follows no
// redirects (a moved receiver is re-registered, not followed).
func (g Guard) Client(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 nil,
			DialContext:           g.DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          16,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: timeout,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Describe turns a delivery error into words that say what failed and
// nothing about the network beyond (no addresses, ports or banners): a
// webhook's last_error must not work as a port scanner.
func Describe(err error) string {
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNotPublic):
		return "delivery failed (the receiver's address is not a public internet address)"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "delivery failed (timed out)"
	}
	return "delivery failed (could not connect)"
}

// DescribeStatus is the error text for a receiver's non-2xx answer.
func DescribeStatus(code int) string { return fmt.Sprintf("delivery failed (HTTP %d)", code) }
