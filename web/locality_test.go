package web_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// noPersonalData fails if a public page shows a staff e-mail address.
func noPersonalData(t *testing.T, r *response) {
	t.Helper()
	if strings.Contains(r.Body, "@ortsplan.example\"") && !strings.Contains(r.Body, "mailto:ortsutveckling@") {
		t.Errorf("%s shows an e-mail address", r.Request.URL.Path)
	}
	for _, e := range []string{"samordnare@", "tjansteperson.", "gruppledare.bettna@", "admin@ortsplan"} {
		if strings.Contains(r.Body, e) {
			t.Errorf("%s shows staff e-mail %s…", r.Request.URL.Path, e)
		}
	}
}

func TestLocalityPublicPages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		for _, lang := range []string{"sv", "en"} {
			b := s.browser()
			b.header.Set("Accept-Language", lang)

			r := b.get("/orter")
			wantStatus(t, r, 200)
			checkShell(t, r, lang)
			noPersonalData(t, r)
			svg := r.Doc.Find("figure svg")
			if svg.Length() != 1 || svg.Find("a").Length() != 7 {
				t.Fatalf("map: %d svg, %d links; want 7 localities with coordinates", svg.Length(), svg.Find("a").Length())
			}
			if href := svg.Find("a").First().AttrOr("href", ""); !strings.HasPrefix(href, "/orter/") {
				t.Errorf("map link %q", href)
			}
			if n := r.Doc.Find("table.data-table tbody tr").Length(); n != 8 {
				t.Fatalf("table has %d rows, want 8 (Vadsbro has no coordinates but is listed)", n)
			}

			for _, path := range []string{"/orter/sparreholm", "/orter/sparreholm/vision", "/orter/sparreholm/handlingsplan",
				"/orter/sparreholm/historik", "/orter/bettna/vision", "/orter/vadsbro", "/orter/vadsbro/handlingsplan", "/var-med", "/var-med?ort=bettna"} {
				r := b.get(path)
				wantStatus(t, r, 200)
				checkShell(t, r, lang)
				noPersonalData(t, r)
			}
		}
		b := s.browser()
		r := b.get("/orter/sparreholm")
		if n := r.Doc.Find("ol.timeline li").Length(); n != 3 {
			t.Errorf("timeline has %d steps, want 3", n)
		}
		if !strings.Contains(r.Doc.Find("ol.timeline").Text(), "1\u00a0april 2012") {
			t.Error("adoption date missing from the timeline")
		}
		if !strings.Contains(r.Body, "Sparreholms vision 2019") {
			t.Error("vision summary missing")
		}
		if r.Doc.Find(`a[href="/var-med?ort=sparreholm"]`).Length() != 1 {
			t.Error("no prominent 'Vill du vara med?' link")
		}
		if !strings.Contains(r.Doc.Find("#themes-caption").Parent().Text(), "Trafik") {
			t.Error("plan progress by theme missing")
		}
		if owner := text(r, ".owner"); !strings.Contains(owner, "Johan Ek") {
			t.Errorf("page owner = %q", owner)
		}
		if r.Doc.Find("footer .updated time").Length() != 1 {
			t.Error("no 'Senast uppdaterad'")
		}

		r = b.get("/orter/sparreholm/vision")
		if !strings.Contains(r.Doc.Find("dl.facts").Text(), "Kommunfullmäktige") || text(r, "h1") != "Sparreholms vision 2019" {
			t.Errorf("vision page: h1 %q", text(r, "h1"))
		}
		// Bettna's vision is a draft: hidden from the public.
		r = b.get("/orter/bettna/vision")
		if strings.Contains(r.Body, "Visionsgruppen arbetar") {
			t.Fatal("a draft vision is public")
		}

		r = b.get("/orter/sparreholm/handlingsplan")
		action := r.Doc.Find("article.action").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Find("h3").Text(), "hastighetsgränserna")
		})
		if action.Length() != 1 || !strings.Contains(action.Find(".status").Text(), "Genomförd") || action.Find(".status-icon").Length() != 1 {
			t.Fatalf("status not shown as text with icon: %q", action.Find(".action-state").Text())
		}
		if r.Doc.Find("article.action .sub-actions h4").Length() < 2 {
			t.Error("sub-actions missing")
		}
		if !strings.Contains(r.Body, `media="print"`) {
			t.Error("no print stylesheet")
		}
	})
}

