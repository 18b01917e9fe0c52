package hub

import "github.com/prometheus/client_golang/prometheus"

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
		Help: "Webhook messages waiting to be delivered."}, func() float64 { return float64(p.hooks.queued()) })
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

// pending counts queued deliveries over every webhook.
func (w *webhooks) queued() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, h := range w.hooks {
		n += len(h.queue)
	}
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
