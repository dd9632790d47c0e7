package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// searchIdeas adds n ideas in Bettna whose title holds word, by one resident.
func searchIdeas(t *testing.T, db *sqlstore.DB, n int, title string) []*ortsplan.Idea {
	t.Helper()
	ctx := sqltest.System()
	l, err := db.FindLocality(ctx, "bettna")
	if err != nil {
		t.Fatal(err)
	}
	var rid int64
	if err := db.SQL().QueryRow(`INSERT INTO residents (email, name, locality_id, lang, created_at) VALUES ($1, 'Sökande Testperson', $2, 'sv', $3) RETURNING id`,
		fmt.Sprintf("sok%d@example.se", time.Now().UnixNano()), l.ID, time.Now().UTC()).Scan(&rid); err != nil {
		t.Fatal(err)
	}
	var out []*ortsplan.Idea
	for i := range n {
		idea := &ortsplan.Idea{LocalityID: l.ID, ResidentID: rid, Title: fmt.Sprintf(title, i), Body: "Förslaget gäller hela orten."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, idea.ResidentID), idea); err != nil {
			t.Fatal(err)
		}
		out = append(out, idea)
	}
	return out
}

func TestSearchPage(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		b := s.browser()

		// The box in the header of every page.
		r := b.get("/")
		form := r.Doc.Find(`header form[role="search"][action="/sok"][method="get"]`)
		if form.Length() != 1 || form.Find(`label[for="site-q"]`).Length() != 1 || form.Find(`input#site-q[name="q"][type="search"]`).Length() != 1 {
			t.Fatalf("no labelled search box in the header")
		}

		// Swedish forms, any case, without å/ä/ö: the demo's footpath action.
		for _, q := range []string{"gångvägar", "GANGVAG", "gångvägen"} {
			r = b.get("/sok?q=" + url.QueryEscape(q))
			wantStatus(t, r, 200)
			checkShell(t, r, "sv")
			hit := r.Doc.Find(`.search-hit:has(a[href*="/handlingsplan#atgard-"])`).FilterFunction(func(_ int, h *goquery.Selection) bool {
				return strings.Contains(h.Find("h3").Text(), "Bättre gångväg")
			})
			if hit.Length() != 1 {
				t.Fatalf("%q: the footpath action is not among %q", q, text(r, ".search-results"))
			}
			if m := hit.Find("h3 mark").First().Text(); m != "gångväg" {
				t.Errorf("%q: marked %q in the title", q, m)
			}
			if kind := hit.Find(".search-kind").Text(); kind != "Åtgärd i handlingsplanen" {
				t.Errorf("%q: kind %q", q, kind)
			}
			if !strings.Contains(hit.Find(".meta").Text(), "Sparreholm") {
				t.Errorf("%q: locality missing: %q", q, hit.Find(".meta").Text())
			}
			if v, _ := r.Doc.Find("#sok-q").Attr("value"); v != q {
				t.Errorf("the box shows %q, want %q", v, q)
			}
			if !strings.HasSuffix(text(r, ".search-count"), "träffar") && !strings.HasSuffix(text(r, ".search-count"), "träff") {
				t.Errorf("count: %q", text(r, ".search-count"))
			}
		}

		// Highlighting is HTML-safe.
		ideas := searchIdeas(t, db, 1, `Hundrastgård <b>nu</b> & "genast" %d`)
		r = b.get("/sok?q=hundrastg%C3%A5rdar")
		if strings.Contains(r.Body, "<b>nu</b>") || !strings.Contains(r.Body, "<mark>Hundrastgård</mark> &lt;b&gt;nu&lt;/b&gt; &amp;") {
			t.Fatalf("title not escaped or not marked: %s", truncate(r.Body[strings.Index(r.Body, "search-results"):], 800))
		}
		// Hidden at once.
		if err := db.Hide(sqltest.System(), ortsplan.Moderation{IdeaID: ideas[0].ID, Kind: "idea", TargetID: ideas[0].ID, Reason: "Test"}); err != nil {
			t.Fatal(err)
		}
		r = b.get("/sok?q=hundrastg%C3%A5rd")
		if r.Doc.Find(".search-hit").Length() != 0 || text(r, ".search-count") != "0 träffar" {
			t.Errorf("hidden idea still found: %q", text(r, ".search-results"))
		}

		// Filters: kind and locality, with counts as links.
		searchIdeas(t, db, 25, "Gångväg till badet, förslag %d")
		r = b.get("/sok?q=g%C3%A5ngv%C3%A4g&typ=ide")
		wantStatus(t, r, 200)
		r.Doc.Find(".search-hit").Each(func(_ int, h *goquery.Selection) {
			if k := h.Find(".search-kind").Text(); k != "Idé" && k != "Kommentar till en idé" {
				t.Errorf("kind filter let through %q", k)
			}
		})
		if cur := r.Doc.Find(`.search-filters a[aria-current]`).Text(); !strings.HasPrefix(cur, "Idéer och kommentarer (25") {
			t.Errorf("current filter %q", cur)
		}
		if sel, _ := r.Doc.Find(`#sok-typ option[selected]`).Attr("value"); sel != "ide" {
			t.Errorf("kind select shows %q", sel)
		}
		r = b.get("/sok?q=g%C3%A5ngv%C3%A4g&ort=sparreholm")
		if r.Doc.Find(".search-hit").Length() == 0 {
			t.Fatal("nothing in Sparreholm")
		}
		r.Doc.Find(".search-hit .meta").Each(func(_ int, m *goquery.Selection) {
			if !strings.Contains(m.Text(), "Sparreholm") {
				t.Errorf("locality filter let through %q", m.Text())
			}
		})

		// Paging.
		r = b.get("/sok?q=g%C3%A5ngv%C3%A4g&typ=ide&ort=bettna")
		if n := r.Doc.Find(".search-hit").Length(); n != 20 {
			t.Fatalf("page 1: %d hits", n)
		}
		next, _ := r.Doc.Find(`.pager a[rel="next"]`).Attr("href")
		if !strings.Contains(next, "sida=2") || !strings.Contains(next, "typ=ide") || !strings.Contains(next, "ort=bettna") {
			t.Fatalf("next link %q", next)
		}
		r = b.get(next)
		if n := r.Doc.Find(".search-hit").Length(); n != 5 {
			t.Errorf("page 2: %d hits", n)
		}
		if start, _ := r.Doc.Find("ol.search-results").Attr("start"); start != "21" {
			t.Errorf("page 2 starts at %q", start)
		}
		if cur := r.Doc.Find(`.pager a[aria-current="page"]`).Text(); cur != "Sida 2" {
			t.Errorf("current page %q", cur)
		}
		r = b.get("/sok?q=g%C3%A5ngv%C3%A4g&typ=ide&ort=bettna&sida=999")
		if n := r.Doc.Find(".search-hit").Length(); n != 5 {
			t.Errorf("a page past the end shows the last: %d hits", n)
		}
	})
}