func TestHistoryAndDiff(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		b := s.browser()
		r := b.get("/orter/sparreholm/historik")
		items := r.Doc.Find("ol.history li")
		if items.Length() < 5 {
			t.Fatalf("only %d revisions listed", items.Length())
		}
		var adopted string
		items.Each(func(_ int, li *goquery.Selection) {
			if strings.Contains(li.Text(), "Visionen fastställdes") {
				adopted = li.Find("a").AttrOr("href", "")
			}
			if strings.Contains(li.Text(), "Utkast") {
				t.Errorf("a draft revision is public: %q", li.Text())
			}
		})
		if adopted == "" || !strings.Contains(items.Text(), "Maria Lindholm") {
			t.Fatalf("no adopted-vision revision by the coordinator in:\n%s", items.Text())
		}
		// The visitor cannot see the draft, so the adopted text is compared with nothing.
		r = b.get(adopted)
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")

		// Staff see the draft and the word diff between the two versions.
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		staff := s.browser()
		staff.login("kim@example.se", testPassword)
		r = staff.get(adopted)
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		ins, del := r.Doc.Find(".diff ins"), r.Doc.Find(".diff del")
		if ins.Length() == 0 || del.Length() != 0 {
			t.Fatalf("no word diff shown: %s", r.Doc.Find(".diff").Text())
		}
		if !strings.Contains(ins.Text(), "trygg") || ins.Find(".visually-hidden").Length() == 0 {
			t.Errorf("inserted words not marked for screen readers: %q", ins.Text())
		}
		// Compare with a chosen version, and refuse one of another text.
		opt := r.Doc.Find(`select[name="jamfor"] option`).First().AttrOr("value", "")
		wantStatus(t, staff.get(adopted+"?jamfor="+opt), 200)
		wantStatus(t, staff.get(adopted+"?jamfor=1"), http.StatusBadRequest)
		wantStatus(t, b.get("/orter/sparreholm/historik/999999"), 404)
		wantStatus(t, b.get("/orter/sparreholm/historik/abc"), 404)
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}

