package hub

import (
	"context"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"fieldnotes/sync/syncproto"
)

// Limits bound what one connection or one user can make the hub hold or
// do (sync/README.md, "Limits"). The zero value of a field means its
// default; DefaultLimits lists them.
type Limits struct {
	HeaderTimeout time.Duration // to read a request's headers
	BodyTimeout   time.Duration // to read a request's body, from the end of its headers
	WriteTimeout  time.Duration // to write a response (longer than the longest long-poll)
	IdleTimeout   time.Duration // a keep-alive connection between requests

	MaxRequestsPerUser int // requests of one user in flight at once (long-polls included)
	MaxUnauthConns     int // connections that have not yet made an authenticated request

	PushesPerSecond    float64 // pushes per user, sustained
	PushBurst          int     // pushes per user in a burst
	PushBytesPerMinute int64   // push body bytes per user, sustained (burst: the same)
}

// DefaultLimits are generous for people and their notebooks (a rep's ten
// devices, a bulk import of thousands of records) and tight for a script.
var DefaultLimits = Limits{
	HeaderTimeout:      10 * time.Second,
	BodyTimeout:        30 * time.Second,
	WriteTimeout:       time.Duration(syncproto.MaxWaitSeconds+30) * time.Second,
	IdleTimeout:        60 * time.Second,
	MaxRequestsPerUser: 64,
	MaxUnauthConns:     256,
	PushesPerSecond:    20,
	PushBurst:          60,
	PushBytesPerMinute: 32 << 20,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	pick := func(v, def time.Duration) time.Duration {
		if v > 0 {
			return v
		}
		return def
	}
	l.HeaderTimeout = pick(l.HeaderTimeout, d.HeaderTimeout)
	l.BodyTimeout = pick(l.BodyTimeout, d.BodyTimeout)
	l.WriteTimeout = pick(l.WriteTimeout, d.WriteTimeout)
	l.IdleTimeout = pick(l.IdleTimeout, d.IdleTimeout)
	if l.MaxRequestsPerUser <= 0 {
		l.MaxRequestsPerUser = d.MaxRequestsPerUser
	}
	if l.MaxUnauthConns <= 0 {
		l.MaxUnauthConns = d.MaxUnauthConns
	}
	if l.PushesPerSecond <= 0 {
		l.PushesPerSecond = d.PushesPerSecond
	}
	if l.PushBurst <= 0 {
		l.PushBurst = d.PushBurst
	}
	if l.PushBytesPerMinute <= 0 {
		l.PushBytesPerMinute = d.PushBytesPerMinute
	}
	return l
}

// guard enforces Limits: per-user push rate and volume, per-user requests
// in flight, and the number of connections not yet authenticated.
type guard struct {
	limits Limits
	mu     sync.Mutex
	users  map[string]*userQuota
	unauth atomic.Int64
	conns  sync.Map // net.Conn → *connInfo
	m      *metrics
}

type userQuota struct {
	pushes   *rate.Limiter
	bytes    *rate.Limiter
	inFlight int
	lastSeen time.Time
}

func newGuard(l Limits, m *metrics) *guard {
	return &guard{limits: l.withDefaults(), users: map[string]*userQuota{}, m: m}
}

func (g *guard) quota(userID string) *userQuota {
	q := g.users[userID]
	if q == nil {
		perSecond := float64(g.limits.PushBytesPerMinute) / 60
		q = &userQuota{
			pushes: rate.NewLimiter(rate.Limit(g.limits.PushesPerSecond), g.limits.PushBurst),
			bytes:  rate.NewLimiter(rate.Limit(perSecond), int(min(g.limits.PushBytesPerMinute, math.MaxInt32))),
		}
		g.users[userID] = q
		g.forgetIdleLocked()
	}
	q.lastSeen = time.Now()
	return q
}

// forgetIdleLocked drops quotas of users idle for ten minutes (their
// buckets are full again by then), so the map stays as small as the set
// of active users.
func (g *guard) forgetIdleLocked() {
	if len(g.users)%256 != 0 {
		return
	}
	cutoff := time.Now().Add(-10 * time.Minute)
	for id, q := range g.users {
		if q.inFlight == 0 && q.lastSeen.Before(cutoff) {
			delete(g.users, id)
		}
	}
}

// enter counts a request of userID in flight; false means over the cap.
func (g *guard) enter(userID string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.quota(userID)
	if q.inFlight >= g.limits.MaxRequestsPerUser {
		return false
	}
	q.inFlight++
	return true
}

