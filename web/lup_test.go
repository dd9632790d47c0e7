package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

const lupCSV = "\"Folkmängd efter region, ålder och år\"\n\n" +
	"\"region\";\"ålder\";\"Folkmängd 2019\";\"Folkmängd 2020\"\n" +
	"\"Mellösa\";\"0-19 år\";210;214\n" +
	"\"Mellösa\";\"20-64 år\";520;515\n"

// TestFactsStaffFormImportAndPublicPage: an official enters a figure and
// imports a PxWeb CSV through the real forms; a file with bad rows is
// refused with its line numbers, keeps what was sent and stores nothing;
// the public page shows each measure as a table and an accessible chart.
func TestFactsStaffFormImportAndPublicPage(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		l := mustLocality(t, db, "mellosa")
		s.user("mellosa@example.se", ortsplan.RoleOfficial, "mellosa")
		b := s.browser()
		b.login("mellosa@example.se", testPassword)

		form := b.get("/orter/mellosa/fakta/redigera")
		wantStatus(t, form, http.StatusOK)
		if v, _ := form.Doc.Find(`#f-import_source`).Attr("value"); v != "SCB, Statistikdatabasen" {
			t.Errorf("import source proposed %q", v)
		}

		// One figure by hand; a bad one is refused with the field named.
		bad := b.post("/orter/mellosa/fakta", url.Values{"measure": {"folkmangd"}, "year": {"tjugo"}, "value": {"610"}, "source": {"Folkbokföringen"}})
		wantStatus(t, bad, http.StatusBadRequest)
		if v, _ := bad.Doc.Find(`#f-source`).Attr("value"); v != "Folkbokföringen" {
			t.Errorf("the typed source was not kept: %q", v)
		}
		if bad.Doc.Find(`#f-year[aria-invalid="true"]`).Length() != 1 {
			t.Error("the year field is not marked invalid")
		}
		r := b.post("/orter/mellosa/fakta", url.Values{"measure": {"folkmangd"}, "year": {"2020"}, "value": {"610"}, "source": {"Folkbokföringen"}})
		wantStatus(t, r, http.StatusSeeOther)

		// A file with bad rows: 400, each line named, the text kept, nothing stored.
		before := sqltest.Digest(t, db)
		badCSV := lupCSV + "\"Mellösa\";\"65+ år\";många;12\n\"Mellösa\";\"0-19 år\";1;2\n"
		r = b.uploadAs("/orter/mellosa/fakta/import", "csv_file", map[string]string{"import_measure": "aldersgrupp", "import_source": "SCB, BE0101"},
			"mellosa.csv", []byte(badCSV))
		wantStatus(t, r, http.StatusBadRequest)
		lines := r.Doc.Find(".import-errors li")
		if lines.Length() != 3 || !strings.HasPrefix(lines.Eq(0).Text(), "Rad 6:") || !strings.Contains(lines.Eq(0).Text(), "”många”") ||
			!strings.Contains(lines.Eq(1).Text(), "rad 4") {
			t.Errorf("refused lines: %q", lines.Text())
		}
		if h := text(r, ".import-errors h2"); !strings.Contains(h, "mellosa.csv") {
			t.Errorf("the file's name is not shown: %q", h)
		}
		if v, _ := r.Doc.Find(`#f-import_source`).Attr("value"); v != "SCB, BE0101" {
			t.Errorf("the source typed was not kept: %q", v)
		}
		if r.Doc.Find(`#f-import_measure option[value="aldersgrupp"][selected]`).Length() != 1 {
			t.Error("the measure chosen was not kept")
		}
		if ch := sqltest.Changed(before, sqltest.Digest(t, db)); len(ch) > 0 {
			t.Fatalf("a refused import changed %v", ch)
		}
		// Pasted text that is refused stays in the text box.
		r = b.uploadAs("/orter/mellosa/fakta/import", "csv_file", map[string]string{"import_measure": "aldersgrupp", "import_source": "SCB", "csv_text": "inget här\n"}, "", nil)
		wantStatus(t, r, http.StatusBadRequest)
		if got := r.Doc.Find(`#f-csv_text`).Text(); got != "inget här\n" {
			t.Errorf("pasted text kept as %q", got)
		}

		// The good file: stored, and told.
		r = b.uploadAs("/orter/mellosa/fakta/import", "csv_file", map[string]string{"import_measure": "aldersgrupp", "import_source": "SCB, BE0101"},
			"mellosa.csv", []byte(lupCSV))
		wantStatus(t, r, http.StatusSeeOther)
		done := b.get(r.Header.Get("Location"))
		if got := text(done, `.notice[role="status"]`); got != "4 värden lästes in." {
			t.Errorf("notice %q", got)
		}
		if fs, _ := db.Facts(sqltest.System(), l.ID); len(fs) != 6 { // with the demo's distance to Flen
			t.Fatalf("stored %d facts, want 6", len(fs))
		}

		// The public page, as a visitor.
		pub := s.browser().get("/orter/mellosa/fakta")
		wantStatus(t, pub, http.StatusOK)
		ages := pub.Doc.Find("#fakta-aldersgrupp")
		if got := ages.Find("thead th").Map(func(_ int, th *goquery.Selection) string { return strings.TrimSpace(th.Text()) }); strings.Join(got, "|") != "Benämning|2019|2020" {
			t.Errorf("age table head %v", got)
		}
		if got := strings.TrimSpace(ages.Find("tbody tr").Eq(1).Text()); !strings.Contains(got, "20-64 år") || !strings.Contains(got, "515") {
			t.Errorf("age row %q", got)
		}
		svg := ages.Find(`svg[role="img"]`)
		if svg.Length() != 1 || strings.TrimSpace(svg.Find("title").Text()) != "Åldersgrupper" || svg.Find("desc").Text() == "" {
			t.Errorf("chart: %d, title %q", svg.Length(), svg.Find("title").Text())
		}
		if id, _ := svg.Attr("aria-labelledby"); !strings.Contains(id, "-title") {
			t.Errorf("chart not named by its title: %q", id)
		}
		if got := text(pub, "#fakta-aldersgrupp .fact-source"); got != "Källa: SCB, BE0101" {
			t.Errorf("source %q", got)
		}
		if got := text(pub, "#fakta-folkmangd tbody td"); got != "610" {
			t.Errorf("population %q", got)
		}
		if pub.Doc.Find(`nav.subnav a[href="/orter/mellosa/fakta"][aria-current="page"]`).Length() != 1 {
			t.Error("the locality's menu does not mark the facts page")
		}

		// Deleting a figure; the history records it.
		id, _ := done.Doc.Find(`#fakta-lista form`).First().Attr("action")
		r = b.post(id, nil)
		wantStatus(t, r, http.StatusSeeOther)
		if fs, _ := db.Facts(sqltest.System(), l.ID); len(fs) != 5 {
			t.Errorf("after deleting: %d facts", len(fs))
		}
		hist := s.browser().get("/orter/mellosa/historik")
		if got := text(hist, "ol.history"); !strings.Contains(got, "En uppgift i fakta togs bort") || !strings.Contains(got, "Fakta lästes in från en fil") {
			t.Errorf("history %q", truncate(got, 400))
		}

		// The open data: the figures, paged.
		api := s.browser().get("/api/v1/localities/mellosa/facts?limit=3")
		wantStatus(t, api, http.StatusOK)
		var page struct {
			Data []struct {
				Measure, Label, Source string
				Year                   int
				Value                  float64
			}
			NextCursor *string `json:"next_cursor"`
		}
		if err := json.Unmarshal([]byte(api.Body), &page); err != nil || len(page.Data) != 3 || page.NextCursor == nil {
			t.Fatalf("api %v %s", err, truncate(api.Body, 300))
		}
		next := s.browser().get("/api/v1/localities/mellosa/facts?limit=3&cursor=" + url.QueryEscape(*page.NextCursor))
		json.Unmarshal([]byte(next.Body), &page)
		if len(page.Data) != 2 || page.NextCursor != nil {
			t.Errorf("second page %s", truncate(next.Body, 300))
		}
	})
}