func TestPlanCSVAndAPI(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		b := newSite(t, db).browser()
		r := b.get("/orter/malmkoping/handlingsplan.csv")
		wantStatus(t, r, 200)
		if !strings.HasPrefix(r.Body, "\ufeff") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv; charset=utf-8") {
			t.Fatal("CSV lacks BOM or type")
		}
		cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff")))
		cr.Comma = ';'
		rows, err := cr.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if rows[0][0] != "Fokusområde" || len(rows) != 1+11 {
			t.Fatalf("CSV: header %v, %d rows (want 11 actions)", rows[0], len(rows))
		}
		found := false
		for _, row := range rows {
			if row[1] == "Ombyggnad" && row[2] == "Bygga om Landsvägsgatan" && row[9] == "Pågår" {
				found = true
			}
		}
		if !found {
			t.Errorf("sub-action row with å/ä/ö missing: %v", rows)
		}

		r = b.get("/api/v1/localities")
		wantStatus(t, r, 200)
		if r.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Error("API not open for cross-origin reading")
		}
		var list struct {
			Localities []struct {
				Slug     string   `json:"slug"`
				Phase    string   `json:"phase"`
				Progress *float64 `json:"plan_progress"`
				Lat      *float64 `json:"lat"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.Body), &list); err != nil || len(list.Localities) != 8 {
			t.Fatalf("list: %v (%d)", err, len(list.Localities))
		}
		for _, l := range list.Localities {
			if l.Slug == "vadsbro" && (l.Lat != nil || l.Progress != nil) {
				t.Error("Vadsbro's unknown coordinates or plan were invented")
			}
		}

		r = b.get("/api/v1/localities/sparreholm")
		var one struct {
			Phase        string `json:"phase"`
			PhaseHistory []struct {
				Phase, Date string
			} `json:"phase_history"`
			Vision *struct {
				Title    string `json:"title"`
				Decision struct{ Date, Body string }
			} `json:"vision"`
			Plan struct {
				Progress float64 `json:"progress"`
				Themes   []struct {
					Title   string `json:"title"`
					Actions []struct {
						Title      string `json:"title"`
						Progress   float64
						SubActions []struct{ Title string } `json:"sub_actions"`
					} `json:"actions"`
				} `json:"themes"`
			} `json:"plan"`
		}
		if err := json.Unmarshal([]byte(r.Body), &one); err != nil {
			t.Fatal(err)
		}
		if one.Phase != "genomforande" || len(one.PhaseHistory) != 3 || one.PhaseHistory[2].Date != "2012-04-01" {
			t.Errorf("phase history: %+v", one.PhaseHistory)
		}
		if one.Vision == nil || one.Vision.Decision.Body != "Kommunfullmäktige" || len(one.Plan.Themes) != 3 || len(one.Plan.Themes[0].Actions[0].SubActions) != 2 {
			t.Errorf("detail: %+v", one)
		}
		if strings.Contains(r.Body, "@") {
			t.Error("API shows an e-mail address")
		}
		r = b.get("/api/v1/localities/bettna")
		if strings.Contains(r.Body, "Visionsgruppen arbetar") {
			t.Error("draft vision in the API")
		}
		wantStatus(t, b.get("/api/v1/localities/atlantis"), 404)
	})
}

func TestEditingNeedsTheRightRole(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("off@example.se", ortsplan.RoleOfficial, "sparreholm")
		s.user("leader@example.se", ortsplan.RoleGroupLeader, "bettna")
		editPages := func(slug string) []string {
			return []string{"/orter/" + slug + "/redigera", "/orter/" + slug + "/vision/redigera", "/orter/" + slug + "/handlingsplan/redigera",
				"/orter/" + slug + "/atgarder/ny"}
		}
		official := s.browser()
		official.login("off@example.se", testPassword)
		for _, p := range editPages("sparreholm") {
			r := official.get(p)
			wantStatus(t, r, 200)
			checkShell(t, r, "sv")
		}
		for _, p := range editPages("flen") {
			wantStatus(t, official.get(p), http.StatusForbidden)
		}
		wantStatus(t, official.get("/orter/ny"), http.StatusForbidden)
		wantStatus(t, official.post("/orter/flen/teman", url.Values{"theme_title": {"Smygtema"}}), http.StatusForbidden)
		wantStatus(t, official.post("/orter/flen/fas", url.Values{"phase": {"avslutande"}, "on": {"2026-01-01"}}), http.StatusForbidden)

		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		wantStatus(t, leader.get("/orter/bettna/handlingsplan/redigera"), 200)
		wantStatus(t, leader.get("/orter/sparreholm/handlingsplan/redigera"), http.StatusForbidden)

		visitor := s.browser()
		r := visitor.get("/orter/sparreholm/redigera")
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, visitor.post("/orter/sparreholm/teman", url.Values{"theme_title": {"x"}}), http.StatusUnauthorized)
		if p, _ := db.FindPlan(sqltest.System(), mustLocality(t, db, "flen").ID); len(p.Themes) != 0 {
			t.Fatal("a refused request changed the plan")
		}
		// Visitors see no edit links.
		if visitor.get("/orter/sparreholm").Doc.Find(`a[href$="/redigera"]`).Length() != 0 {
			t.Error("edit links shown to a visitor")
		}
	})
}

func mustLocality(t *testing.T, db *sqlstore.DB, slug string) *ortsplan.Locality {
	t.Helper()
	l, err := db.FindLocality(sqltest.System(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestLocalityTablePages makes more localities than a page of the table
// holds: the table is paged, every locality on one page only, the phase
// filter kept in the links, the map showing the page's localities (the
// table beside it says so); a bad page is a 400.
func TestLocalityTablePages(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	ctx := sqltest.System()
	for i := range 60 {
		lat, lon := 59.0+float64(i)/100, 16.5
		l := &ortsplan.Locality{Slug: fmt.Sprintf("tabellort-%02d", i), Name: fmt.Sprintf("Tabellort %02d", i),
			Phase: ortsplan.PhaseMobilising, Lat: &lat, Lon: &lon}
		if err := db.CreateLocality(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	v := s.browser()
	first := v.get("/orter")
	wantStatus(t, first, http.StatusOK)
	total := len(readCSV(t, v, "/orter.csv")) - 1 // the CSV has them all, under a header
	if onMap := first.Doc.Find("main .map-figure svg a").Length(); onMap != 50 {
		t.Errorf("the map shows %d localities, want the 50 of the table's page", onMap)
	}
	if got := first.Doc.Find("main tbody tr").Length(); got != 50 {
		t.Errorf("the first page has %d rows, want 50", got)
	}
	unplaced := map[string]bool{} // localities with no place are in the table only
	rows, err := db.SQL().Query("SELECT slug FROM localities WHERE lat IS NULL OR lon IS NULL")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var slug string
		rows.Scan(&slug)
		unplaced["/orter/"+slug] = true
	}
	rows.Close()
	seen := map[string]int{}
	path, pages := "/orter", 0
	for path != "" && pages < 5 {
		r := v.get(path)
		wantStatus(t, r, http.StatusOK)
		var inTable, onMap []string
		r.Doc.Find("main tbody th a").Each(func(_ int, a *goquery.Selection) {
			seen[a.AttrOr("href", "")]++
			if !unplaced[a.AttrOr("href", "")] {
				inTable = append(inTable, a.AttrOr("href", ""))
			}
		})
		r.Doc.Find("main .map-figure svg a").Each(func(_ int, a *goquery.Selection) { onMap = append(onMap, a.AttrOr("href", "")) })
		slices.Sort(inTable)
		slices.Sort(onMap)
		if !slices.Equal(inTable, onMap) {
			t.Errorf("%s: the map shows %d localities, not the %d of the table", path, len(onMap), len(inTable))
		}
		path = r.Doc.Find(`main nav a[rel="next"]`).AttrOr("href", "")
		pages++
	}
	if pages != 2 || len(seen) != total || total < 60 {
		t.Errorf("%d pages, %d localities in the table, %d in the CSV", pages, len(seen), total)
	}
	for href, n := range seen {
		if n != 1 {
			t.Errorf("%s is on %d pages", href, n)
		}
	}
	// The phase filter stays in the pager's links.
	if r := v.get("/orter?fas=mobiliserande"); r.Doc.Find(`main nav a[rel="next"]`).Length() == 1 &&
		!strings.Contains(r.Doc.Find(`main nav a[rel="next"]`).AttrOr("href", ""), "fas=mobiliserande") {
		t.Errorf("the pager dropped the phase filter")
	}
	for _, bad := range []string{"0", "x", "-1", "9999999"} {
		if r := v.get("/orter?sida=" + bad); r.StatusCode != http.StatusBadRequest {
			t.Errorf("?sida=%s: %d, want 400", bad, r.StatusCode)
		}
	}
}

// TestHomeListsABoundedNumber makes more localities than the home page
// lists: it lists the 24 changed last and says how many there are.
func TestHomeListsABoundedNumber(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	for i := range 30 {
		l := &ortsplan.Locality{Slug: fmt.Sprintf("hemort-%02d", i), Name: fmt.Sprintf("Hemort %02d", i), Phase: ortsplan.PhaseMobilising}
		if err := db.CreateLocality(sqltest.System(), l); err != nil {
			t.Fatal(err)
		}
	}
	r := s.browser().get("/")
	cards := r.Doc.Find("main .card-list > li.card")
	if cards.Length() != 24 {
		t.Fatalf("the home page lists %d localities, want 24", cards.Length())
	}
	all := len(readCSV(t, s.browser(), "/orter.csv")) - 1
	if !strings.Contains(text(r, "main"), fmt.Sprintf("de 24 orter som ändrats senast av %d", all)) {
		t.Errorf("the home page does not say it shows 24 of %d:\n%s", all, text(r, "main"))
	}
}
