package web_test

import (
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

// openSurvey stores a survey of the locality, open from yesterday for a month.
func openSurvey(t *testing.T, db *sqlstore.DB, localityID int64, title string) *ortsplan.Survey {
	t.Helper()
	today := ortsplan.SurveyDay(time.Now(), time.UTC)
	s := &ortsplan.Survey{LocalityID: localityID, Title: title, Opens: today.AddDate(0, 0, -1), Closes: today.AddDate(0, 1, 0),
		Questions: []ortsplan.SurveyQuestion{
			{Kind: ortsplan.QuestionSingle, Text: "Badar du?", Options: []string{"Ja", "Nej"}},
			{Kind: ortsplan.QuestionMultiple, Text: "Vad saknas?", Options: []string{"Brygga", "Toalett"}},
			{Kind: ortsplan.QuestionScale, Text: "Hur nöjd är du?"},
			{Kind: ortsplan.QuestionText, Text: "Något mer?"},
		}}
	if err := db.SaveSurvey(sqltest.System(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSurveyWritingAndRights(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		malm := mustLocality(t, db, "malmkoping")
		s.user("malm@example.se", ortsplan.RoleOfficial, "malmkoping")
		s.user("flen@example.se", ortsplan.RoleOfficial, "flen")
		own := s.browser()
		own.login("malm@example.se", testPassword)
		form := url.Values{"title": {"Torget"}, "locality": {itoa(malm.ID)}, "opens": {"2026-12-01"}, "closes": {"2026-12-20"}, "rows": {"3"},
			"q1_text": {"Vad vill du ha på torget?"}, "q1_kind": {"multiple"}, "q1_options": {"Bänkar\r\nTräd\r\nLekplats"},
			"q2_text": {""}, "q2_kind": {"single"},
			"q3_text": {"Hur trivs du?"}, "q3_kind": {"scale"}}
		// A question without options is refused; the error is on its row and the text stays.
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("q3_kind", "single")
		r := own.post("/enkater/ny", bad)
		wantStatus(t, r, http.StatusBadRequest)
		if v, _ := r.Doc.Find("#f-q3_text").Attr("value"); v != "Hur trivs du?" || !strings.Contains(text(r, ".error-summary"), "två svarsalternativ") {
			t.Fatalf("refused form: value %q, summary %q", v, text(r, ".error-summary"))
		}
		// More rows, without saving.
		more := own.post("/enkater/ny", url.Values{"title": {"Torget"}, "rows": {"3"}, "more": {"1"}, "q1_text": {"Kvar?"}})
		wantStatus(t, more, http.StatusOK)
		if n := more.Doc.Find(`input[name$="_text"]`).Length(); n != 6 {
			t.Fatalf("%d rows after more rows", n)
		}
		r = own.post("/enkater/ny", form)
		wantStatus(t, r, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		page := own.get(loc)
		if text(page, `main [role="status"]`) == "" {
			t.Fatal("no saved status")
		}
		var id int64
		if err := db.SQL().QueryRow("SELECT MAX(id) FROM surveys").Scan(&id); err != nil {
			t.Fatal(err)
		}
		sv, err := db.FindSurvey(sqltest.System(), id)
		if err != nil || sv.LocalityID != malm.ID || len(sv.Questions) != 2 || len(sv.Questions[0].Options) != 3 {
			t.Fatalf("stored %+v, %v", sv, err)
		}

		// Staff of another locality may neither edit it nor enter paper answers, nor move one there.
		other := s.browser()
		other.login("flen@example.se", testPassword)
		before := sqltest.Digest(t, db)
		wantStatus(t, other.get(loc), http.StatusForbidden)
		wantStatus(t, other.post("/enkater/"+itoa(id)+"/redigera", form), http.StatusForbidden)
		wantStatus(t, other.get("/enkater/"+itoa(id)+"/papper"), http.StatusForbidden)
		wantStatus(t, other.post("/enkater/"+itoa(id)+"/papper", url.Values{"q2": {"3"}}), http.StatusForbidden)
		if r := other.post("/enkater/ny", form); r.StatusCode != http.StatusForbidden {
			t.Fatalf("new survey for another locality: %d", r.StatusCode)
		}
		wantStatus(t, other.post("/orter/malmkoping/vi-kansla", url.Values{}), http.StatusForbidden)
		if ch := sqltest.Changed(before, sqltest.Digest(t, db)); len(ch) > 0 {
			t.Fatalf("refused requests changed %v", ch)
		}

		// Paper answers by the locality's own staff, marked as such.
		r = own.post("/enkater/"+itoa(id)+"/papper", url.Values{"q1": {"0", "2"}, "q2": {"4"}})
		wantStatus(t, r, http.StatusSeeOther)
		if page := own.get(r.Header.Get("Location")); text(page, `main [role="status"]`) == "" {
			t.Fatal("no saved status after a paper answer")
		}
		res := own.get("/enkater/" + itoa(id) + "/resultat")
		wantStatus(t, res, http.StatusOK)
		if !strings.Contains(text(res, "main"), "varav 1 från papper") {
			t.Fatalf("results: %s", truncate(text(res, "main"), 500))
		}
		// One click for this year's vi-känsla survey.
		r = own.post("/orter/malmkoping/vi-kansla", url.Values{})
		wantStatus(t, r, http.StatusSeeOther)
		var tmpl string
		db.SQL().QueryRow("SELECT template FROM surveys WHERE id = (SELECT MAX(id) FROM surveys)").Scan(&tmpl)
		if tmpl != ortsplan.SurveyTemplateViKansla {
			t.Fatalf("template %q", tmpl)
		}
	})
}

func TestSurveyAnswering(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		sv := openSurvey(t, db, mustLocality(t, db, "malmkoping").ID, "Badplatsen")
		path := "/enkater/" + itoa(sv.ID)
		b := s.browser()
		page := b.get(path)
		wantStatus(t, page, http.StatusOK)
		if !strings.Contains(text(page, ".survey-rule"), "en gång från varje webbläsare") {
			t.Fatalf("rule: %q", text(page, ".survey-rule"))
		}
		// Hostile input: a choice that is no number, an option that does not exist.
		r := b.post(path, url.Values{"q1": {"ja"}, "q4": {"Min text"}})
		wantStatus(t, r, http.StatusBadRequest)
		if text(r, "#f-q4-text") != "Min text" || r.Doc.Find("#f-q1[aria-describedby]").Length() != 1 {
			t.Fatalf("refused answer lost the text or the error: %s", truncate(text(r, "main"), 600))
		}
		r = b.post(path, url.Values{"q1": {"7"}, "q3": {"99999999999999999999"}, "q4": {"Min text"}})
		wantStatus(t, r, http.StatusBadRequest)
		if text(r, "#f-q4-text") != "Min text" {
			t.Fatal("the text was lost")
		}
		wantStatus(t, b.post(path, url.Values{"q4": {"  "}}), http.StatusBadRequest)
		wantStatus(t, b.post("/enkater/999999", url.Values{"q1": {"0"}}), http.StatusNotFound)
		wantStatus(t, b.get("/enkater/inte-ett-nummer"), http.StatusNotFound)

		r = b.post(path, url.Values{"q1": {"1"}, "q2": {"0", "1"}, "q3": {"4"}, "q4": {"Fler bänkar"}})
		wantStatus(t, r, http.StatusSeeOther)
		if thanks := b.get(r.Header.Get("Location")); text(thanks, `main [role="status"]`) == "" || thanks.Doc.Find("form.survey-form").Length() != 0 {
			t.Fatal("no thanks, or the form again")
		}
		// The same browser again: refused, with what it typed.
		r = b.post(path, url.Values{"q1": {"0"}, "q4": {"Igen"}})
		wantStatus(t, r, http.StatusConflict)
		if !strings.Contains(text(r, "main"), "redan svarat") {
			t.Fatalf("second answer: %s", text(r, ".error-summary"))
		}
		// Another browser may.
		wantStatus(t, s.browser().post(path, url.Values{"q3": {"2"}}), http.StatusSeeOther)
		got, _ := db.FindSurvey(sqltest.System(), sv.ID)
		if got.Responses != 2 {
			t.Fatalf("responses %d", got.Responses)
		}
		// Results are not public while open; the free text waits for review.
		wantStatus(t, b.get(path+"/resultat"), http.StatusForbidden)
		wantStatus(t, b.get(path+"/resultat.csv"), http.StatusForbidden)

		// A closed survey says so, and refuses answers with a 4xx.
		today := ortsplan.SurveyDay(time.Now(), time.UTC)
		got.Opens, got.Closes = today.AddDate(0, 0, -20), today.AddDate(0, 0, -10)
		if err := db.SaveSurvey(sqltest.System(), got); err != nil {
			t.Fatal(err)
		}
		c := s.browser()
		closed := c.get(path)
		wantStatus(t, closed, http.StatusOK)
		if !strings.Contains(text(closed, "main"), "stängd") || closed.Doc.Find("form.survey-form").Length() != 0 {
			t.Fatal("closed survey shows a form")
		}
		wantStatus(t, c.post(path, url.Values{"q3": {"2"}}), http.StatusBadRequest)
		res := c.get(path + "/resultat")
		wantStatus(t, res, http.StatusOK)
		if res.Doc.Find("svg.chart").Length() != 3 || strings.Contains(res.Body, "Fler bänkar") {
			t.Fatalf("public results: %d charts, unreviewed text shown: %v", res.Doc.Find("svg.chart").Length(), strings.Contains(res.Body, "Fler bänkar"))
		}
		csv := c.get(path + "/resultat.csv")
		wantStatus(t, csv, http.StatusOK)
		if !strings.Contains(csv.Body, "Hur nöjd är du?;4;1;0") {
			t.Fatalf("csv: %s", csv.Body)
		}
		// A survey not yet open is not found by visitors.
		up := openSurvey(t, db, 0, "Senare")
		up.Opens, up.Closes = today.AddDate(0, 0, 10), today.AddDate(0, 0, 20)
		if err := db.SaveSurvey(sqltest.System(), up); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, c.get("/enkater/"+itoa(up.ID)), http.StatusNotFound)
	})
}

