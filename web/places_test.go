package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestPlaces: staff give an action a place in its form, typed or picked on
// the grid; a resident proposes an idea with a point picked on the grid;
// both show on the plan or idea page and on the locality's map, drawn and
// in the table. Bad coordinates are refused with the form kept.
func TestPlaces(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		ctx := sqltest.System()
		loc := mustLocality(t, db, "bettna")
		if loc.Lat == nil {
			t.Fatal("the demo's Bettna has no point")
		}
		plan, err := db.FindPlan(ctx, loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Themes) == 0 || len(plan.Themes[0].Actions) == 0 {
			t.Fatal("Bettna's demo plan has no action")
		}
		a := plan.Themes[0].Actions[0]
		anna := residentBrowser(t, s, "anna-plats@example.se", "Anna")
		s.user("platser@example.se", ortsplan.RoleOfficial, "bettna")
		staff := s.browser()
		staff.login("platser@example.se", testPassword)
		editPath := "/orter/bettna/atgarder/" + strconv.FormatInt(a.ID, 10)

		// The form links to the grid, which comes back with a point.
		r := staff.get(editPath)
		wantStatus(t, r, http.StatusOK)
		pick, _ := r.Doc.Find(`#plats a`).Attr("href")
		if pick != "/orter/bettna/valj-plats?for=atgard&id="+strconv.FormatInt(a.ID, 10) {
			t.Fatalf("the form's pick link is %q", pick)
		}
		r = staff.get(pick)
		wantStatus(t, r, http.StatusOK)
		cells := r.Doc.Find("svg.pick-grid a.grid-cell")
		if cells.Length() != 64 {
			t.Fatalf("%d cells in the grid, want 64", cells.Length())
		}
		href, _ := cells.Eq(9).Attr("href") // row 2, column 2
		name, _ := cells.Eq(9).Attr("aria-label")
		if !strings.HasPrefix(href, editPath+"?lat=") || !strings.HasSuffix(href, "#plats") || !strings.HasPrefix(name, "Rad 2, kolumn 2: ") {
			t.Fatalf("cell 10 links to %q named %q", href, name)
		}
		q, _ := url.ParseQuery(strings.TrimSuffix(href[strings.Index(href, "?")+1:], "#plats"))
		lat, _ := strconv.ParseFloat(q.Get("lat"), 64)
		lon, _ := strconv.ParseFloat(q.Get("lon"), 64)
		if lat <= *loc.Lat || lon >= *loc.Lon {
			t.Errorf("row 2, column 2 at %v, %v is not north-west of Bettna at %v, %v", lat, lon, *loc.Lat, *loc.Lon)
		}
		r = staff.get(href)
		wantStatus(t, r, http.StatusOK)
		gotLat, _ := r.Doc.Find(`#f-place_lat`).Attr("value")
		gotLon, _ := r.Doc.Find(`#f-place_lon`).Attr("value")
		if gotLat != q.Get("lat") || gotLon != q.Get("lon") {
			t.Fatalf("the form came back with %q, %q, want %q, %q", gotLat, gotLon, q.Get("lat"), q.Get("lon"))
		}

		// Saving the form as it came back stores the place.
		form := formValues(r, editPath)
		form.Set("place_address", "Korsningen väg 221/52")
		wantStatus(t, staff.post(editPath, form), http.StatusSeeOther)
		p2, err := db.FindPlan(ctx, loc.ID)
		if err != nil {
			t.Fatal(err)
		}
		saved := p2.FindAction(a.ID)
		if !saved.Place.HasPoint() || *saved.Place.Lat != lat || *saved.Place.Lon != lon || saved.Place.Address != "Korsningen väg 221/52" {
			t.Fatalf("saved place %+v", saved.Place)
		}

		// Bad coordinates: 400, the error at the field, what was typed kept, nothing stored.
		before := sqltest.Digest(t, db)
		for _, tc := range []struct{ lat, lon, field, key string }{
			{"femtionio", "16,6", "place_lat", "error.number_invalid"},
			{"58,9", "", "place_lon", "error.place_both"},
			{"16,6369", "58,9237", "place_lat", "error.place_too_far"},
		} {
			bad := formValues(staff.get(editPath), editPath)
			bad.Set("place_lat", tc.lat)
			bad.Set("place_lon", tc.lon)
			r := staff.post(editPath, bad)
			wantStatus(t, r, http.StatusBadRequest)
			msg := s.web.Catalog().T("sv", tc.key)
			if got := text(r, "#f-"+tc.field+"-error"); !strings.Contains(got, msg) {
				t.Errorf("%s, %s: the error at %s is %q, want %q", tc.lat, tc.lon, tc.field, got, msg)
			}
			if v, _ := r.Doc.Find("#f-place_lat").Attr("value"); v != tc.lat {
				t.Errorf("the typed latitude %q came back as %q", tc.lat, v)
			}
		}
		if changed := sqltest.Changed(before, sqltest.Digest(t, db)); len(changed) != 0 {
			t.Fatalf("refused places changed %v", changed)
		}

		// A resident picks a point for an idea.
		r = anna.get("/orter/bettna/ideer")
		pick, _ = r.Doc.Find(`#plats a`).Attr("href")
		r = anna.get(pick)
		wantStatus(t, r, http.StatusOK)
		href, _ = r.Doc.Find("svg.pick-grid a.grid-cell").Eq(63).Attr("href")
		r = anna.get(href)
		wantStatus(t, r, http.StatusOK)
		ideaForm := formValues(r, "/orter/bettna/ideer")
		if ideaForm.Get("place_lat") == "" {
			t.Fatalf("the idea form came back without the point: %v", ideaForm)
		}
		ideaForm.Set("title", "Badbrygga vid sjön")
		ideaForm.Set("body", "En brygga att bada från.")
		r = anna.post("/orter/bettna/ideer", ideaForm)
		wantStatus(t, r, http.StatusSeeOther)
		r = anna.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, "main"), "visa på kartan") {
			t.Errorf("the idea page does not show its place: %q", text(r, "main"))
		}

		// The map shows both, drawn and in the table, to anyone.
		r = s.browser().get("/orter/bettna/karta")
		wantStatus(t, r, http.StatusOK)
		body := r.Body
		for _, want := range []string{`aria-label="` + a.Title + `, Åtgärd, `, `aria-label="Badbrygga vid sjön, Idé, `} {
			if !strings.Contains(body, want) {
				t.Errorf("the map has no marker %s", want)
			}
		}
		rows := text(r, "table tbody")
		for _, want := range []string{a.Title, "Korsningen väg 221/52", "Badbrygga vid sjön", "Idé", "Åtgärd"} {
			if !strings.Contains(rows, want) {
				t.Errorf("the table lacks %q: %q", want, rows)
			}
		}
		r = s.browser().get("/orter/bettna/handlingsplan")
		if !strings.Contains(text(r, "#atgard-"+strconv.FormatInt(a.ID, 10)), "Korsningen väg 221/52") {
			t.Error("the plan page does not show the action's place")
		}

		// The grid refuses an unknown form.
		r = s.browser().get("/orter/bettna/valj-plats?for=https://example.com")
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, "main"), s.web.Catalog().T("sv", "place.bad_target")) {
			t.Errorf("the refusal says %q", text(r, "main"))
		}
	})
}
