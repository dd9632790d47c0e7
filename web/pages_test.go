package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// checkShell asserts what every page must have: language, one h1, skip link,
// landmarks, footer links and the security headers.
func checkShell(t *testing.T, r *response, lang string) {
	t.Helper()
	path := r.Request.URL.RequestURI()
	if r.Doc == nil {
		t.Fatalf("%s: not HTML (%s)", path, r.Header.Get("Content-Type"))
	}
	if got, _ := r.Doc.Find("html").Attr("lang"); got != lang {
		t.Errorf("%s: html lang=%q, want %q", path, got, lang)
	}
	if n := r.Doc.Find("h1").Length(); n != 1 {
		t.Errorf("%s: %d h1 elements, want 1", path, n)
	}
	if href, _ := r.Doc.Find("body > a.skip-link").First().Attr("href"); href != "#main" {
		t.Errorf("%s: skip link missing or wrong (%q)", path, href)
	}
	for _, sel := range []string{"header", "header nav[aria-label]", "main#main", "footer"} {
		if r.Doc.Find(sel).Length() != 1 {
			t.Errorf("%s: want exactly one %s", path, sel)
		}
	}
	for _, href := range []string{"/tillganglighet", "/personuppgifter"} {
		if r.Doc.Find(`footer a[href="`+href+`"]`).Length() != 1 {
			t.Errorf("%s: footer has no link to %s", path, href)
		}
	}
	if title := strings.TrimSpace(r.Doc.Find("title").Text()); title == "" {
		t.Errorf("%s: empty title", path)
	}
	csp := r.Header.Get("Content-Security-Policy")
	if csp == "" || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: weak CSP %q", path, csp)
	}
	if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Referrer-Policy") == "" {
		t.Errorf("%s: security headers missing", path)
	}
	if r.Doc.Find("script").Length() > 0 || r.Doc.Find("[style]").Length() > 0 {
		t.Errorf("%s: inline script or style found; the CSP would block it", path)
	}
	// Each form field has a label.
	r.Doc.Find("input:not([type=hidden]), select, textarea").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || r.Doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("%s: form field %q has no label", path, id)
		}
	})
}

func TestPublicPagesInBothLanguages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		pages := []struct {
			path    string
			status  int
			updated bool
		}{
			{"/", 200, true}, {"/orter", 200, true}, {"/orter?fas=genomforande", 200, true},
			{"/orter/sparreholm", 200, true}, {"/tillganglighet", 200, true}, {"/personuppgifter", 200, true},
			{"/logga-in", 200, false}, {"/finns-inte", 404, false}, {"/orter/atlantis", 404, false},
		}
		for _, lang := range []string{"sv", "en"} {
			b := s.browser()
			b.header.Set("Accept-Language", map[string]string{"sv": "sv-SE", "en": "en-GB,en;q=0.9"}[lang])
			for _, p := range pages {
				r := b.get(p.path)
				wantStatus(t, r, p.status)
				checkShell(t, r, lang)
				if got := r.Doc.Find("footer .updated time").Length(); (got == 1) != p.updated {
					t.Errorf("%s %s: 'Senast uppdaterad' shown=%v, want %v", lang, p.path, got == 1, p.updated)
				}
			}
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d translation lookups hit a missing key", n)
		}
	})
}

func TestLocalitiesListAndFilter(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		b := newSite(t, db).browser()
		r := b.get("/orter")
		rows := r.Doc.Find("table.data-table tbody tr")
		if rows.Length() != 8 {
			t.Fatalf("%d localities listed, want Flen's 8", rows.Length())
		}
		if !strings.Contains(rows.Text(), "Hälleforsnäs") || !strings.Contains(r.Body, "6\u00a0577") {
			t.Error("Hälleforsnäs or Flen's inhabitants (6 577) missing")
		}
		r = b.get("/orter?fas=mobiliserande")
		var names []string
		r.Doc.Find("table.data-table tbody th a").Each(func(_ int, a *goquery.Selection) { names = append(names, a.Text()) })
		if fmt.Sprint(names) != "[Mellösa Vadsbro]" {
			t.Fatalf("mobilising localities = %v, want [Mellösa Vadsbro]", names)
		}
		if sel := r.Doc.Find(`select[name="fas"] option[selected]`).AttrOr("value", ""); sel != "mobiliserande" {
			t.Errorf("the chosen phase is not kept selected: %q", sel)
		}
		// An unknown phase shows all rather than an error.
		if n := b.get("/orter?fas=%3Cscript%3E").Doc.Find("table.data-table tbody tr").Length(); n != 8 {
			t.Errorf("unknown phase filter showed %d rows", n)
		}
	})
}

func TestLanguageSwitch(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		b := newSite(t, db).browser()
		r := b.get("/orter")
		link := r.Doc.Find(".lang-switch a")
		if link.AttrOr("lang", "") != "en" || strings.TrimSpace(link.Text()) != "English" {
			t.Fatalf("language link: %q", link.Text())
		}
		r = b.get(link.AttrOr("href", ""))
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/orter" {
			t.Fatalf("switch redirects to %q, want /orter", loc)
		}
		r = b.get("/orter")
		if r.Doc.Find("html").AttrOr("lang", "") != "en" || text(r, "h1") != "Localities" {
			t.Fatalf("after switching: lang=%q h1=%q", r.Doc.Find("html").AttrOr("lang", ""), text(r, "h1"))
		}
		// The choice beats the browser's Accept-Language.
		b.header.Set("Accept-Language", "sv")
		if got := b.get("/").Doc.Find("html").AttrOr("lang", ""); got != "en" {
			t.Fatalf("cookie ignored: lang=%q", got)
		}
		// Redirects never leave the site.
		for _, evil := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
			r := b.get("/sprak?lang=sv&till=" + evil)
			if loc := r.Header.Get("Location"); loc != "/" {
				t.Errorf("till=%q redirected to %q", evil, loc)
			}
		}
		wantStatus(t, b.get("/sprak?lang=de"), http.StatusBadRequest)
	})
}

func TestStaticAssets(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		b := newSite(t, db).browser()
		href := b.get("/").Doc.Find(`link[rel="stylesheet"]`).First().AttrOr("href", "")
		if !strings.HasPrefix(href, "/static/style.") || len(href) < len("/static/style.0123456789.css") {
			t.Fatalf("stylesheet URL has no content hash: %q", href)
		}
		r := b.get(href)
		wantStatus(t, r, 200)
		if !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/css") {
			t.Fatalf("asset headers: %v", r.Header)
		}
		if !strings.Contains(r.Body, ":focus-visible") {
			t.Error("stylesheet has no visible focus style")
		}
		wantStatus(t, b.get("/static/style.css"), 404)
		print := b.get("/").Doc.Find(`link[media="print"]`).AttrOr("href", "")
		wantStatus(t, b.get(print), 200)
	})
}
