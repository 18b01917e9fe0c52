package hub

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// productMetrics are the product side's Prometheus series, registered on
// the server's own registry (so tests can run many servers): webhook
// delivery outcomes and queue depth tell an admin a receiver is down
// before product notices missing messages; the index size tells memory.
type productMetrics struct {
	deliveries *prometheus.CounterVec
}

func newProductMetrics(p *product, reg *prometheus.Registry) *productMetrics {
	m := &productMetrics{deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "fieldhub_webhook_deliveries_total",
		Help: "Webhook delivery attempts by result (delivered, failed, dead)."}, []string{"result"})}
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fieldhub_webhook_queue_depth",
		Help: "Webhook messages waiting to be delivered."}, func() float64 { return float64(p.queued()) })
	indexed := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "fieldhub_insights_index_evidence",
		Help: "Evidence items held by the insights index."}, func() float64 { return float64(p.idx.size()) })
	reg.MustRegister(m.deliveries, queued, indexed)
	return m
}

func (m *productMetrics) delivery(result string) {
	if m != nil {
		m.deliveries.WithLabelValues(result).Inc()
	}
}

// queued counts queued deliveries over every webhook (0 when the store
// cannot say: a scrape must not fail for it).
func (p *product) queued() int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, _ := p.hooks.Queued(ctx)
	return n
}

// size is how many evidence items the index holds. TryLock: a scrape
// during a long catch-up reports 0 rather than waiting for it.
func (x *index) size() int {
	if !x.mu.TryLock() {
		return 0
	}
	defer x.mu.Unlock()
	return len(x.where)
}