// TestViKanslaOnEffects: the dashboard shows the demo's vi-känsla for
// Hälleforsnäs per year, with the number of answers, beside the counted
// figures; the municipality's names the locality; the staff home lists the
// survey closing soon.
func TestViKanslaOnEffects(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		b := s.browser()
		r := b.get("/orter/halleforsnas/effekter")
		wantStatus(t, r, http.StatusOK)
		rows := r.Doc.Find("#vikansla-table tbody tr")
		if rows.Length() != 2 || r.Doc.Find("#vikansla-heading").Length() != 1 || r.Doc.Find(`svg.chart[role="img"] title`).FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "Vi-känsla")
		}).Length() != 1 {
			t.Fatalf("vi-känsla section: %d rows\n%s", rows.Length(), truncate(text(r, "#vikansla-heading ~ *"), 500))
		}
		cells := func(row *goquery.Selection) string {
			return strings.Join(row.Children().Map(func(_ int, c *goquery.Selection) string { return c.Text() }), " ")
		}
		if got := cells(rows.Eq(0)); got != "2024 3,31 34" {
			t.Errorf("2024 row %q", got)
		}
		if got := cells(rows.Eq(1)); got != "2025 3,69 40" {
			t.Errorf("2025 row %q", got)
		}
		all := b.get("/effekter")
		if !strings.Contains(text(all, "#vikansla-table"), "Hälleforsnäs") {
			t.Error("the municipality's dashboard does not name the locality")
		}
		if got := text(b.get("/orter/bettna/effekter"), "#vikansla-heading + p + p"); !strings.Contains(got, "Ingen vi-känsla-enkät") {
			t.Errorf("Bettna without a vi-känsla survey says %q", got)
		}
		s.user("samordnare-e@example.se", ortsplan.RoleCoordinator)
		staff := s.browser()
		staff.login("samordnare-e@example.se", testPassword)
		home := staff.get("/admin")
		if !strings.Contains(text(home, "main"), "Stora Torget i sommar") {
			t.Errorf("the staff home does not list the survey closing soon: %s", truncate(text(home, "main"), 600))
		}
	})
}
