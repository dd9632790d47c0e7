package web_test

import (
	"encoding/xml"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestOpenDataPageSitemapAndRobots(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		b := s.browser()
		for _, lang := range []string{"sv", "en"} {
			b.header.Set("Accept-Language", lang)
			r := b.get("/oppna-data")
			wantStatus(t, r, 200)
			checkShell(t, r, lang)
			if r.Doc.Find(`a[href^="https://creativecommons.org/publicdomain/zero"]`).Length() != 1 {
				t.Error("the licence is not linked")
			}
		}
		// The sitemap is an index of parts; every part holds addresses of the site.
		locs := map[string]bool{}
		readSitemap := func() {
			t.Helper()
			r := b.get("/sitemap.xml")
			wantStatus(t, r, 200)
			var idx struct {
				Sitemaps []struct {
					Loc string `xml:"loc"`
				} `xml:"sitemap"`
			}
			if err := xml.Unmarshal([]byte(r.Body), &idx); err != nil || len(idx.Sitemaps) < 3 {
				t.Fatalf("sitemap index: %v, %d parts\n%s", err, len(idx.Sitemaps), r.Body)
			}
			for _, part := range idx.Sitemaps {
				if !strings.HasPrefix(part.Loc, s.srv.URL+"/sitemap/") {
					t.Fatalf("sitemap part %q", part.Loc)
				}
				r := b.get(strings.TrimPrefix(part.Loc, s.srv.URL))
				wantStatus(t, r, 200)
				var set struct {
					URLs []struct {
						Loc string `xml:"loc"`
					} `xml:"url"`
				}
				if err := xml.Unmarshal([]byte(r.Body), &set); err != nil {
					t.Fatal(err)
				}
				for _, u := range set.URLs {
					if !strings.HasPrefix(u.Loc, s.srv.URL+"/") {
						t.Errorf("sitemap entry %q", u.Loc)
					}
					locs[strings.TrimPrefix(u.Loc, s.srv.URL)] = true
				}
			}
		}
		readSitemap()
		want := []string{"/", "/orter/sparreholm/handlingsplan", "/orter/vadsbro", "/oppna-data", "/moten/1"}
		// The public quickfix applications are listed, and no other.
		var public, hidden []string
		rows, err := db.SQL().Query("SELECT id, public FROM quickfixes")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var pub bool
			rows.Scan(&id, &pub)
			if pub {
				public = append(public, "/quickfix/"+itoa(id))
			} else {
				hidden = append(hidden, "/quickfix/"+itoa(id))
			}
		}
		rows.Close()
		if len(public) == 0 || len(hidden) == 0 {
			t.Fatalf("the demo has %d public and %d other quickfix applications; the test wants both", len(public), len(hidden))
		}
		want = append(want, public...)
		// Ideas of every locality are listed.
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		r0 := anna.post("/orter/bettna/ideer", url.Values{"title": {"Idé"}, "body": {"Text"}})
		ideaPath, _, _ := strings.Cut(r0.Header.Get("Location"), "?")
		want = append(want, ideaPath)
		readSitemap()
		// A part that is not one is 404, not a server error.
		for _, bad := range []string{"/sitemap/ideer/x.xml", "/sitemap/ideer/-1.xml", "/sitemap/ideer/3", "/sitemap/anvandare/0.xml", "/sitemap/ideer/99999999999999999999.xml"} {
			wantStatus(t, b.get(bad), http.StatusNotFound)
		}
		for _, want := range want {
			if !locs[want] {
				t.Errorf("sitemap lacks %s", want)
			}
		}
		for _, p := range hidden {
			if locs[p] {
				t.Errorf("sitemap lists %s, which is not public", p)
			}
		}
		for p := range locs {
			if strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "/konto") {
				t.Errorf("sitemap lists a staff page %s", p)
			}
		}
		r := b.get("/robots.txt")
		if !strings.Contains(r.Body, "Sitemap: "+s.srv.URL+"/sitemap.xml") || !strings.Contains(r.Body, "Disallow: /admin/") {
			t.Fatalf("robots.txt: %q", r.Body)
		}
	})
}
