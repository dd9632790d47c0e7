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

// TestPlanRevisionPages: an official makes Vadsbro's first two revisions
// through the form (a bad one keeps what was typed), the public pages list
// them with the progress per year, show one as frozen after the plan moves
// on, and compare the two years.
func TestPlanRevisionPages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		ctx := sqltest.System()
		l := mustLocality(t, db, "vadsbro")
		th := &ortsplan.Theme{LocalityID: l.ID, Title: "Mötesplatser"}
		must(t, db.SaveTheme(ctx, th))
		bygdegard := &ortsplan.Action{ThemeID: th.ID, Title: "Rusta bygdegården", Status: ortsplan.ActionOngoing, Funding: "Boverkets bidrag"}
		must(t, db.SaveAction(ctx, bygdegard))
		s.user("vadsbro@example.se", ortsplan.RoleOfficial, "vadsbro")
		b := s.browser()
		b.login("vadsbro@example.se", testPassword)

		r := b.post("/orter/vadsbro/handlingsplan/revideringar", url.Values{"year": {"2014"}, "decision_body": {"Kommunstyrelsen"}, "decision_reference": {"KS 2014/9"}})
		wantStatus(t, r, http.StatusBadRequest)
		if v, _ := r.Doc.Find("#f-decision_reference").Attr("value"); v != "KS 2014/9" || !strings.Contains(text(r, ".error-summary"), "dag") {
			t.Fatalf("refused revision: value %q, summary %q", v, text(r, ".error-summary"))
		}
		r = b.post("/orter/vadsbro/handlingsplan/revideringar", url.Values{"year": {"2014"}, "decision_date": {"2014-11-03"}, "decision_body": {"Kommunstyrelsen"}})
		wantStatus(t, r, http.StatusSeeOther)
		// The plan moves on: the action is finished and a new one added.
		p, _ := db.FindPlan(ctx, l.ID)
		a := *p.FindAction(bygdegard.ID)
		a.Status, a.Children = ortsplan.ActionDone, nil
		must(t, db.SaveAction(ctx, &a))
		must(t, db.SaveAction(ctx, &ortsplan.Action{ThemeID: th.ID, Title: "Boulebana vid skolan", Status: ortsplan.ActionNotStarted}))
		// The same year again is refused.
		r = b.post("/orter/vadsbro/handlingsplan/revideringar", url.Values{"year": {"2014"}, "decision_date": {"2014-12-03"}, "decision_body": {"Kommunstyrelsen"}})
		wantStatus(t, r, http.StatusBadRequest)
		r = b.post("/orter/vadsbro/handlingsplan/revideringar", url.Values{"year": {"2015"}, "decision_date": {"2015-10-12"}, "decision_body": {"Kommunfullmäktige"}})
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, b.get(r.Header.Get("Location")), http.StatusOK)

		visitor := s.browser()
		list := visitor.get("/orter/vadsbro/handlingsplan/revideringar")
		wantStatus(t, list, http.StatusOK)
		rows := list.Doc.Find("table.data-table tbody tr")
		if rows.Length() != 2 || !strings.Contains(rows.Eq(0).Text(), "0 av 1") || !strings.Contains(rows.Eq(1).Text(), "1 av 2") {
			t.Fatalf("revision rows: %q", text(list, "table.data-table tbody"))
		}
		if !strings.Contains(text(list, "main"), "arbetsversionen för 2016") {
			t.Errorf("the list does not say which year the plan is for: %q", truncate(text(list, "main"), 300))
		}
		one := visitor.get("/orter/vadsbro/handlingsplan/revideringar/2014")
		wantStatus(t, one, http.StatusOK)
		if st := text(one, "#atgard-"+itoa(bygdegard.ID)+" .action-state"); !strings.Contains(st, "Pågår") || !strings.Contains(text(one, "main"), "Boverkets bidrag") {
			t.Fatalf("the 2014 revision does not show the action as it stood: %q", st)
		}
		if strings.Contains(text(one, "main"), "Boulebana") {
			t.Error("the 2014 revision shows an action added later")
		}
		cmp := visitor.get("/orter/vadsbro/handlingsplan/jamfor?fran=2014&till=2015")
		wantStatus(t, cmp, http.StatusOK)
		if got := text(cmp, "#diff-finished"); !strings.Contains(got, "(1)") || !strings.Contains(text(cmp, "main"), "Rusta bygdegården") {
			t.Errorf("finished: %q", got)
		}
		if got := text(cmp, "#diff-added"); !strings.Contains(got, "(1)") {
			t.Errorf("added: %q", got)
		}
		for _, bad := range []string{"?fran=2015&till=2014", "?fran=2014&till=2013", "?fran=nu&till=2014", "?fran=x&till=2015", ""} {
			wantStatus(t, visitor.get("/orter/vadsbro/handlingsplan/jamfor"+bad), http.StatusBadRequest)
		}
		wantStatus(t, visitor.get("/orter/vadsbro/handlingsplan/revideringar/2013"), http.StatusNotFound)
		wantStatus(t, visitor.get("/orter/vadsbro/handlingsplan/jamfor?fran=2015&till=nu"), http.StatusOK)
		// The effects dashboard counts the actions finished per revision.
		eff := visitor.get("/orter/vadsbro/effekter?period=year")
		wantStatus(t, eff, http.StatusOK)
		sec := eff.Doc.Find(`section[aria-labelledby="revisions-heading"] tbody tr`)
		if sec.Length() != 2 || !strings.Contains(sec.Eq(1).Text(), "2015") {
			t.Fatalf("effects revisions: %q", text(eff, `section[aria-labelledby="revisions-heading"]`))
		}
		var cells []string
		sec.Eq(1).Find("td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
		if strings.Join(cells, " ") != "1 2 1 1 1" {
			t.Errorf("2015 on the dashboard: %v, want 1 revision, 2 actions, 1 done, 1 added, 1 finished", cells)
		}
	})
}

