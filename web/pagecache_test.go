package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// pageCacheCount reads how many requests the page cache answered so.
func pageCacheCount(t *testing.T, s *site, result string) int {
	t.Helper()
	res := s.browser().get("/metrics")
	m := regexp.MustCompile(`(?m)^ortsplan_page_cache_requests_total\{result="` + result + `"\} (\d+)$`).FindStringSubmatch(res.Body)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestPageCache loads a plan page as an anonymous visitor: it is kept, has
// an ETag, answers If-None-Match with 304 and is sent from the cache the
// next time; a committed change shows at once, under a new ETag; a
// signed-in person always gets a fresh page with no validator.
func TestPageCache(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db, func(c *web.Config, _ *web.Services) {
			c.SharedCacheMaxAge, c.SharedCacheStale = 10e9, 60e9
		})
		const path = "/orter/skebokvarn/handlingsplan"
		visitor := s.browser()
		first := visitor.get(path)
		etag := first.Header.Get("ETag")
		if first.StatusCode != http.StatusOK || !strings.HasPrefix(etag, `W/"`) {
			t.Fatalf("GET %s: %d, ETag %q", path, first.StatusCode, etag)
		}
		if cc := first.Header.Get("Cache-Control"); cc != "public, max-age=0, s-maxage=10, stale-while-revalidate=60" {
			t.Errorf("Cache-Control %q", cc)
		}
		if v, _ := first.Doc.Find(`input[name="csrf"]`).Attr("value"); v != "" {
			t.Errorf("an anonymous page carries a CSRF token %q", v)
		}
		for _, c := range first.Cookies() {
			if c.Name == "csrf" {
				t.Errorf("an anonymous page sets the CSRF cookie")
			}
		}
		hits := pageCacheCount(t, s, "hit")
		again := visitor.get(path)
		if again.Body != first.Body || again.Header.Get("ETag") != etag {
			t.Errorf("the second load differs from the first")
		}
		if got := pageCacheCount(t, s, "hit"); got != hits+1 {
			t.Errorf("page cache hits went from %d to %d, want one more", hits, got)
		}

		// Revalidation: 304 with no body while nothing changed.
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		req.Header.Set("If-None-Match", `"other", `+etag)
		res := visitor.do(req)
		if res.StatusCode != http.StatusNotModified || res.Body != "" || res.Header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: %d, %d bytes, ETag %q; want 304 and none", etag, res.StatusCode, len(res.Body), res.Header.Get("ETag"))
		}

		// A change to the plan, committed, shows at once under a new ETag,
		// and the old ETag no longer gets 304.
		l, err := db.FindLocality(sqltest.System(), "skebokvarn")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SaveTheme(sqltest.System(), &ortsplan.Theme{LocalityID: l.ID, Title: "Sidcachens nya tema"}); err != nil {
			t.Fatal(err)
		}
		req, _ = http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		res = visitor.do(req)
		if res.StatusCode != http.StatusOK || !strings.Contains(res.Body, "Sidcachens nya tema") {
			t.Fatalf("after the change: %d, new theme shown: %v", res.StatusCode, strings.Contains(res.Body, "Sidcachens nya tema"))
		}
		if res.Header.Get("ETag") == etag || res.Header.Get("ETag") == "" {
			t.Errorf("the ETag %q did not change with the page", res.Header.Get("ETag"))
		}

		// English is kept apart from Swedish.
		req, _ = http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		req.Header.Set("Accept-Language", "en")
		if en := visitor.do(req); en.Header.Get("Content-Language") != "en" || en.Header.Get("ETag") == res.Header.Get("ETag") {
			t.Errorf("English page: Content-Language %q, ETag %q (Swedish %q)", en.Header.Get("Content-Language"), en.Header.Get("ETag"), res.Header.Get("ETag"))
		}

		// Signed in: fresh, private, no validator, forms with the token.
		s.user("cache-admin@example.se", ortsplan.RoleAdmin)
		staff := s.browser()
		staff.login("cache-admin@example.se", testPassword)
		page := staff.get(path)
		if page.Header.Get("ETag") != "" || page.Header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("signed in: ETag %q, Cache-Control %q", page.Header.Get("ETag"), page.Header.Get("Cache-Control"))
		}
		if v, _ := page.Doc.Find(`input[name="csrf"]`).Attr("value"); v == "" {
			t.Errorf("a signed-in page's forms carry no CSRF token")
		}
		if !strings.Contains(page.Body, "Sidcachens nya tema") {
			t.Errorf("the signed-in page lacks the new theme")
		}
	})
}

// TestPageCacheOff checks that without the page counter nothing is kept.
func TestPageCacheOff(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db, func(_ *web.Config, svc *web.Services) { svc.PageVersion = nil })
	res := s.browser().get("/orter/skebokvarn/handlingsplan")
	if res.StatusCode != http.StatusOK || res.Header.Get("ETag") != "" || res.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("without the page cache: %d, ETag %q, Cache-Control %q", res.StatusCode, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
	}
}

// TestAnonymousFormsNeedNoToken sends the sign-up form as an anonymous
// visitor without a token, which works, and as a browser would from another
// site, which is refused.
func TestAnonymousFormsNeedNoToken(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	form := url.Values{"ort": {"malmkoping"}, "name": {"Utan token"}, "email": {"utan-token@example.se"}, "consent": {"1"}}
	res := s.browser().postRaw("/var-med", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous sign-up without a token: %d, want 303\n%s", res.StatusCode, text(res, "main"))
	}
	cross := s.browser()
	cross.header.Set("Sec-Fetch-Site", "cross-site")
	form.Set("email", "fran-annan-sajt@example.se")
	res = cross.postRaw("/var-med", form)
	if res.StatusCode != http.StatusForbidden || !strings.Contains(text(res, "main"), s.web.Catalog().T("sv", "error.csrf")) {
		t.Errorf("a cross-site sign-up: %d, want 403 with the CSRF message", res.StatusCode)
	}
	other := s.browser()
	other.header.Set("Origin", "https://angripare.example")
	form.Set("email", "origin-annan@example.se")
	if res := other.postRaw("/var-med", form); res.StatusCode != http.StatusForbidden {
		t.Errorf("a sign-up with a foreign Origin: %d, want 403", res.StatusCode)
	}
}

// TestSignedInFormsNeedTheToken sends a signed-in person's form without the
// token and with a wrong one: both are refused; with it, it works.
func TestSignedInFormsNeedTheToken(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	s.user("token-admin@example.se", ortsplan.RoleAdmin)
	b := s.browser()
	b.login("token-admin@example.se", testPassword)
	for _, token := range []string{"", strings.Repeat("x", 43)} {
		res := b.postRaw("/logga-ut", url.Values{"csrf": {token}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("logout with token %q: %d, want 403", token, res.StatusCode)
		}
	}
	if res := b.get("/admin"); res.StatusCode != http.StatusOK {
		t.Fatalf("the refused logouts logged out: /admin %d", res.StatusCode)
	}
	if res := b.post("/logga-ut", nil); res.StatusCode != http.StatusSeeOther {
		t.Errorf("logout with the token: %d, want 303", res.StatusCode)
	}
}