func TestSearchPageBadInputAndEnglish(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		b := s.browser()
		for _, c := range []struct{ q, message string }{
			{"", "Skriv det du söker efter i rutan och välj Sök."},
			{"   ", "Skriv det du söker efter i rutan och välj Sök."},
			{`"*" () ^ - : & |`, "Sökningen innehöll inga ord att söka efter. Skriv ord med bokstäver eller siffror."},
			{strings.Repeat("gångväg ", 2000), "Sökningen var lång, så vi sökte bara efter de första orden."},
			{`"gångväg" OR NOT NEAR(skola)`, ""},
			{"'; DROP TABLE ideas; --", ""},
			{"<script>alert(1)</script>", ""},
		} {
			r := b.get("/sok?q=" + url.QueryEscape(c.q) + "&typ=nonsens&ort=finns-inte&sida=-3")
			wantStatus(t, r, 200)
			checkShell(t, r, "sv")
			if got := text(r, ".search-message"); got != c.message {
				t.Errorf("%.30q: message %q, want %q", c.q, got, c.message)
			}
			if strings.Contains(r.Body, "<script>alert") {
				t.Errorf("%.30q: unescaped", c.q)
			}
		}
		// Control characters are refused at the edge, before any search.
		bad := b.get("/sok?q=" + url.QueryEscape("\x00\x01\x1b["))
		wantStatus(t, bad, http.StatusBadRequest)
		if !strings.Contains(text(bad, "main"), "styrtecken") {
			t.Errorf("refusal not explained: %q", text(bad, "main"))
		}
		r := b.get("/sok?q=" + url.QueryEscape(strings.Repeat("x", 10000)))
		wantStatus(t, r, 200)
		if v, _ := r.Doc.Find("#sok-q").Attr("value"); len(v) != 200 {
			t.Errorf("the box shows %d characters", len(v))
		}
		if text(r, "main p:contains('Inga träffar')") == "" {
			t.Error("no 'no results' text")
		}

		b.header.Set("Accept-Language", "en")
		r = b.get("/sok?q=g%C3%A5ngv%C3%A4g")
		wantStatus(t, r, 200)
		checkShell(t, r, "en")
		if h := text(r, "h1"); h != "Search" {
			t.Errorf("h1 %q", h)
		}
		if !strings.Contains(r.Doc.Find(".search-kind").Text(), "Action in the action plan") || !strings.Contains(text(r, ".search-count"), "result") {
			t.Errorf("English labels: %q / %q", r.Doc.Find(".search-kind").Text(), text(r, ".search-count"))
		}
		if l := text(r, `label[for="site-q"]`); l != "Search the site" {
			t.Errorf("header label %q", l)
		}
		r = b.get("/sok")
		if got := text(r, ".search-message"); got != "Type what you are looking for in the box and choose Search." {
			t.Errorf("English empty message %q", got)
		}
	})
}