// TestMatterPages: an official enters a matter (a bad form keeps what was
// typed), it stays staff-only until published, then it is listed for the
// locality and the municipality with its waiting time, and the staff home
// counts it once it has waited 60 days.
func TestMatterPages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("vadsbro@example.se", ortsplan.RoleOfficial, "vadsbro")
		b := s.browser()
		b.login("vadsbro@example.se", testPassword)
		sent := time.Now().UTC().AddDate(0, 0, -75).Format("2006-01-02")
		form := url.Values{"title": {"Hastighet genom byn"}, "body": {"Vi ber om 40 km/h genom Vadsbro."}, "recipient": {"Trafikverket"},
			"sent_on": {sent}, "status": {"beviljat"}, "reference": {"KS 2026/31"}}
		r := b.post("/orter/vadsbro/arenden", form)
		wantStatus(t, r, http.StatusBadRequest)
		if v, _ := r.Doc.Find("#f-reference").Attr("value"); v != "KS 2026/31" || !strings.Contains(text(r, ".error-summary"), "svaret kom") {
			t.Fatalf("refused matter: value %q, summary %q", v, text(r, ".error-summary"))
		}
		form.Set("status", "skickat")
		r = b.post("/orter/vadsbro/arenden", form)
		wantStatus(t, r, http.StatusSeeOther)
		path, _, _ := strings.Cut(r.Header.Get("Location"), "?")
		page := b.get(path)
		wantStatus(t, page, http.StatusOK)
		if !strings.Contains(text(page, "main"), "Inte publicerat") && !strings.Contains(text(page, "main"), "inte publicerat") {
			t.Errorf("the staff page does not say it is unpublished: %q", truncate(text(page, "main"), 300))
		}
		visitor := s.browser()
		wantStatus(t, visitor.get(path), http.StatusNotFound)
		if strings.Contains(visitor.get("/arenden").Body, "Hastighet genom byn") {
			t.Fatal("an unpublished matter is listed publicly")
		}
		home := b.get("/admin")
		if got := text(home, `a[href^="/admin/arenden"] .work-count`); got != "1" {
			t.Errorf("staff home counts %q matters waiting more than 60 days", got)
		}
		wantStatus(t, b.post(path+"/publicera", url.Values{}), http.StatusSeeOther)
		pub := visitor.get(path)
		wantStatus(t, pub, http.StatusOK)
		if !strings.Contains(text(pub, "main"), "75 dagar") || !strings.Contains(text(pub, "main"), "Trafikverket") {
			t.Errorf("public matter: %q", truncate(text(pub, "main"), 400))
		}
		for _, list := range []string{"/arenden", "/orter/vadsbro/arenden", "/arenden?status=skickat"} {
			lr := visitor.get(list)
			wantStatus(t, lr, http.StatusOK)
			if !strings.Contains(text(lr, "table.data-table"), "Hastighet genom byn") {
				t.Errorf("%s does not list the matter", list)
			}
		}
		wantStatus(t, visitor.get("/arenden?status=klart"), http.StatusBadRequest)
		wantStatus(t, visitor.get("/arenden?sida=0"), http.StatusBadRequest)
		overdue := b.get("/admin/arenden")
		if !strings.Contains(text(overdue, "table.data-table"), "Hastighet genom byn") {
			t.Errorf("the overdue list: %q", truncate(text(overdue, "main"), 300))
		}
		// Answered: it waits no more.
		m, _ := db.FindMatter(sqltest.System(), mustTrailing(t, path))
		edit := url.Values{"title": {m.Title}, "recipient": {m.Recipient}, "sent_on": {sent}, "status": {"avslaget"},
			"answered_on": {time.Now().UTC().Format("2006-01-02")}, "answer": {"Nej."}, "version": {itoa(int64(m.Version))}}
		wantStatus(t, b.post(path+"/redigera", edit), http.StatusSeeOther)
		if got := text(b.get("/admin"), `a[href^="/admin/arenden"] .work-count`); got != "0" {
			t.Errorf("an answered matter still counts: %q", got)
		}
		// A refused matter cannot be granted.
		m, _ = db.FindMatter(sqltest.System(), m.ID)
		edit.Set("status", "beviljat")
		edit.Set("version", itoa(int64(m.Version)))
		wantStatus(t, b.post(path+"/redigera", edit), http.StatusBadRequest)
	})
}

func mustTrailing(t *testing.T, path string) int64 {
	t.Helper()
	id, ok := parseTrailingID(path)
	if !ok {
		t.Fatalf("no id in %q", path)
	}
	return id
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
