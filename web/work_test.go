package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestStaffHome: a visitor is sent to the login and back; staff land on
// /admin after logging in and see the counts of what waits in their
// localities, the same in the menu; a late action is listed and marked
// "Försenad" on the public plan; bad filters are a 400 with a message.
func TestStaffHome(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		sys := sqltest.System()
		flen, err := db.FindLocality(sys, "flen")
		if err != nil {
			t.Fatal(err)
		}
		theme := &ortsplan.Theme{LocalityID: flen.ID, Title: "Stationsområdet"}
		if err := db.SaveTheme(sys, theme); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		late := &ortsplan.Action{ThemeID: theme.ID, Title: "Gång- och cykelväg genom samhället", Status: ortsplan.ActionOngoing,
			Start: time.Date(2013, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2016, 12, 31, 0, 0, 0, 0, time.UTC)}
		if err := db.SaveAction(sys, late); err != nil {
			t.Fatal(err)
		}
		onTime := &ortsplan.Action{ThemeID: theme.ID, Title: "Nya planteringar", Status: ortsplan.ActionOngoing, End: now.AddDate(1, 0, 0)}
		if err := db.SaveAction(sys, onTime); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateSignUp(sys, &ortsplan.SignUp{LocalityID: flen.ID, Name: "Väntande Person", Email: "vantar@example.se"}); err != nil {
			t.Fatal(err)
		}
		official := s.user("handlaggare@flen.example", ortsplan.RoleOfficial, "flen")

		// A visitor is sent to log in, and comes back.
		visitor := s.browser()
		res := visitor.get("/admin/forsenade")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/logga-in?till="+url.QueryEscape("/admin/forsenade") {
			t.Fatalf("visitor at /admin/forsenade: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		res = visitor.post("/logga-in", url.Values{"email": {official.Email}, "password": {testPassword}, "till": {"/admin/forsenade"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/forsenade" {
			t.Fatalf("login from /admin/forsenade: %d to %q", res.StatusCode, res.Header.Get("Location"))
		}
		// Logging in from the menu lands on the staff home.
		b := s.browser()
		res = b.post("/logga-in", url.Values{"email": {official.Email}, "password": {testPassword}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin" {
			t.Fatalf("login: %d to %q, want /admin", res.StatusCode, res.Header.Get("Location"))
		}
		home := b.get("/admin")
		wantStatus(t, home, http.StatusOK)
		want, err := db.Workload(sqltest.AsUser(context.Background(), official), 0)
		if err != nil {
			t.Fatal(err)
		}
		if want.LateActions != 1 || want.SignUpsWaiting == 0 {
			t.Fatalf("the fixture: %+v", *want)
		}
		links := map[string]int{
			"/admin/anmalningar?status=ny":        want.SignUpsWaiting,
			"/admin/ideer":                        want.IdeasUnanswered,
			"/admin/anmalt-innehall":              want.Reports,
			"/admin/forsenade":                    want.LateActions,
			"/admin/moten?visa=utan-anteckningar": want.MeetingsWithoutNotes,
			"/admin/moten?visa=kommande":          want.MeetingsSoon,
		}
		for href, n := range links {
			sel := home.Doc.Find(`.work-list a[href="` + href + `"] .work-count`)
			if sel.Length() != 1 || strings.TrimSpace(sel.Text()) != strconv.Itoa(n) {
				t.Errorf("staff home: link %s shows %q, want %d", href, sel.Text(), n)
			}
		}
		menu := home.Doc.Find(`.main-nav a[href="/admin"] .count`).Text()
		if !strings.HasPrefix(menu, strconv.Itoa(want.Waiting())) {
			t.Errorf("the menu says %q, want %d waiting", menu, want.Waiting())
		}
		// Every page of the staff member's carries the counts.
		if got := b.get("/konto").Doc.Find(`.main-nav a[href="/admin/anmalningar"] .count`).Text(); !strings.HasPrefix(got, strconv.Itoa(want.SignUpsWaiting)) {
			t.Errorf("the menu on /konto says %q for sign-ups, want %d", got, want.SignUpsWaiting)
		}

		// The late action is listed, and marked on the public plan in words.
		list := b.get("/admin/forsenade")
		wantStatus(t, list, http.StatusOK)
		row := list.Doc.Find(fmt.Sprintf(`a[href="/orter/flen/atgarder/%d"]`, late.ID))
		if row.Length() != 1 || !strings.Contains(list.Body, "Försenad") || strings.Contains(list.Body, onTime.Title) {
			t.Fatalf("late actions list:\n%s", truncate(text(list, "main"), 2000))
		}
		plan := visitor.get("/orter/flen/handlingsplan")
		wantStatus(t, plan, http.StatusOK)
		if got := strings.TrimSpace(plan.Doc.Find(fmt.Sprintf("#atgard-%d .late", late.ID)).Text()); got != "Försenad" {
			t.Errorf("the public plan marks the late action %q, want Försenad", got)
		}
		if n := plan.Doc.Find(fmt.Sprintf("#atgard-%d .late", onTime.ID)).Length(); n != 0 {
			t.Error("an action on time is marked late")
		}

		// Bad filters: a clear 400.
		other, err := db.FindLocality(sys, "malmkoping")
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/admin?ort=" + other.Slug, "/admin/ideer?status=klar", "/admin/ideer?sida=0", "/admin/moten?visa=alla", "/admin/forsenade?sida=x"} {
			r := b.get(path)
			if r.StatusCode != http.StatusBadRequest || text(r, "main") == "" {
				t.Errorf("%s: %d, want 400 with a message", path, r.StatusCode)
			}
		}
		if r := b.get("/admin?ort=flen"); r.StatusCode != http.StatusOK || !strings.Contains(text(r, "h1+p"), "Flen") {
			t.Errorf("/admin?ort=flen: %d %q", r.StatusCode, text(r, "h1+p"))
		}
	})
}
