package web_test

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestOpenDataPageSitemapAndRobots(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
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
		r := b.get("/sitemap.xml")
		wantStatus(t, r, 200)
		var set struct {
			URLs []struct {
				Loc string `xml:"loc"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal([]byte(r.Body), &set); err != nil {
			t.Fatal(err)
		}
		locs := map[string]bool{}
		for _, u := range set.URLs {
			if !strings.HasPrefix(u.Loc, s.srv.URL+"/") {
				t.Errorf("sitemap entry %q", u.Loc)
			}
			locs[strings.TrimPrefix(u.Loc, s.srv.URL)] = true
		}
		for _, want := range []string{"/", "/orter/sparreholm/handlingsplan", "/orter/vadsbro", "/oppna-data"} {
			if !locs[want] {
				t.Errorf("sitemap lacks %s", want)
			}
		}
		for p := range locs {
			if strings.HasPrefix(p, "/admin") || strings.HasPrefix(p, "/konto") {
				t.Errorf("sitemap lists a staff page %s", p)
			}
		}
		r = b.get("/robots.txt")
		if !strings.Contains(r.Body, "Sitemap: "+s.srv.URL+"/sitemap.xml") || !strings.Contains(r.Body, "Disallow: /admin/") {
			t.Fatalf("robots.txt: %q", r.Body)
		}
	})
}
