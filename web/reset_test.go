package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

var resetPath = regexp.MustCompile(`/nytt-losenord/[A-Za-z0-9_-]+`)

// resetLinks returns the paths of the reset links in the outbox, newest first.
func resetLinks(t *testing.T, db *sqlstore.DB, to string) []string {
	t.Helper()
	msgs, err := db.ListMessages(sqltest.System(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for _, m := range msgs {
		if p := resetPath.FindString(m.Text); p != "" && m.To == to {
			links = append(links, p)
		}
	}
	return links
}

// TestPasswordResetFlow goes through "Glömt lösenordet?" in the real router:
// the request, the mail, the form behind the link, the new password, and
// the link refused afterwards and when it has expired.
func TestPasswordResetFlow(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		var ahead atomic.Int64 // how far the store's clock is ahead
		db.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		kim := s.user("kim@example.se", ortsplan.RoleAdmin)
		elsewhere := s.browser()
		elsewhere.login("kim@example.se", testPassword)

		b := s.browser()
		r := b.get("/logga-in")
		href, _ := r.Doc.Find(`main a[href="/logga-in/glomt-losenord"]`).Attr("href")
		if href == "" {
			t.Fatal("the login page has no link for a forgotten password")
		}
		r = b.get(href)
		wantStatus(t, r, http.StatusOK)
		checkShell(t, r, "sv")
		if r.Doc.Find(`form[action="/logga-in/glomt-losenord"] input[name="email"]`).Length() != 1 {
			t.Fatal("no e-mail field in the request form")
		}
		r = b.post(href, url.Values{"email": {"inte-en-adress"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-email-error").Length() != 1 || r.Doc.Find("#f-email").AttrOr("value", "") != "inte-en-adress" {
			t.Fatal("a bad address is not shown at its field with what was typed")
		}

		// The same answer for an account and for no account.
		var answers []string
		for _, email := range []string{"ingen@example.se", "kim@example.se"} {
			r = b.post(href, url.Values{"email": {email}})
			answers = append(answers, itoa(int64(r.StatusCode))+" "+text(r, "main"))
		}
		if answers[0] != answers[1] || !strings.HasPrefix(answers[0], "200 ") || !strings.Contains(answers[0], "Om adressen hör till ett konto") {
			t.Fatalf("answers differ or say too little:\n%q\n%q", answers[0], answers[1])
		}
		links := resetLinks(t, db, "kim@example.se")
		msgs, _ := db.ListMessages(sqltest.System(), 100)
		if len(links) != 1 || len(msgs) != 1 {
			t.Fatalf("%d reset links to kim in %d messages, want one in one", len(links), len(msgs))
		}
		link := links[0]

		// The link shows a form and spends nothing.
		for range 2 {
			r = b.get(link)
			wantStatus(t, r, http.StatusOK)
			checkShell(t, r, "sv")
			if r.Header.Get("Referrer-Policy") != "no-referrer" {
				t.Error("the reset page may send its link as a Referer")
			}
			if r.Doc.Find(`form[action="`+link+`"] input[type="password"]`).Length() != 2 {
				t.Fatal("the reset form does not ask for the new password twice")
			}
		}
		r = b.post(link, url.Values{"new_password": {"ett helt nytt lösenord"}, "confirm_password": {"ett annat lösenord"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-confirm_password-error").Length() != 1 {
			t.Fatal("a mismatch is not shown at the second field")
		}
		r = b.post(link, url.Values{"new_password": {"kort"}, "confirm_password": {"kort"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-new_password-error").Length() != 1 || r.Doc.Find("#f-new_password").AttrOr("value", "x") != "" {
			t.Fatal("a short password is not shown at its field, or is echoed")
		}
		r = b.post(link, url.Values{"new_password": {"ett helt nytt lösenord"}, "confirm_password": {"ett helt nytt lösenord"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.get(r.Header.Get("Location"))
		wantStatus(t, r, http.StatusOK)
		if text(r, ".notice") == "" {
			t.Error("the login page does not say the new password is saved")
		}

		// Every session ended; the old password refused, the new one works.
		wantStatus(t, elsewhere.get("/konto"), http.StatusSeeOther)
		wantStatus(t, s.browser().post("/logga-in", url.Values{"email": {"kim@example.se"}, "password": {testPassword}}), http.StatusUnauthorized)
		s.browser().login("kim@example.se", "ett helt nytt lösenord")
		var audited int
		db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'user:password_reset' AND subject = $1", kim.Email).Scan(&audited)
		if audited != 1 {
			t.Errorf("%d audit rows for the reset, want 1", audited)
		}

		// Used once.
		r = b.post(link, url.Values{"new_password": {"ett tredje långt lösenord"}, "confirm_password": {"ett tredje långt lösenord"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, ".error-summary"), "Länken fungerar inte") || r.Doc.Find(`a[href="/logga-in/glomt-losenord"]`).Length() == 0 {
			t.Fatalf("a spent link: %q", text(r, ".error-summary"))
		}
		wantStatus(t, b.get(link), http.StatusNotFound)

		// Expired after 30 minutes.
		wantStatus(t, b.post(href, url.Values{"email": {"kim@example.se"}}), http.StatusOK)
		late := resetLinks(t, db, "kim@example.se")[0]
		if late == link {
			t.Fatal("no new link")
		}
		wantStatus(t, b.get(late), http.StatusOK)
		ahead.Store(int64(sqlstore.PasswordResetTTL + time.Minute))
		wantStatus(t, b.get(late), http.StatusNotFound)
		wantStatus(t, b.post(late, url.Values{"new_password": {"ett fjärde långt lösenord"}, "confirm_password": {"ett fjärde långt lösenord"}}),
			http.StatusBadRequest)
		s.browser().login("kim@example.se", "ett helt nytt lösenord")
	})
}

// TestPasswordResetRateLimit: the request form is limited per address like
// the other public forms.
func TestPasswordResetRateLimit(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	b := s.browser()
	var last *response
	for i := range 31 {
		last = b.post("/logga-in/glomt-losenord", url.Values{"email": {"ingen" + itoa(int64(i)) + "@example.se"}})
	}
	wantStatus(t, last, http.StatusTooManyRequests)
	if got := last.Doc.Find("#f-email").AttrOr("value", ""); got != "ingen30@example.se" {
		t.Errorf("typed address lost: %q", got)
	}
}
