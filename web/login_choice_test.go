package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// The header's "Logga in" leads to a choice: residents get the e-mailed
// link (and come back where they were), staff the password form; the
// calendar is in the main menu.
func TestLoginIsAChoiceAndCalendarInMenu(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		b := s.browser()
		r := b.get("/orter/bettna")
		wantStatus(t, r, http.StatusOK)
		if r.Doc.Find(`.main-nav a[href="/kalender"]`).Length() != 1 {
			t.Fatal("the main menu has no link to the calendar")
		}
		if r.Doc.Find(`.main-nav a[href="/logga-in?till=%2Forter%2Fbettna"]`).Length() != 1 {
			t.Fatalf("the main menu's login link does not come back to the page: %v", r.Doc.Find(`.main-nav a[href^="/logga-in"]`).AttrOr("href", ""))
		}
		// A page with a one-time token in its address is never named in another.
		if got := b.get("/anmalan/hemlig-token-123").Doc.Find(`.main-nav a[href^="/logga-in"]`).AttrOr("href", ""); got != "/logga-in" {
			t.Fatalf("the login link on a token page is %q", got)
		}
		r = b.get("/logga-in?till=" + url.QueryEscape("/orter/bettna/ideer"))
		wantStatus(t, r, http.StatusOK)
		res := r.Doc.Find(`section[aria-labelledby="login-resident"] a.button-link`)
		href, _ := res.Attr("href")
		u, err := url.Parse(href)
		if err != nil || u.Path != "/logga-in/boende" || u.Query().Get("till") != "/orter/bettna/ideer" {
			t.Fatalf("the resident's way is %q, want /logga-in/boende coming back to /orter/bettna/ideer", href)
		}
		if r.Doc.Find(`section[aria-labelledby="login-staff"] form[action="/logga-in"] input[name=password]`).Length() != 1 {
			t.Fatal("the staff's password form is not on the page")
		}
		// The resident's link leads to a working form.
		wantStatus(t, b.get(href), http.StatusOK)
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}
