package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// formValues reads a rendered form's current values, as a browser would submit them.
func formValues(r *response, action string) url.Values {
	v := url.Values{}
	f := r.Doc.Find(`form[action="` + action + `"]`)
	f.Find("input").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		typ := in.AttrOr("type", "text")
		if name == "" || ((typ == "checkbox" || typ == "radio") && !in.Is("[checked]")) {
			return
		}
		v.Add(name, in.AttrOr("value", ""))
	})
	f.Find("textarea").Each(func(_ int, ta *goquery.Selection) { v.Add(ta.AttrOr("name", ""), ta.Text()) })
	f.Find("select").Each(func(_ int, sel *goquery.Selection) {
		opt := sel.Find("option[selected]")
		if opt.Length() == 0 {
			opt = sel.Find("option").First()
		}
		v.Add(sel.AttrOr("name", ""), opt.AttrOr("value", ""))
	})
	return v
}

func TestCoordinatorBuildsALocalityAndItsPlan(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		b := s.browser()
		b.login("kim@example.se", testPassword)

		// Create a locality; a bad form keeps what was typed.
		r := b.get("/orter/ny")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		f := formValues(r, "/orter")
		f.Set("name", "Stora Sundby")
		f.Set("slug", "Stora Sundby!")
		f.Set("description", "Orten vid **Hjälmaren**.")
		f.Set("lat", "59,25")
		r = b.post("/orter", f)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-slug-error").Length() != 1 || r.Doc.Find("#f-name").AttrOr("value", "") != "Stora Sundby" ||
			!strings.Contains(r.Doc.Find("#f-description").Text(), "Hjälmaren") {
			t.Fatal("refused form lost input or error")
		}
		if r.Doc.Find(`.error-summary a[href="#f-coordinates"]`).Length() != 1 && r.Doc.Find(`.error-summary a[href="#f-slug"]`).Length() != 1 {
			t.Error("error summary does not link to the fields")
		}
		f.Set("slug", "stora-sundby")
		f.Set("lon", "16,0")
		f.Set("since", "2025-03-01")
		wantStatus(t, b.post("/orter", f), http.StatusSeeOther)
		l, err := db.FindLocality(ctx, "stora-sundby")
		if err != nil || l.Lat == nil || *l.Lat != 59.25 {
			t.Fatalf("created: %+v %v", l, err)
		}

		// A theme, then an action with an error, then the fixed action and a sub-action.
		wantStatus(t, b.post("/orter/stora-sundby/teman", url.Values{"theme_title": {""}}), http.StatusBadRequest)
		wantStatus(t, b.post("/orter/stora-sundby/teman", url.Values{"theme_title": {"Trafik och boende"}}), http.StatusSeeOther)
		wantStatus(t, b.post("/orter/stora-sundby/teman", url.Values{"theme_title": {"Kultur och fritid"}}), http.StatusSeeOther)
		plan, _ := db.FindPlan(ctx, l.ID)
		traffic := plan.Themes[0]

		r = b.get("/orter/stora-sundby/atgarder/ny?tema=" + itoa(traffic.ID))
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		f = formValues(r, "/orter/stora-sundby/atgarder")
		f.Set("title", "Gång- och cykelväg till skolan")
		f.Set("description", "En säker väg för barnen.")
		f.Set("start", "2026-13-01")
		f.Set("progress", "150")
		r = b.post("/orter/stora-sundby/atgarder", f)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-start-error").Length() != 1 || r.Doc.Find("#f-progress-error").Length() != 1 ||
			r.Doc.Find("#f-title").AttrOr("value", "") != "Gång- och cykelväg till skolan" {
			t.Fatal("action errors not shown at their fields, or input lost")
		}
		f.Set("start", "2026-01-01")
		f.Set("end", "2027-12-31")
		f.Set("progress", "10")
		f.Set("status", "pagar")
		f.Set("responsible_kind", "kommunen")
		f.Set("responsible_department", "Samhällsbyggnadsförvaltningen")
		wantStatus(t, b.post("/orter/stora-sundby/atgarder", f), http.StatusSeeOther)
		plan, _ = db.FindPlan(ctx, l.ID)
		path := plan.Themes[0].Actions[0]

		r = b.get("/orter/stora-sundby/atgarder/ny?foralder=" + itoa(path.ID))
		sub := formValues(r, "/orter/stora-sundby/atgarder")
		if sub.Get("parent") != itoa(path.ID) {
			t.Fatalf("parent not preselected: %q", sub.Get("parent"))
		}
		sub.Set("title", "Förstudie")
		sub.Set("status", "genomford")
		wantStatus(t, b.post("/orter/stora-sundby/atgarder", sub), http.StatusSeeOther)

		// A progress update: empty text refused, then accepted.
		r = b.post("/orter/stora-sundby/atgarder/"+itoa(path.ID)+"/uppdateringar", url.Values{"update_on": {"2026-03-01"}, "update_text": {""}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-update_text-error").Length() != 1 {
			t.Fatal("empty update not reported at its field")
		}
		wantStatus(t, b.post("/orter/stora-sundby/atgarder/"+itoa(path.ID)+"/uppdateringar",
			url.Values{"update_on": {"2026-03-01"}, "update_text": {"Förstudien är klar."}}), http.StatusSeeOther)

		// Reorder themes, change phase backwards, adopt the plan.
		wantStatus(t, b.post("/orter/stora-sundby/teman/"+itoa(plan.Themes[1].ID)+"/flytta", url.Values{"riktning": {"upp"}}), http.StatusSeeOther)
		wantStatus(t, b.post("/orter/stora-sundby/fas", url.Values{"phase": {"inledande"}, "on": {"2026-01-10"}, "note": {"Visionsarbetet börjar"}}), http.StatusSeeOther)
		r = b.post("/orter/stora-sundby/fas", url.Values{"phase": {"inledande"}, "on": {"igår"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-on-error").Length() != 1 {
			t.Error("bad phase date not reported")
		}
		r = b.get("/orter/stora-sundby/handlingsplan/redigera")
		checkShell(t, r, "sv")
		pf := formValues(r, "/orter/stora-sundby/handlingsplan/redigera")
		pf.Set("status", "faststalld")
		pf.Set("decision_date", "2026-06-15")
		pf.Set("decision_body", "Kommunfullmäktige")
		pf.Set("decision_reference", "KS 2026/42")
		pf.Set("next_review", "2027-06-15")
		wantStatus(t, b.post("/orter/stora-sundby/handlingsplan/redigera", pf), http.StatusSeeOther)

		// The public sees it all.
		v := s.browser()
		r = v.get("/orter/stora-sundby/handlingsplan")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if text(r, "section.theme h2") == "" || !strings.HasPrefix(text(r, "section.theme h2"), "Kultur och fritid") {
			t.Errorf("theme order: first is %q", text(r, "section.theme h2"))
		}
		body := r.Doc.Find("main").Text()
		for _, want := range []string{"Gång- och cykelväg till skolan", "Förstudie", "Förstudien är klar.", "KS 2026/42", "15\u00a0juni 2027", "100\u00a0%"} {
			if !strings.Contains(body, want) {
				t.Errorf("plan page lacks %q", want)
			}
		}
		r = v.get("/orter/stora-sundby")
		if got := r.Doc.Find("ol.timeline li").Length(); got != 2 || !strings.Contains(r.Doc.Find("ol.timeline").Text(), "Visionsarbetet börjar") {
			t.Errorf("timeline: %d steps: %q", got, r.Doc.Find("ol.timeline").Text())
		}
		if !strings.Contains(r.Doc.Find(".prose").Text(), "Hjälmaren") || r.Doc.Find(".prose strong").Length() != 1 {
			t.Error("description Markdown not rendered")
		}
		r = v.get("/orter/stora-sundby/historik")
		if n := r.Doc.Find("ol.history li").Length(); n < 9 {
			t.Errorf("history has %d entries, want every change", n)
		}
		if !strings.Contains(r.Doc.Find("ol.history").Text(), "Test coordinator") {
			t.Error("history does not say who made the changes")
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}

func TestSecondSaveOfSameTextIsRefusedAndKept(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("a@example.se", ortsplan.RoleCoordinator)
		s.user("b@example.se", ortsplan.RoleOfficial, "sparreholm")
		first, second := s.browser(), s.browser()
		first.login("a@example.se", testPassword)
		second.login("b@example.se", testPassword)

		f1 := formValues(first.get("/orter/sparreholm/vision/redigera"), "/orter/sparreholm/vision/redigera")
		f2 := formValues(second.get("/orter/sparreholm/vision/redigera"), "/orter/sparreholm/vision/redigera")
		f1.Set("body", "Den första personens text.")
		wantStatus(t, first.post("/orter/sparreholm/vision/redigera", f1), http.StatusSeeOther)
		f2.Set("body", "Den andra personens långa text som inte får försvinna.")
		r := second.post("/orter/sparreholm/vision/redigera", f2)
		wantStatus(t, r, http.StatusConflict)
		checkShell(t, r, "sv")
		if got := r.Doc.Find("#f-body").Text(); got != "Den andra personens långa text som inte får försvinna." {
			t.Fatalf("the second person's text was lost: %q", got)
		}
		if !strings.Contains(text(r, ".error-summary"), "Någon annan har sparat") {
			t.Fatalf("no clear conflict message: %q", text(r, ".error-summary"))
		}
		v, _ := db.FindVision(sqltest.System(), mustLocality(t, db, "sparreholm").ID)
		if v.Body != "Den första personens text." {
			t.Fatalf("stored text = %q", v.Body)
		}
		// The edit shows as a word diff against the adopted text, deletions included.
		r = s.browser().get("/orter/sparreholm/historik")
		href := r.Doc.Find("ol.history li a").First().AttrOr("href", "")
		r = s.browser().get(href)
		if r.Doc.Find(".diff del").Length() == 0 || r.Doc.Find(".diff ins").Length() == 0 {
			t.Fatalf("diff of the edit lacks deletions or insertions: %q", r.Doc.Find(".diff").Text())
		}

		// The same holds for actions.
		p, _ := db.FindPlan(sqltest.System(), mustLocality(t, db, "sparreholm").ID)
		id := itoa(p.Themes[0].Actions[0].ID)
		a1 := formValues(first.get("/orter/sparreholm/atgarder/"+id), "/orter/sparreholm/atgarder/"+id)
		a2 := formValues(second.get("/orter/sparreholm/atgarder/"+id), "/orter/sparreholm/atgarder/"+id)
		a1.Set("progress", "60")
		wantStatus(t, first.post("/orter/sparreholm/atgarder/"+id, a1), http.StatusSeeOther)
		a2.Set("description", "Min ändring")
		r = second.post("/orter/sparreholm/atgarder/"+id, a2)
		wantStatus(t, r, http.StatusConflict)
		if r.Doc.Find("#f-description").Text() != "Min ändring" {
			t.Fatal("action text lost on conflict")
		}
	})
}

func TestLinkOrganisationsToAnAction(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		b := s.browser()
		b.login("kim@example.se", testPassword)
		l := mustLocality(t, db, "halleforsnas")
		p, _ := db.FindPlan(ctx, l.ID)
		a := p.Themes[0].Actions[0]
		path := "/orter/halleforsnas/atgarder/" + itoa(a.ID)
		r := b.get(path)
		boxes := r.Doc.Find(`input[name="organisations"]`)
		if boxes.Length() < 2 {
			t.Fatalf("%d organisation checkboxes, want the locality's organisations", boxes.Length())
		}
		f := formValues(r, path)
		f.Add("organisations", boxes.First().AttrOr("value", ""))
		wantStatus(t, b.post(path, f), http.StatusSeeOther)
		name := r.Doc.Find(`label[for="` + boxes.First().AttrOr("id", "") + `"]`).Text()
		body := s.browser().get("/orter/halleforsnas/handlingsplan").Doc.Find("#atgard-" + itoa(a.ID)).Text()
		if name == "" || !strings.Contains(body, name) {
			t.Fatalf("plan does not show %q taking part: %q", name, body)
		}
		// An organisation of another locality is refused.
		flen := mustLocality(t, db, "flen")
		o := &ortsplan.Organisation{LocalityID: flen.ID, Name: "Annan", Kind: ortsplan.OrgBusiness}
		db.SaveOrganisation(ctx, o)
		cur, _ := db.FindPlan(ctx, l.ID)
		with := *cur.FindAction(a.ID)
		with.Children, with.Organisations = nil, []*ortsplan.Organisation{{ID: o.ID}}
		if err := db.SaveAction(ctx, &with); ortsplan.FieldErrors(err)["organisations"] == "" {
			t.Fatalf("foreign organisation linked: %v", err)
		}
	})
}

