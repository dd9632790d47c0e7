package web_test

import (
	"encoding/csv"
	"encoding/xml"
	"github.com/ortsplan/ortsplan"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// readCSV checks the spreadsheet conventions (BOM, semicolons, CSV type) and
// returns the rows.
func readCSV(t *testing.T, b *browser, path string) [][]string {
	t.Helper()
	r := b.get(path)
	wantStatus(t, r, 200)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") || !strings.HasPrefix(r.Body, "\ufeff") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), ".csv") {
		t.Fatalf("%s: not a spreadsheet CSV: %v", path, r.Header)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestOpenDataCSV(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		d := seedOpenData(t, s)
		b := s.browser()
		// Each list page links its CSV, and /oppna-data links the site-wide ones.
		for page, file := range map[string]string{"/orter": "/orter.csv", "/orter/bettna/arbetsgrupper": "/orter/bettna/arbetsgrupper.csv",
			"/orter/bettna/moten": "/orter/bettna/moten.csv", "/orter/bettna/ideer": "/orter/bettna/ideer.csv", "/kalender": "/moten.csv"} {
			if b.get(page).Doc.Find(`a[href="`+file+`"]`).Length() != 1 {
				t.Errorf("%s does not link %s", page, file)
			}
		}
		r := b.get("/oppna-data")
		for _, file := range []string{"/orter.csv", "/arbetsgrupper.csv", "/moten.csv", "/ideer.csv", "/flode.atom", "/api/v1/openapi.json"} {
			if r.Doc.Find(`a[href="`+file+`"]`).Length() == 0 {
				t.Errorf("/oppna-data does not link %s", file)
			}
		}

		rows := readCSV(t, b, "/orter.csv")
		if rows[0][0] != "Ort" || len(rows) != 9 {
			t.Errorf("orter.csv: %d rows, head %v", len(rows), rows[0])
		}
		found := false
		for _, row := range rows {
			if row[0] == "Sparreholm" && row[2] == "Genomförandefas" {
				found = true
			}
		}
		if !found {
			t.Errorf("orter.csv lacks Sparreholm in its phase: %v", rows)
		}
		all := readCSV(t, b, "/ideer.csv")
		bettna := readCSV(t, b, "/orter/bettna/ideer.csv")
		sparreholm := readCSV(t, b, "/orter/sparreholm/ideer.csv")
		inBoth := 0 // the visible ideas of Bettna and Sparreholm, the demo's too
		for _, slug := range []string{"bettna", "sparreholm"} {
			is, _ := s.db.Ideas(sqltest.System(), mustLocality(t, s.db, slug).ID, ortsplan.SortNewest)
			for _, i := range is {
				if !i.Hidden() {
					inBoth++
				}
			}
		}
		if len(all)-1 != len(d.ideas) || len(bettna)+len(sparreholm)-2 != inBoth {
			t.Errorf("ideas: %d in all, %d+%d per locality, want %d", len(all)-1, len(bettna)-1, len(sparreholm)-1, len(d.ideas))
		}
		answered := false
		for _, row := range all[1:] {
			if row[1] == itoa(d.hidden) {
				t.Error("a hidden idea is in the CSV")
			}
			if row[1] == itoa(d.answered) && row[7] == "Tack, vi tittar på det." && row[4] == "Mottagen" {
				answered = true
			}
		}
		if !answered {
			t.Errorf("the answer is not in the CSV: %v", all)
		}
		meetings := readCSV(t, b, "/moten.csv")
		if len(meetings) < 3 || len(readCSV(t, b, "/orter/bettna/moten.csv")) >= len(meetings) {
			t.Errorf("meetings CSV: %d rows", len(meetings))
		}
		groups := readCSV(t, b, "/arbetsgrupper.csv")
		if len(groups) < 2 || groups[0][0] != "Ort" {
			t.Errorf("groups CSV: %v", groups)
		}
		for _, row := range readCSV(t, b, "/orter/bettna/arbetsgrupper.csv")[1:] {
			if row[0] != "bettna" {
				t.Errorf("another locality's group in Bettna's CSV: %v", row)
			}
		}
		b.header.Set("Accept-Language", "en")
		if rows := readCSV(t, b, "/orter.csv"); rows[0][0] != "Locality" {
			t.Errorf("English heads: %v", rows[0])
		}
		wantStatus(t, b.get("/orter/atlantis/ideer.csv"), 404)
	})
}

func TestSiteAtomFeed(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		d := seedOpenData(t, s)
		b := s.browser()
		r := b.get("/")
		if r.Doc.Find(`head link[rel="alternate"][type="application/atom+xml"][href="/flode.atom"]`).Length() != 1 {
			t.Fatal("no site feed link in the head")
		}
		r = b.get("/flode.atom")
		wantStatus(t, r, 200)
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Entries []struct {
				ID    string `xml:"id"`
				Title string `xml:"title"`
				Link  struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(r.Body), &feed); err != nil {
			t.Fatalf("not Atom: %v", err)
		}
		if feed.ID != s.srv.URL+"/flode.atom" || len(feed.Entries) < 10 {
			t.Fatalf("feed %q with %d entries", feed.ID, len(feed.Entries))
		}
		localities := map[string]bool{}
		titles := ""
		for _, e := range feed.Entries {
			name, _, _ := strings.Cut(e.Title, ":")
			localities[name] = true
			titles += e.Title + "\n"
			if strings.HasSuffix(e.Link.Href, "/ideer/"+itoa(d.hidden)) {
				t.Error("a hidden idea is in the feed")
			}
		}
		if len(localities) < 2 || !strings.Contains(titles, "Svar på idén:") {
			t.Errorf("the site feed should cover several localities and answers:\n%s", titles)
		}
		if strings.Contains(r.Body, "Visionsgruppen arbetar") || strings.Contains(r.Body, "@") || strings.Contains(r.Body, "Invånarsson") {
			t.Error("the feed shows a draft or personal data")
		}
	})
}
