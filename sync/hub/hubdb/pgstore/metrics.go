package pgstore

import "github.com/prometheus/client_golang/prometheus"

// The store is a prometheus.Collector: the hub registers a store that is
// one, so /metrics shows the pool and the replication-wake figures.
var (
	poolConnsDesc = prometheus.NewDesc("fieldhub_db_pool_connections", "Database pool connections by state.", []string{"state"}, nil)
	poolMaxDesc   = prometheus.NewDesc("fieldhub_db_pool_max_connections", "Database pool size limit.", nil, nil)
	acquiresDesc  = prometheus.NewDesc("fieldhub_db_pool_acquires_total", "Connections taken from the pool.", nil, nil)
	emptyDesc     = prometheus.NewDesc("fieldhub_db_pool_empty_acquires_total", "Acquires that had to wait for a connection.", nil, nil)
	waitDesc      = prometheus.NewDesc("fieldhub_db_pool_acquire_wait_seconds_total", "Time spent waiting for pool connections.", nil, nil)
	wakeRecvDesc  = prometheus.NewDesc("fieldhub_replication_wakes_received_total", "Change notifications received from the database (commits on any replica).", nil, nil)
	wakeLagDesc   = prometheus.NewDesc("fieldhub_replication_wake_delay_seconds_total", "Sum of commit-to-receipt delays of change notifications (divide by wakes received).", nil, nil)
	wakeReconDesc = prometheus.NewDesc("fieldhub_replication_listen_reconnects_total", "Times the change feed's LISTEN connection was re-established.", nil, nil)
	watchersDesc  = prometheus.NewDesc("fieldhub_replication_watchers", "Change-feed listeners running in this process.", nil, nil)
)

// Describe implements prometheus.Collector.
func (s *Store) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolConnsDesc, poolMaxDesc, acquiresDesc, emptyDesc, waitDesc, wakeRecvDesc, wakeLagDesc, wakeReconDesc, watchersDesc} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (s *Store) Collect(ch chan<- prometheus.Metric) {
	st := s.pool.Stat()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v)
	}
	gauge(poolConnsDesc, float64(st.AcquiredConns()), "acquired")
	gauge(poolConnsDesc, float64(st.IdleConns()), "idle")
	gauge(poolConnsDesc, float64(st.ConstructingConns()), "constructing")
	gauge(poolMaxDesc, float64(st.MaxConns()))
	counter(acquiresDesc, float64(st.AcquireCount()))
	counter(emptyDesc, float64(st.EmptyAcquireCount()))
	counter(waitDesc, st.AcquireDuration().Seconds())
	counter(wakeRecvDesc, float64(s.wake.received.Load()))
	counter(wakeLagDesc, float64(s.wake.lagMicros.Load())/1e6)
	counter(wakeReconDesc, float64(s.wake.reconnects.Load()))
	gauge(watchersDesc, float64(s.wake.watchers.Load()))
}
