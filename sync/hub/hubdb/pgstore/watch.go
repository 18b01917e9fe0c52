package pgstore

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// wakeCounters are the replication-wake figures /metrics shows.
type wakeCounters struct {
	received   atomic.Int64 // notifications received by this process
	reconnects atomic.Int64 // LISTEN connections (re)established after a loss
	lagMicros  atomic.Int64 // sum of commit → receipt delays
	watchers   atomic.Int64 // Watch loops running
}

// notifyPayload is what a commit sends: its time (Unix µs, to measure the
// wake delay) and the scopes it wrote.
func notifyPayload(now time.Time, scopes []string) string {
	return strconv.FormatInt(now.UnixMicro(), 10) + " " + strings.Join(scopes, " ")
}

func parsePayload(p string) (sent time.Time, scopes []string) {
	fields := strings.Fields(p)
	if len(fields) == 0 {
		return time.Time{}, nil
	}
	if us, err := strconv.ParseInt(fields[0], 10, 64); err == nil {
		return time.UnixMicro(us), fields[1:]
	}
	return time.Time{}, fields
}

// Watch returns change hints until ctx ends: the scopes each commit wrote,
// from every process on this database (LISTEN on ChangeChannel, on a
// connection of its own outside the pool). After the connection was lost
// and re-established it sends nil ("anything may have changed"), since
// notifications sent meanwhile are gone. A slow reader gets hints merged
// into nil rather than blocking the listener.
func (s *Store) Watch(ctx context.Context) <-chan []string {
	out := make(chan []string, 16)
	go s.listen(ctx, out)
	return out
}

func (s *Store) listen(ctx context.Context, out chan []string) {
	s.wake.watchers.Add(1)
	defer s.wake.watchers.Add(-1)
	defer close(out)
	backoff := 100 * time.Millisecond
	for first := true; ctx.Err() == nil; first = false {
		conn, err := s.listenConn(ctx)
		if err != nil {
			s.log.Warn("database change feed: cannot listen, retrying", "err", classify(err, "listen"), "in", backoff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		if !first {
			s.wake.reconnects.Add(1)
			hint(out, nil)
		}
		s.receive(ctx, conn, out)
		conn.Close(context.WithoutCancel(ctx))
	}
}

func (s *Store) listenConn(ctx context.Context) (*pgx.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(cctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, err
	}
	if _, err := conn.Exec(cctx, "LISTEN "+ChangeChannel); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return conn, nil
}

// receive forwards notifications until the connection fails or ctx ends.
// It wakes at least every few seconds to check the connection, so a dead
// database is noticed even when nothing is written.
func (s *Store) receive(ctx context.Context, conn *pgx.Conn, out chan []string) {
	for ctx.Err() == nil {
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			if wctx.Err() != nil { // quiet: make sure the connection still answers
				pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
				err = conn.Ping(pctx)
				pcancel()
				if err == nil {
					continue
				}
			}
			s.log.Warn("database change feed lost; reconnecting", "err", classify(err, "listen"))
			return
		}
		sent, scopes := parsePayload(n.Payload)
		s.wake.received.Add(1)
		if !sent.IsZero() {
			s.wake.lagMicros.Add(max(0, time.Since(sent).Microseconds()))
		}
		if scopes == nil {
			scopes = []string{}
		}
		hint(out, scopes)
	}
}

// hint sends without blocking; when the reader lags, the oldest hint is
// replaced by nil ("anything may have changed"), which covers it.
func hint(out chan []string, scopes []string) {
	for {
		select {
		case out <- scopes:
			return
		default:
		}
		select {
		case <-out:
			scopes = nil
		default:
		}
	}
}