func TestTextareaLineBreaksAreNormalised(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	s.user("kim@example.se", ortsplan.RoleCoordinator)
	b := s.browser()
	b.login("kim@example.se", testPassword)
	path := "/orter/sparreholm/vision/redigera"
	f := formValues(b.get(path), path)
	f.Set("body", "Första stycket.\r\n\r\nAndra stycket.\r\n")
	wantStatus(t, b.post(path, f), http.StatusSeeOther)
	v, _ := db.FindVision(sqltest.System(), mustLocality(t, db, "sparreholm").ID)
	if v.Body != "Första stycket.\n\nAndra stycket.\n" {
		t.Fatalf("stored %q", v.Body)
	}
	// Saving the form again unchanged (as a browser sends it, with CRLF) adds no revision.
	before := len(s.browser().get("/orter/sparreholm/historik").Doc.Find("ol.history li").Nodes)
	f = formValues(b.get(path), path)
	f.Set("body", strings.ReplaceAll(f.Get("body"), "\n", "\r\n"))
	wantStatus(t, b.post(path, f), http.StatusSeeOther)
	if after := len(s.browser().get("/orter/sparreholm/historik").Doc.Find("ol.history li").Nodes); after != before {
		t.Fatalf("an unchanged save added %d revisions", after-before)
	}
}

func TestErrorSummaryFollowsFormOrder(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	r := s.browser().post("/var-med", url.Values{"ort": {"bettna"}, "name": {""}, "email": {"x"}, "age_group": {"fel"}})
	var hrefs []string
	r.Doc.Find(".error-summary a").Each(func(_ int, a *goquery.Selection) { hrefs = append(hrefs, a.AttrOr("href", "")) })
	want := "#f-name #f-email #f-age_group #f-consent"
	if strings.Join(hrefs, " ") != want {
		t.Fatalf("summary order %v, want %s", hrefs, want)
	}
}