// TestSWOTAndHistoryTextPages: staff edit the SWOT and the history text
// through the real forms; the public pages and the history show them.
func TestSWOTAndHistoryTextPages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("mellosa@example.se", ortsplan.RoleOfficial, "mellosa")
		b := s.browser()
		b.login("mellosa@example.se", testPassword)

		// A point needs a source.
		r := b.post("/orter/mellosa/swot", url.Values{"kind": {"styrka"}, "text": {"Kyrkan och bygdegården"}})
		wantStatus(t, r, http.StatusBadRequest)
		if got := r.Doc.Find(`#f-text`).Text(); got != "Kyrkan och bygdegården" {
			t.Errorf("text kept as %q", got)
		}
		if !strings.Contains(text(r, ".error-summary"), "Välj mötet punkten kom från") {
			t.Errorf("summary %q", text(r, ".error-summary"))
		}
		r = b.post("/orter/mellosa/swot", url.Values{"kind": {"styrka"}, "text": {"Kyrkan och bygdegården"}, "source": {"Stormöte 2012"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.post("/orter/mellosa/swot", url.Values{"kind": {"hot"}, "text": {"Skolan kan läggas ner"}, "source": {"Enkät"}})
		wantStatus(t, r, http.StatusSeeOther)

		edit := b.get("/orter/mellosa/swot/redigera")
		href, ok := edit.Doc.Find(`#swot-hot a[href^="/orter/mellosa/swot/"]`).Attr("href")
		if !ok {
			t.Fatal("no link to change the threat")
		}
		item := b.get(href)
		wantStatus(t, item, http.StatusOK)
		if got := item.Doc.Find(`#f-text`).Text(); got != "Skolan kan läggas ner" {
			t.Errorf("item form %q", got)
		}
		r = b.post(href, url.Values{"kind": {"hot"}, "text": {"Skolan och affären kan läggas ner"}, "source": {"Enkät 2012"}})
		wantStatus(t, r, http.StatusSeeOther)

		pub := s.browser().get("/orter/mellosa/swot")
		wantStatus(t, pub, http.StatusOK)
		if got := text(pub, "#swot-hot li"); !strings.Contains(got, "Skolan och affären kan läggas ner") || !strings.Contains(got, "Källa: Enkät 2012") {
			t.Errorf("threats %q", got)
		}
		if got := text(pub, "#swot-styrka li"); !strings.Contains(got, "Kyrkan och bygdegården") {
			t.Errorf("strengths %q", got)
		}
		if got := text(pub, "#swot-svaghet"); !strings.Contains(got, "Inga punkter än.") {
			t.Errorf("weaknesses %q", got)
		}

		// The history text, versioned.
		form := b.get("/orter/mellosa/historia/redigera")
		version, _ := form.Doc.Find(`input[name="version"]`).Attr("value")
		r = b.post("/orter/mellosa/historia/redigera", url.Values{"body": {"Mellösa kyrka byggdes på 1100-talet."}, "version": {version}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.post("/orter/mellosa/historia/redigera", url.Values{"body": {"Inaktuell"}, "version": {version}})
		wantStatus(t, r, http.StatusConflict)
		if got := r.Doc.Find(`#f-body`).Text(); got != "Inaktuell" {
			t.Errorf("stale text kept as %q", got)
		}
		facts := s.browser().get("/orter/mellosa/fakta")
		if got := text(facts, "#historia .prose"); got != "Mellösa kyrka byggdes på 1100-talet." {
			t.Errorf("history text %q", got)
		}

		hist := s.browser().get("/orter/mellosa/historik")
		got := text(hist, "ol.history")
		for _, want := range []string{"En punkt i SWOT ändrades: Skolan och affären kan läggas ner", "Ny punkt i SWOT: Kyrkan och bygdegården", "Ortens historia skrevs"} {
			if !strings.Contains(got, want) {
				t.Errorf("history lacks %q: %s", want, truncate(got, 500))
			}
		}
		// The change's page compares the versions of the point's text.
		link, _ := hist.Doc.Find(`ol.history a:contains("En punkt i SWOT ändrades")`).First().Attr("href")
		rev := s.browser().get(link)
		if rev.Doc.Find(".diff ins").Length() == 0 {
			t.Errorf("the SWOT change shows no comparison: %s", truncate(text(rev, "main"), 300))
		}

		api := s.browser().get("/api/v1/swot?locality=mellosa")
		wantStatus(t, api, http.StatusOK)
		var page struct {
			Data []struct {
				Kind, Text, Source, Locality string
			}
		}
		if err := json.Unmarshal([]byte(api.Body), &page); err != nil || len(page.Data) != 2 || page.Data[1].Kind != "hot" || page.Data[1].Locality != "mellosa" {
			t.Errorf("api %v %s", err, truncate(api.Body, 400))
		}
	})
}

// TestPrintPlan: the printable plan holds the parts in the order a council
// decision needs, with the print stylesheet, and no script.
func TestPrintPlan(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		r := s.browser().get("/orter/halleforsnas/skriv-ut")
		wantStatus(t, r, http.StatusOK)
		var ids []string
		r.Doc.Find("section.print-part").Each(func(_ int, sec *goquery.Selection) {
			id, _ := sec.Attr("id")
			ids = append(ids, id)
		})
		if strings.Join(ids, " ") != "del-fakta del-swot del-vision del-atgarder del-arenden del-revideringar" {
			t.Errorf("parts %v", ids)
		}
		if got := text(r, "#del-fakta"); !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(got, "\u00a0", " ")), ""), "1624") ||
			!strings.Contains(got, "6 april 2011") {
			t.Errorf("facts part %q", truncate(got, 300))
		}
		if got := text(r, "#del-swot"); !strings.Contains(got, "Bruksområdet kan utvecklas till en mötesplats") {
			t.Errorf("SWOT part %q", truncate(got, 300))
		}
		if r.Doc.Find("#del-atgarder article.action").Length() == 0 {
			t.Error("no actions in the printed plan")
		}
		if r.Doc.Find("script").Length() != 0 {
			t.Error("the printed plan has a script")
		}
		if r.Doc.Find(`link[rel="stylesheet"][media="print"]`).Length() != 1 {
			t.Error("no print stylesheet")
		}
		// Hälleforsnäs's one matter is not published: it is in no printed plan, not even staff's.
		if got := text(r, "#del-arenden"); strings.Contains(got, "Busshållplats vid bruket") || !strings.Contains(got, s.web.Catalog().T("sv", "printplan.no_matters")) {
			t.Errorf("an unpublished matter in the printed plan: %q", truncate(got, 300))
		}
		s.user("utskrift@example.se", ortsplan.RoleCoordinator)
		staff := s.browser()
		staff.login("utskrift@example.se", testPassword)
		if got := text(staff.get("/orter/halleforsnas/skriv-ut"), "#del-arenden"); strings.Contains(got, "Busshållplats vid bruket") {
			t.Errorf("staff's printed plan shows an unpublished matter: %q", truncate(got, 300))
		}
		// Bettna's lighting with Trafikverket's answer; Sparreholm's 2012 and 2015 revisions.
		bettna := s.browser().get("/orter/bettna/skriv-ut")
		if got := text(bettna, "#del-arenden"); !strings.Contains(got, "Belysning vid korsningen väg 221/52") || !strings.Contains(got, "Trafikverket") ||
			!strings.Contains(got, s.web.Catalog().T("sv", "matter.status.avslaget")) {
			t.Errorf("Bettna's matters in the printed plan: %q", truncate(got, 400))
		}
		spar := s.browser().get("/orter/sparreholm/skriv-ut")
		if rows := spar.Doc.Find("#del-revideringar tbody tr"); rows.Length() != 2 || !strings.HasPrefix(strings.TrimSpace(rows.Eq(0).Text()), "2012") ||
			!strings.HasPrefix(strings.TrimSpace(rows.Eq(1).Text()), "2015") {
			t.Errorf("Sparreholm's revisions in the printed plan: %q", text(spar, "#del-revideringar"))
		}
		plan := s.browser().get("/orter/halleforsnas/handlingsplan")
		if plan.Doc.Find(`a[href="/orter/halleforsnas/skriv-ut"]`).Length() != 1 {
			t.Error("the plan page does not link to the printable plan")
		}
	})
}
