package hub

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"fieldnotes/sync/syncproto"
)

type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	duration  *prometheus.HistogramVec
	mutations *prometheus.CounterVec
	waiting   prometheus.Gauge
	throttled *prometheus.CounterVec
	limits    *prometheus.GaugeVec
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fieldhub_http_requests_total",
			Help: "HTTP requests by route and status code."}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "fieldhub_http_request_duration_seconds",
			Help: "HTTP request latency by route (pulls include long-poll waits).", Buckets: prometheus.DefBuckets}, []string{"route"}),
		mutations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fieldhub_push_mutations_total",
			Help: "Pushed mutations by result status."}, []string{"status"}),
		waiting: prometheus.NewGauge(prometheus.GaugeOpts{Name: "fieldhub_longpoll_waiting",
			Help: "Pull requests currently waiting for a change."}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fieldhub_throttled_total",
			Help: "Requests and connections refused by a limit, by limit."}, []string{"limit"}),
		limits: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "fieldhub_limit",
			Help: "The hub's quotas and limits (sync/README.md, Limits), by name; sizes in bytes, times in seconds."}, []string{"name"}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.mutations, m.waiting, m.throttled, m.limits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (m *metrics) instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		m.requests.WithLabelValues(route, strconv.Itoa(rec.status)).Inc()
		m.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

// publishLimits shows every quota on /metrics, so an operator sees the
// numbers a 429 or too_large came from.
func (m *metrics) publishLimits(l Limits) {
	for name, v := range map[string]float64{
		"header_timeout_seconds":         l.HeaderTimeout.Seconds(),
		"body_timeout_seconds":           l.BodyTimeout.Seconds(),
		"write_timeout_seconds":          l.WriteTimeout.Seconds(),
		"idle_timeout_seconds":           l.IdleTimeout.Seconds(),
		"requests_in_flight_per_user":    float64(l.MaxRequestsPerUser),
		"unauthenticated_connections":    float64(l.MaxUnauthConns),
		"pushes_per_second_per_user":     l.PushesPerSecond,
		"push_burst_per_user":            float64(l.PushBurst),
		"push_bytes_per_minute_per_user": float64(l.PushBytesPerMinute),
		"push_body_bytes":                syncproto.MaxPushBytes,
		"push_mutations":                 syncproto.MaxPushMutations,
		"field_value_nesting_depth":      syncproto.MaxNestingDepth,
	} {
		m.limits.WithLabelValues(name).Set(v)
	}
}
