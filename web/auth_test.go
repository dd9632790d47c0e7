package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

func TestLoginAndLogout(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		b := s.browser()
		if b.get("/").Doc.Find(`form[action="/logga-ut"]`).Length() != 0 {
			t.Fatal("logout button shown to a visitor")
		}
		b.login("KIM@example.se", testPassword)

		u, _ := url.Parse(s.srv.URL)
		var sess *http.Cookie
		for _, c := range b.c.Jar.Cookies(u) {
			if c.Name == "session" {
				sess = c
			}
		}
		if sess == nil {
			t.Fatal("no session cookie")
		}
		r := b.get("/konto")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if !strings.Contains(r.Doc.Find(".facts").Text(), "kim@example.se") {
			t.Fatal("account page does not show the account")
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("staff page may be cached: %q", cc)
		}
		if b.get("/").Doc.Find(`form[action="/logga-ut"] button`).Length() != 1 {
			t.Fatal("no logout button when logged in")
		}
		wantStatus(t, b.post("/logga-ut", nil), http.StatusSeeOther)
		r = b.get("/konto")
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/logga-in?till=%2Fkonto" {
			t.Fatalf("after logout /konto redirects to %q", loc)
		}
		// The old session token is dead on the server, not only forgotten by the browser.
		if _, err := db.UserBySession(context.Background(), sess.Value); err == nil {
			t.Fatal("session still valid after logout")
		}
	})
}

func TestSessionCookieFlags(t *testing.T) {
	for _, base := range []string{"http://localhost:8080", "https://ortsplan.flen.se"} {
		t.Run(base, func(t *testing.T) {
			db := sqltest.Open(t, sqlstore.SQLite)
			s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.BaseURL = base })
			s.user("kim@example.se", ortsplan.RoleAdmin)
			b := s.browser()
			token := b.csrf()
			r := b.post("/logga-in", url.Values{"email": {"kim@example.se"}, "password": {testPassword}, "csrf": {token}})
			wantStatus(t, r, http.StatusSeeOther)
			var raw string
			for _, h := range r.Header.Values("Set-Cookie") {
				if strings.HasPrefix(h, "session=") {
					raw = h
				}
			}
			if !strings.Contains(raw, "HttpOnly") || !strings.Contains(raw, "SameSite=Lax") {
				t.Fatalf("session cookie flags: %q", raw)
			}
			if secure := strings.Contains(raw, "Secure"); secure != strings.HasPrefix(base, "https") {
				t.Fatalf("Secure=%v for base URL %s: %q", secure, base, raw)
			}
			if strings.HasPrefix(base, "https") && r.Header.Get("Strict-Transport-Security") == "" {
				t.Error("no HSTS header on https")
			}
		})
	}
}

