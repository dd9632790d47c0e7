package web

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/ortsplan/ortsplan/cache"
)

// cacheCollector exports the bounded caches' sizes and counters to
// /metrics, labelled by cache.
type cacheCollector struct {
	caches map[string]func() cache.Stats

	bytes, limit, entries, hits, misses, evictions *prometheus.Desc
}

func newCacheCollector(caches map[string]func() cache.Stats) *cacheCollector {
	d := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc("ortsplan_cache_"+name, help, []string{"cache"}, nil)
	}
	return &cacheCollector{caches: caches,
		bytes:     d("bytes", "Estimated bytes the cache holds."),
		limit:     d("limit_bytes", "The cache's memory budget."),
		entries:   d("entries", "Entries the cache holds (approximate)."),
		hits:      d("hits_total", "Lookups that found a value."),
		misses:    d("misses_total", "Lookups that found none."),
		evictions: d("evictions_total", "Entries dropped to stay within the budget."),
	}
}

// Describe implements prometheus.Collector.
func (c *cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.bytes, c.limit, c.entries, c.hits, c.misses, c.evictions} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *cacheCollector) Collect(ch chan<- prometheus.Metric) {
	for name, stats := range c.caches {
		s := stats()
		ch <- prometheus.MustNewConstMetric(c.bytes, prometheus.GaugeValue, float64(s.WeightedSize), name)
		ch <- prometheus.MustNewConstMetric(c.limit, prometheus.GaugeValue, float64(s.MaxBytes), name)
		ch <- prometheus.MustNewConstMetric(c.entries, prometheus.GaugeValue, float64(s.Entries), name)
		ch <- prometheus.MustNewConstMetric(c.hits, prometheus.CounterValue, float64(s.Hits), name)
		ch <- prometheus.MustNewConstMetric(c.misses, prometheus.CounterValue, float64(s.Misses), name)
		ch <- prometheus.MustNewConstMetric(c.evictions, prometheus.CounterValue, float64(s.Evictions), name)
	}
}