func (g *guard) leave(userID string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if q := g.users[userID]; q != nil && q.inFlight > 0 {
		q.inFlight--
	}
}

// allowPush takes one push of size bytes from the user's buckets, or says
// how long to wait. Nothing is taken when the push is refused.
func (g *guard) allowPush(userID string, size int) (ok bool, retryAfter time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	q := g.quota(userID)
	now := time.Now()
	r1 := q.pushes.ReserveN(now, 1)
	r2 := q.bytes.ReserveN(now, max(size, 1))
	if !r1.OK() || !r2.OK() {
		r1.CancelAt(now)
		r2.CancelAt(now)
		return false, time.Minute
	}
	wait := max(r1.DelayFrom(now), r2.DelayFrom(now))
	if wait > 0 {
		r1.CancelAt(now)
		r2.CancelAt(now)
		return false, wait
	}
	return true, 0
}

// tooMany answers 429 with Retry-After in whole seconds (at least 1).
func tooMany(w http.ResponseWriter, wait time.Duration, message string) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(w, http.StatusTooManyRequests, syncproto.CodeRateLimited, message)
}

// perUser caps one user's requests in flight (after authentication).
func (g *guard) perUser(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user := userFrom(r.Context())
		if !g.enter(user.ID) {
			g.m.throttled.WithLabelValues("requests_in_flight").Inc()
			tooMany(w, time.Second, "too many requests in flight for this user (limit "+strconv.Itoa(g.limits.MaxRequestsPerUser)+"); retry shortly")
			return
		}
		defer g.leave(user.ID)
		markAuthenticated(r.Context(), g)
		next(w, r)
	}
}

// throttlePush refuses a push over the user's rate or volume with 429.
func (g *guard) throttlePush(userID string, w http.ResponseWriter, size int) bool {
	ok, wait := g.allowPush(userID, size)
	if ok {
		return false
	}
	g.m.throttled.WithLabelValues("push_rate").Inc()
	tooMany(w, wait, "push rate or volume over this user's quota; wait Retry-After seconds and send again (nothing was applied)")
	return true
}

// ---- connections ----

type connKey struct{}

// connInfo tracks whether a connection has made an authenticated request.
type connInfo struct{ authed atomic.Bool }

// markAuthenticated moves the request's connection out of the
// unauthenticated count.
func markAuthenticated(ctx context.Context, g *guard) {
	if ci, ok := ctx.Value(connKey{}).(*connInfo); ok && ci.authed.CompareAndSwap(false, true) {
		g.unauth.Add(-1)
	}
}

// bodyDeadline gives a request's body BodyTimeout from the end of its
// headers, and lifts the deadline once the body is read so a long-poll's
// wait is not cut short by it.
func (g *guard) bodyDeadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(g.limits.BodyTimeout)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
			}
		}
		next.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err == io.EOF && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// HTTPServer is the http.Server to serve the hub with: its timeouts, the
// body deadline and the cap on unauthenticated connections (a connection
// over the cap is closed at once). fieldhub serve and the tests use it.
func (s *Server) HTTPServer(log *slog.Logger) *http.Server {
	g := s.guard
	return &http.Server{
		Handler:           g.bodyDeadline(s.Handler()),
		ReadHeaderTimeout: g.limits.HeaderTimeout,
		WriteTimeout:      g.limits.WriteTimeout,
		IdleTimeout:       g.limits.IdleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			ci := &connInfo{}
			g.conns.Store(c, ci)
			return context.WithValue(ctx, connKey{}, ci)
		},
		ConnState: func(c net.Conn, state http.ConnState) {
			switch state {
			case http.StateNew:
				if g.unauth.Add(1) > int64(g.limits.MaxUnauthConns) {
					g.m.throttled.WithLabelValues("unauthenticated_connections").Inc()
					_ = c.Close() // StateClosed follows and gives the count back
				}
			case http.StateClosed, http.StateHijacked:
				g.connClosed(c)
			}
		},
	}
}

// connClosed gives back the count of a connection that never
// authenticated.
func (g *guard) connClosed(c net.Conn) {
	v, ok := g.conns.LoadAndDelete(c)
	if !ok {
		return
	}
	if ci := v.(*connInfo); ci.authed.CompareAndSwap(false, true) {
		g.unauth.Add(-1)
	}
}
