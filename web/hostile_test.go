package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// The tab redirect: browsers drop a tab, so "/\t/evil.example" would be
// "//evil.example", off the site. Every redirect to a visitor's "till"
// stays on the site.
func TestRedirectsStayOnTheSite(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
	evil := []string{"/\t/evil.example", "/\n/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/x"}
	for _, till := range evil {
		b := s.browser()
		r := b.get("/sprak?lang=en&till=" + url.QueryEscape(till))
		if till[1] == '\t' || till[1] == '\n' {
			wantStatus(t, r, http.StatusBadRequest) // a control character in the query is refused at the edge
		} else if loc := r.Header.Get("Location"); r.StatusCode != http.StatusSeeOther || loc != "/" {
			t.Errorf("/sprak till %q: %d %q", till, r.StatusCode, loc)
		}
	}
	// Percent-encoded, the tab reaches the handler, which sends home.
	r := s.browser().get("/sprak?lang=en&till=%2F%09%2Fevil.example")
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("encoded tab in till: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
	s.user("kim@example.se", "official")
	for _, till := range []string{"//evil.example", "/\\evil.example", "https://evil.example/"} {
		b := s.browser()
		r := b.post("/logga-in", url.Values{"email": {"kim@example.se"}, "password": {testPassword}, "till": {till}})
		if loc := r.Header.Get("Location"); loc != "/" {
			t.Errorf("login till %q: redirect to %q", till, loc)
		}
	}
	b := s.browser()
	r = b.post("/logga-in", url.Values{"email": {"kim@example.se"}, "password": {testPassword}, "till": {"/\t/evil.example"}})
	if loc := r.Header.Get("Location"); loc != "/" { // form values may hold tabs (text areas): redirectTarget refuses it
		t.Errorf("login till a tab: redirect to %q", loc)
	}
	res := residentBrowser(t, s, "anna@example.se", "Anna")
	r = res.post("/orter/bettna/folj", url.Values{"mode": {"direkt"}, "till": {"//evil.example/x"}})
	if loc := r.Header.Get("Location"); loc != "/orter/bettna" {
		t.Errorf("follow till //evil.example: redirect to %q", loc)
	}
}

// A client behind the proxy that writes its own X-Forwarded-For entries
// still meets the per-address limit: only the proxy's entry is believed.
func TestSpoofedForwardedForStillLimited(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.TrustProxy = 1 })
	b := s.browser()
	limited := false
	for i := range 40 {
		// What the proxy passes on: the client's invented entry, then the client's real address.
		b.header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d, 203.0.113.5", i))
		r := b.post("/var-med", url.Values{"ort": {"flen"}, "name": {"Robot"}, "email": {fmt.Sprintf("r%d@example.se", i)}, "consent": {"1"}})
		if r.StatusCode == http.StatusTooManyRequests {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("40 sign-ups from one address with invented X-Forwarded-For entries were not limited")
	}
	// Another client behind the same proxy is not.
	other := s.browser()
	other.header.Set("X-Forwarded-For", "198.51.100.8")
	if r := other.post("/var-med", url.Values{"ort": {"flen"}, "name": {"Människa"}, "email": {"m@example.se"}, "consent": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("another client: %d", r.StatusCode)
	}
	// Without trusting a proxy, the header counts for nothing.
	s2 := newSite(t, sqltest.Open(t, sqlstore.SQLite))
	b2 := s2.browser()
	for i := range 40 {
		b2.header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", i))
		if r := b2.post("/var-med", url.Values{"ort": {"flen"}, "name": {"Robot"}, "email": {fmt.Sprintf("r%d@example.se", i)}, "consent": {"1"}}); r.StatusCode == http.StatusTooManyRequests {
			return
		}
	}
	t.Fatal("invented X-Forwarded-For entries escaped the limit with no proxy trusted")
}
