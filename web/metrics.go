package web

import (
	"crypto/subtle"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	// pageCache counts what the page cache did with anonymous page requests.
	pageCache *prometheus.CounterVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ortsplan_http_requests_total", Help: "HTTP requests by route, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ortsplan_http_request_duration_seconds", Help: "HTTP request duration by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method"}),
		pageCache: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ortsplan_page_cache_requests_total",
			Help: "Anonymous page requests by what the page cache did: hit (sent a kept page), miss (rendered and kept it) or pass (rendered a page it may not keep).",
		}, []string{"result"}),
	}
	reg.MustRegister(m.requests, m.duration, m.pageCache,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	if status == 0 {
		status = http.StatusOK
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(d.Seconds())
}

// metricsHandler serves Prometheus metrics to loopback clients, or to anyone
// with the configured bearer token.
func (s *Server) metricsHandler(w http.ResponseWriter, r *http.Request) {
	allowed := false
	if tok := s.cfg.MetricsToken; tok != "" {
		allowed = subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte("Bearer "+tok)) == 1
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ip := net.ParseIP(host)
		allowed = ip != nil && ip.IsLoopback() && r.Header.Get("X-Forwarded-For") == ""
	}
	if !allowed {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}
