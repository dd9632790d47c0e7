package web_test

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestLocalityAtomFeed(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		b := s.browser()
		r := b.get("/orter/bettna")
		href := r.Doc.Find(`link[rel="alternate"][type="application/atom+xml"]`).AttrOr("href", "")
		if href != "/orter/bettna/flode.atom" {
			t.Fatalf("no feed link in the page head: %q", href)
		}
		r = b.get(href)
		wantStatus(t, r, 200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("type %q", r.Header.Get("Content-Type"))
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Updated string   `xml:"updated"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(r.Body), &feed); err != nil {
			t.Fatalf("not Atom: %v", err)
		}
		if len(feed.Entries) < 5 || feed.ID == "" {
			t.Fatalf("%d entries", len(feed.Entries))
		}
		ids := map[string]bool{}
		var titles []string
		for i, e := range feed.Entries {
			if ids[e.ID] || e.ID == "" || !strings.HasPrefix(e.Link.Href, s.srv.URL+"/") {
				t.Errorf("entry %d: id %q link %q", i, e.ID, e.Link.Href)
			}
			ids[e.ID] = true
			if _, err := time.Parse(time.RFC3339, e.Updated); err != nil {
				t.Errorf("entry %d: updated %q", i, e.Updated)
			}
			if i > 0 && e.Updated > feed.Entries[i-1].Updated {
				t.Error("entries are not newest first")
			}
			titles = append(titles, e.Title)
		}
		all := strings.Join(titles, "\n")
		for _, want := range []string{"Anteckningar publicerade: Arbetsgruppen trafik", "Inställt: Stormöte i Bettna", "Nytt möte:"} {
			if !strings.Contains(all, want) {
				t.Errorf("feed lacks %q:\n%s", want, all)
			}
		}
		// Bettna's vision is a draft: not in the feed.
		if strings.Contains(r.Body, "Visionsgruppen arbetar") || strings.Contains(r.Body, "@") {
			t.Fatal("the feed shows a draft or an e-mail address")
		}
		wantStatus(t, b.get("/orter/atlantis/flode.atom"), 404)
	})
}