func TestLoginErrorsKeepInputAndNeverLockTheOwnerOut(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.TrustProxy = 1 })
		s.user("kim@example.se", ortsplan.RoleOfficial)

		b := s.browser()
		r := b.post("/logga-in", url.Values{"email": {""}, "password": {""}})
		wantStatus(t, r, http.StatusBadRequest)
		checkShell(t, r, "sv")
		for _, f := range []string{"email", "password"} {
			in := r.Doc.Find("#f-" + f)
			if in.AttrOr("aria-invalid", "") != "true" || in.AttrOr("aria-describedby", "") != "f-"+f+"-error" {
				t.Errorf("field %s not tied to its error", f)
			}
			if r.Doc.Find("#f-"+f+"-error").Length() != 1 || r.Doc.Find(`.error-summary a[href="#f-`+f+`"]`).Length() != 1 {
				t.Errorf("field %s: error message or summary link missing", f)
			}
		}

		// Six wrong passwords from one address: after the fifth the address
		// waits for the account, and an unknown e-mail from another address
		// gets exactly the same answers.
		answers := map[string][]string{}
		for i, email := range []string{"kim@example.se", "nobody@example.se"} {
			b := s.browser()
			b.header.Set("X-Forwarded-For", []string{"192.0.2.1", "192.0.2.2"}[i])
			for range ortsplan.LoginPairFree + 1 {
				r := b.post("/logga-in", url.Values{"email": {email}, "password": {"fel lösenord"}})
				if got := r.Doc.Find("#f-email").AttrOr("value", ""); got != email {
					t.Fatalf("typed e-mail lost: %q", got)
				}
				if r.Doc.Find("#f-password").AttrOr("value", "") != "" {
					t.Fatal("password echoed back into the form")
				}
				// The fifth answer waits exactly 30 s; the sixth a moment less.
				wait := r.Header.Get("Retry-After")
				if n, _ := strconv.Atoi(wait); n > 0 && n <= 30 {
					wait = "≤30"
				}
				answers[email] = append(answers[email], itoa(int64(r.StatusCode))+" "+wait+" "+text(r, ".error-summary h2"))
			}
		}
		known, unknown := answers["kim@example.se"], answers["nobody@example.se"]
		if strings.Join(known, "|") != strings.Join(unknown, "|") {
			t.Fatalf("answers differ for a known and an unknown e-mail:\n%v\n%v", known, unknown)
		}
		if !strings.HasPrefix(known[0], "401  ") || !strings.Contains(known[0], "Fel e-postadress eller lösenord") {
			t.Errorf("first failure: %q", known[0])
		}
		for _, n := range []int{ortsplan.LoginPairFree - 1, ortsplan.LoginPairFree} {
			if got := known[n]; !strings.HasPrefix(got, "429 ≤30 ") || !strings.Contains(got, "vänta en stund") {
				t.Errorf("answer %d: %q, want 429 with Retry-After 30 and the slow-down message", n+1, got)
			}
		}
		// The guessing address stays slowed, for the right password too.
		b = s.browser()
		b.header.Set("X-Forwarded-For", "192.0.2.1")
		r = b.post("/logga-in", url.Values{"email": {"kim@example.se"}, "password": {testPassword}})
		wantStatus(t, r, http.StatusTooManyRequests)
		if r.Doc.Find(`a[href="/logga-in/glomt-losenord"]`).Length() != 1 {
			t.Error("the slowed login page does not offer a new password")
		}
		// The owner logs in from a second address.
		b = s.browser()
		b.header.Set("X-Forwarded-For", "192.0.2.3")
		r = b.post("/logga-in", url.Values{"email": {"kim@example.se"}, "password": {testPassword}})
		wantStatus(t, r, http.StatusSeeOther)
		wantStatus(t, b.get("/konto"), http.StatusOK)
	})
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	b := s.browser()
	var last *response
	for i := range 11 {
		// Different e-mails, so only the address limit can trigger.
		last = b.post("/logga-in", url.Values{"email": {string(rune('a'+i)) + "@example.se"}, "password": {"x"}})
	}
	wantStatus(t, last, http.StatusTooManyRequests)
	if !strings.Contains(text(last, ".error-summary"), "din anslutning") {
		t.Fatalf("message: %q", text(last, ".error-summary"))
	}
}

func TestCSRFProtection(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("kim@example.se", ortsplan.RoleAdmin)
		b := s.browser()
		b.login("kim@example.se", testPassword)

		// No token.
		r := b.postRaw("/logga-ut", url.Values{})
		wantStatus(t, r, http.StatusForbidden)
		checkShell(t, r, "sv")
		if !strings.Contains(r.Body, "Ladda om sidan") {
			t.Error("403 page does not explain what to do")
		}
		// Wrong token.
		wantStatus(t, b.postRaw("/logga-ut", url.Values{"csrf": {strings.Repeat("x", 43)}}), http.StatusForbidden)
		// A cross-site POST is refused even with the right token.
		for _, h := range []http.Header{{"Sec-Fetch-Site": {"cross-site"}}, {"Origin": {"https://evil.example"}}} {
			b.header = h
			wantStatus(t, b.post("/logga-ut", nil), http.StatusForbidden)
		}
		b.header = http.Header{}
		// Still logged in: none of the refused requests did anything.
		wantStatus(t, b.get("/konto"), http.StatusOK)
		wantStatus(t, b.post("/logga-ut", nil), http.StatusSeeOther)
	})
}

