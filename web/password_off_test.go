package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// TestPasswordLoginOff: with password login off the login page shows no
// password form and a password POST is refused with a page that says so,
// even with the right password; only the break-glass admin logs in, at
// /logga-in?reserv=1, and the account page and the audit log say so.
func TestPasswordLoginOff(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db, func(c *web.Config, _ *web.Services) {
			c.PasswordLoginOff, c.BreakGlassAdmin = true, "Reserv@Flen.se"
		})
		official := s.user("tjansteperson@flen.se", ortsplan.RoleOfficial)
		s.user("reserv@flen.se", ortsplan.RoleAdmin)
		b := s.browser()
		r := b.get("/logga-in")
		wantStatus(t, r, http.StatusOK)
		if n := r.Doc.Find(`form[action="/logga-in"]`).Length(); n != 0 {
			t.Fatal("the login page shows the password form with password login off")
		}
		r = b.post("/logga-in", url.Values{"email": {official.Email}, "password": {testPassword}})
		wantStatus(t, r, http.StatusForbidden)
		if got := text(r, "main"); !strings.Contains(got, "Inloggning med lösenord är avstängd") {
			t.Fatalf("refusal page says %q", got)
		}
		if c := sessionCookieOf(b); c != "" {
			t.Fatal("a refused password login set a session")
		}
		// The break-glass admin's page has the form; a wrong password fails as usual.
		r = b.get("/logga-in?reserv=1")
		if n := r.Doc.Find(`form[action="/logga-in"] input[name="reserv"][value="1"]`).Length(); n != 1 {
			t.Fatal("the break-glass page has no password form")
		}
		wantStatus(t, b.post("/logga-in", url.Values{"email": {"reserv@flen.se"}, "password": {"fel-lösenord-123"}, "reserv": {"1"}}), http.StatusUnauthorized)
		r = b.post("/logga-in", url.Values{"email": {"reserv@flen.se"}, "password": {testPassword}, "reserv": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.get("/konto")
		wantStatus(t, r, http.StatusOK)
		if got := r.Doc.Find("dl.facts").Text(); !strings.Contains(got, "Reservinloggning med lösenord") {
			t.Fatalf("the account page says %q, want the break-glass login", got)
		}
		r = b.get("/admin/logg")
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(r.Body, "login:break-glass") {
			t.Fatal("the audit log has no break-glass entry")
		}
	})
}

// sessionCookieOf is the browser's staff session cookie for the site, "" without one.
func sessionCookieOf(b *browser) string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "session" {
			return c.Value
		}
	}
	return ""
}
