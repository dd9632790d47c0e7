package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

func TestHealthAndMetrics(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		b := newSite(t, db).browser()
		wantStatus(t, b.get("/healthz"), 200)
		wantStatus(t, b.get("/readyz"), 200)
		b.get("/orter")
		b.get("/orter/flen")
		// In English: a new page for the page cache, the same overview for the store's.
		en, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+"/orter/flen", nil)
		en.Header.Set("Accept-Language", "en")
		b.do(en)
		b.get("/orter/flen") // from the page cache, still counted by route
		b.get("/finns-inte")
		r := b.get("/metrics")
		wantStatus(t, r, 200)
		for _, want := range []string{
			`ortsplan_http_requests_total{code="200",method="GET",route="GET /orter"} 1`,
			`ortsplan_http_requests_total{code="200",method="GET",route="GET /orter/{slug}"} 3`,
			`ortsplan_page_cache_requests_total{result="hit"} 1`,
			`ortsplan_http_requests_total{code="404",method="GET",route="/"} 1`,
			`ortsplan_http_request_duration_seconds_count{method="GET",route="GET /orter"} 1`,
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		// The bounded caches report their use; the second overview of Flen was a hit.
		for _, name := range []string{"store", "markdown", "map", "effects_html"} {
			if !strings.Contains(r.Body, `ortsplan_cache_limit_bytes{cache="`+name+`"}`) {
				t.Errorf("no cache metrics for %s", name)
			}
		}
		m := regexp.MustCompile(`ortsplan_cache_hits_total\{cache="store"\} (\d+)`).FindStringSubmatch(r.Body)
		if m == nil || m[1] == "0" {
			t.Errorf("store cache hits: %v", m)
		}
		if r.Header.Get("X-Request-Id") == "" {
			t.Error("no request id header")
		}
		// Behind a proxy the client is not local: refused.
		b.header.Set("X-Forwarded-For", "203.0.113.9")
		wantStatus(t, b.get("/metrics"), http.StatusForbidden)
	})
}

func TestMetricsToken(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	b := newSite(t, db, func(c *web.Config, _ *web.Services) { c.MetricsToken = "s3cret" }).browser()
	wantStatus(t, b.get("/metrics"), http.StatusForbidden)
	b.header.Set("Authorization", "Bearer s3cret")
	wantStatus(t, b.get("/metrics"), http.StatusOK)
}

// TestClientGoneIsNoServerError: a request whose client went away before
// the answer was ready is recorded as 499, as a proxy records it, and
// logged as such, never as a server error.
func TestClientGoneIsNoServerError(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		var logs logRecords
		s := newSite(t, db, func(cfg *web.Config, _ *web.Services) { cfg.Logger = logs.logger() })
		for _, path := range []string{"/orter", "/orter/flen/handlingsplan", "/sok?q=belysning"} {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			req := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
			rec := httptest.NewRecorder()
			s.web.ServeHTTP(rec, req)
			if rec.Code != 499 {
				t.Errorf("%s with its client gone: %d, want 499", path, rec.Code)
			}
		}
		if errs, gone := logs.find(t, "ERROR", "server error"), logs.find(t, "INFO", "request ended before its answer"); len(errs) != 0 || len(gone) != 3 {
			t.Errorf("%d server errors logged, %d requests ended early; want 0 and 3", len(errs), len(gone))
		}
		r := s.browser().get("/metrics")
		if !strings.Contains(r.Body, `code="499"`) || strings.Contains(r.Body, `code="500"`) {
			t.Errorf("the metrics count no 499 or a 500:\n%s", regexp.MustCompile(`(?m)^ortsplan_http_requests_total.*$`).FindAllString(r.Body, -1))
		}
	})
}