func TestChangePasswordForm(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("kim@example.se", ortsplan.RoleOfficial)
		b := s.browser()
		b.login("kim@example.se", testPassword)

		r := b.post("/konto/losenord", url.Values{"old_password": {testPassword}, "new_password": {"ett helt nytt lösenord"}, "confirm_password": {"ett annat lösenord"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-confirm_password-error").Length() != 1 {
			t.Fatal("mismatch not reported at the confirm field")
		}
		r = b.post("/konto/losenord", url.Values{"old_password": {"fel"}, "new_password": {"kort"}, "confirm_password": {"kort"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-old_password-error").Length() != 1 || r.Doc.Find("#f-new_password-error").Length() != 1 {
			t.Fatal("errors not shown at their fields")
		}
		r = b.post("/konto/losenord", url.Values{"old_password": {testPassword}, "new_password": {"ett helt nytt lösenord"}, "confirm_password": {"ett helt nytt lösenord"}})
		wantStatus(t, r, http.StatusSeeOther)
		if text(b.get(r.Header.Get("Location")), ".notice") == "" {
			t.Error("no confirmation shown")
		}
		if _, err := db.Authenticate(context.Background(), "kim@example.se", "ett helt nytt lösenord", "192.0.2.99"); err != nil {
			t.Fatalf("new password does not work: %v", err)
		}
	})
}

func TestRoleChecks(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		target := s.user("target@example.se", ortsplan.RoleOfficial)
		for _, role := range []ortsplan.Role{ortsplan.RoleCoordinator, ortsplan.RoleOfficial, ortsplan.RoleGroupLeader} {
			b := s.browser()
			s.user(string(role)+"@example.se", role)
			b.login(string(role)+"@example.se", testPassword)
			r := b.get("/admin/anvandare")
			wantStatus(t, r, http.StatusForbidden)
			checkShell(t, r, "sv")
			wantStatus(t, b.post("/admin/anvandare", url.Values{"email": {"x@example.se"}, "name": {"X"}, "role": {"admin"}}), http.StatusForbidden)
			wantStatus(t, b.post("/admin/anvandare", url.Values{"email": {"x@example.se"}, "name": {"X"}, "role": {"admin"}, "password": {"ett-långt-lösenord"}}), http.StatusForbidden)
			wantStatus(t, b.post("/admin/anvandare/"+itoa(target.ID)+"/aktiv", url.Values{"active": {"0"}}), http.StatusForbidden)
			wantStatus(t, b.get("/admin/anvandare/"+itoa(target.ID)), http.StatusForbidden)
			wantStatus(t, b.post("/admin/anvandare/"+itoa(target.ID), url.Values{"role": {"admin"}}), http.StatusForbidden)
			wantStatus(t, b.post("/admin/anvandare/"+itoa(target.ID)+"/losenord", nil), http.StatusForbidden)
			wantStatus(t, b.post("/admin/anvandare/"+itoa(target.ID)+"/inbjudan", nil), http.StatusForbidden)
			if b.get("/").Doc.Find(`a[href="/admin/anvandare"]`).Length() != 0 {
				t.Errorf("%s sees the users link", role)
			}
		}
		if _, err := db.FindUserByEmail(context.Background(), "x@example.se"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatal("a non-admin created an account")
		}
		if u, _ := db.FindUserByID(context.Background(), target.ID); !u.Active {
			t.Fatal("a non-admin deactivated an account")
		}
		// A visitor is sent to the login page, and a POST is refused.
		v := s.browser()
		wantStatus(t, v.get("/admin/anvandare"), http.StatusSeeOther)
		wantStatus(t, v.post("/admin/anvandare/"+itoa(target.ID)+"/aktiv", url.Values{"active": {"0"}}), http.StatusUnauthorized)
	})
}

// failingPlans makes the locality overview fail, to show the 500 page.
type failingPlans struct{ ortsplan.PlanService }

func (failingPlans) LocalitySummaries(context.Context) ([]*ortsplan.LocalitySummary, error) {
	return nil, errors.New("disk on fire")
}

func TestServerErrorPageAndReadiness(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db, func(_ *web.Config, svc *web.Services) {
		svc.Plans = failingPlans{svc.Plans}
		svc.Ping = func(context.Context) error { return errors.New("down") }
	})
	b := s.browser()
	b.header.Set("Accept-Language", "en")
	r := b.get("/orter")
	wantStatus(t, r, http.StatusInternalServerError)
	checkShell(t, r, "en")
	if strings.Contains(r.Body, "disk on fire") || text(r, "h1") != "Something went wrong" {
		t.Fatalf("500 page: h1=%q, leaks=%v", text(r, "h1"), strings.Contains(r.Body, "disk on fire"))
	}
	wantStatus(t, b.get("/readyz"), http.StatusServiceUnavailable)
	wantStatus(t, b.get("/healthz"), http.StatusOK)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
