package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestAdminInvitesAccounts goes through an invitation in the real router:
// the list of people, the invitation form with its errors, the mail, the
// page behind the link, the first password and the login.
func TestAdminInvitesAccounts(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		s.user("boss@example.se", ortsplan.RoleAdmin)
		b := s.browser()
		b.login("boss@example.se", testPassword)

		// People by name, each a link to their page, with their localities' names.
		r := b.get("/admin/anvandare")
		wantStatus(t, r, http.StatusOK)
		checkShell(t, r, "sv")
		johan, _ := db.FindUserByEmail(ctx, "tjansteperson.bygg@ortsplan.example")
		card := r.Doc.Find("#user-" + itoa(johan.ID))
		if card.Find(`a[href="/admin/anvandare/`+itoa(johan.ID)+`"]`).Text() != "Johan Ek" {
			t.Fatalf("Johan Ek is not a link to his page: %q", card.Text())
		}
		if got := card.Find(".person-localities").Text(); got != "Malmköping, Skebokvarn, Sparreholm" {
			t.Fatalf("Johan's localities: %q", got)
		}
		if r.Doc.Find("table").Length() != 0 || r.Doc.Find(`input[name="password"]`).Length() != 0 {
			t.Fatal("the list is a table, or the admin types a password")
		}

		bad := url.Values{"name": {"Lena Fors"}, "email": {"inte-en-adress"}, "role": {"official"}, "department": {"Kommunstyrelseförvaltningen"},
			"localities": {"bettna", "flen"}}
		r = b.post("/admin/anvandare", bad)
		wantStatus(t, r, http.StatusBadRequest)
		for field, want := range map[string]string{"name": "Lena Fors", "email": "inte-en-adress", "department": "Kommunstyrelseförvaltningen"} {
			if got := r.Doc.Find("#f-"+field).AttrOr("value", ""); got != want {
				t.Errorf("typed %s lost: %q", field, got)
			}
		}
		if !r.Doc.Find("#loc-bettna").Is("[checked]") || !r.Doc.Find("#loc-flen").Is("[checked]") || r.Doc.Find("#loc-vadsbro").Is("[checked]") {
			t.Error("chosen localities not kept")
		}
		if r.Doc.Find("#f-email-error").Length() != 1 {
			t.Error("field error missing")
		}
		r = b.post("/admin/anvandare", url.Values{"name": {"Gunnar"}, "email": {"gunnar@example.se"}, "role": {"groupleader"}, "localities": {"bettna", "flen"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-localities-error").Length() != 1 {
			t.Error("a group leader of two localities is not refused on the field")
		}

		good := url.Values{"name": {"Lena Fors"}, "email": {"lena@example.se"}, "role": {"official"}, "department": {"Kommunstyrelseförvaltningen"},
			"localities": {"malmkoping"}}
		r = b.post("/admin/anvandare", good)
		wantStatus(t, r, http.StatusSeeOther)
		lena, err := db.FindUserByEmail(ctx, "lena@example.se")
		if err != nil || lena.PasswordSet || len(lena.Localities) != 1 {
			t.Fatalf("invited user: %+v %v", lena, err)
		}
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/admin/anvandare/"+itoa(lena.ID)) {
			t.Fatalf("after inviting: %s", loc)
		}
		r = b.get(r.Header.Get("Location"))
		if got := text(r, `main [role="status"]`); !strings.Contains(got, "lena@example.se") {
			t.Fatalf("status after inviting: %q", got)
		}
		if !strings.Contains(text(r, "#user-status"), "Inbjuden") {
			t.Fatalf("status of the account: %q", text(r, "#user-status"))
		}
		links := resetLinks(t, db, "lena@example.se")
		if len(links) != 1 {
			t.Fatalf("invitation links %v", links)
		}
		wantStatus(t, s.browser().post("/logga-in", url.Values{"email": {"lena@example.se"}, "password": {"ett-gissat-lösenord"}}), http.StatusUnauthorized)

		// The link, in another browser: a page for the first password.
		lb := s.browser()
		r = lb.get(links[0])
		wantStatus(t, r, http.StatusOK)
		checkShell(t, r, "sv")
		if h := text(r, "h1"); h != "Välj ditt lösenord" {
			t.Fatalf("heading %q", h)
		}
		r = lb.post(links[0], url.Values{"new_password": {"lenas-eget-lösenord"}, "confirm_password": {"något annat"}})
		wantStatus(t, r, http.StatusBadRequest)
		if h := text(r, "h1"); h != "Välj ditt lösenord" {
			t.Fatalf("heading after an error %q", h)
		}
		r = lb.post(links[0], url.Values{"new_password": {"lenas-eget-lösenord"}, "confirm_password": {"lenas-eget-lösenord"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = lb.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, `main [role="status"]`), "Ditt lösenord är sparat") {
			t.Fatalf("login page after choosing: %q", text(r, "main"))
		}
		lb.login("lena@example.se", "lenas-eget-lösenord")
		wantStatus(t, lb.get("/orter/malmkoping/redigera"), http.StatusOK)
		wantStatus(t, s.browser().get(links[0]), http.StatusNotFound)

		// Now the account has a password: a reset link instead of an invitation.
		wantStatus(t, b.post("/admin/anvandare/"+itoa(lena.ID)+"/inbjudan", nil), http.StatusBadRequest)
		r = b.get("/admin/anvandare/" + itoa(lena.ID))
		if r.Doc.Find(`form[action$="/inbjudan"]`).Length() != 0 || r.Doc.Find(`form[action$="/losenord"]`).Length() != 1 {
			t.Fatal("the page offers an invitation to an account with a password")
		}
	})
}

// TestAdminEditsAccount changes an account on its page: role, department
// and localities with the errors kept, the state, a reset link, and the
// audit log; an admin cannot demote or deactivate themself.
func TestAdminEditsAccount(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		me := s.user("boss@example.se", ortsplan.RoleAdmin)
		b := s.browser()
		b.login("boss@example.se", testPassword)
		lena := s.user("lena@example.se", ortsplan.RoleOfficial, "flen")
		lb := s.browser()
		lb.login("lena@example.se", testPassword)
		page := "/admin/anvandare/" + itoa(lena.ID)

		r := b.get(page)
		wantStatus(t, r, http.StatusOK)
		checkShell(t, r, "sv")
		if !r.Doc.Find(`#f-role option[value="official"]`).Is("[selected]") || !r.Doc.Find("#loc-flen").Is("[checked]") || r.Doc.Find("#loc-bettna").Is("[checked]") {
			t.Fatal("the form does not show the account as it is")
		}
		r = b.post(page, url.Values{"role": {"groupleader"}, "department": {"Fritid"}, "localities": {"flen", "bettna"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-localities-error").Length() != 1 || !r.Doc.Find(`#f-role option[value="groupleader"]`).Is("[selected]") ||
			r.Doc.Find("#f-department").AttrOr("value", "") != "Fritid" || !r.Doc.Find("#loc-bettna").Is("[checked]") {
			t.Fatal("the error is not shown on the form as typed")
		}
		wantStatus(t, b.post(page, url.Values{"role": {"kung"}}), http.StatusBadRequest)
		wantStatus(t, b.post(page, url.Values{"role": {"official"}, "localities": {"finns-inte"}}), http.StatusBadRequest)

		r = b.post(page, url.Values{"role": {"official"}, "department": {"Kultur- och fritidsförvaltningen"}, "localities": {"flen", "bettna"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = b.get(r.Header.Get("Location"))
		if text(r, `main [role="status"]`) != "Ändringarna är sparade." {
			t.Fatalf("status after saving: %q", text(r, `main [role="status"]`))
		}
		u, _ := db.FindUserByID(ctx, lena.ID)
		if u.Department != "Kultur- och fritidsförvaltningen" || len(u.Localities) != 2 {
			t.Fatalf("saved account %+v", u)
		}
		// In force at Lena's next request.
		wantStatus(t, lb.get("/orter/bettna/redigera"), http.StatusOK)
		wantStatus(t, b.post(page, url.Values{"role": {"official"}, "localities": {"bettna"}}), http.StatusSeeOther)
		if r := lb.get("/orter/flen/redigera"); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
			t.Fatalf("a locality taken away: %d", r.StatusCode)
		}

		// A reset link, mailed to the account.
		r = b.post(page+"/losenord", nil)
		wantStatus(t, r, http.StatusSeeOther)
		r = b.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, `main [role="status"]`), "lena@example.se") {
			t.Fatalf("status after the reset: %q", text(r, `main [role="status"]`))
		}
		if len(resetLinks(t, db, "lena@example.se")) != 1 {
			t.Fatal("no reset link mailed")
		}

		// Deactivated and back.
		wantStatus(t, b.post(page+"/aktiv", url.Values{"active": {"0"}}), http.StatusSeeOther)
		if r := lb.get("/konto"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("deactivated user still logged in: %d", r.StatusCode)
		}
		if !strings.Contains(text(b.get("/admin/anvandare"), "#user-"+itoa(lena.ID)), "Inaktiverad") {
			t.Fatal("deactivated account not kept and marked")
		}
		wantStatus(t, b.post(page+"/losenord", nil), http.StatusBadRequest)
		wantStatus(t, b.post(page+"/aktiv", url.Values{"active": {"1"}}), http.StatusSeeOther)
		s.browser().login("lena@example.se", testPassword)

		// Not one's own admin role, nor one's own account.
		mine := "/admin/anvandare/" + itoa(me.ID)
		r = b.post(mine, url.Values{"role": {"coordinator"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-role-error").Length() != 1 {
			t.Fatal("self-demotion not refused on the role field")
		}
		wantStatus(t, b.post(mine+"/aktiv", url.Values{"active": {"0"}}), http.StatusBadRequest)
		if r := b.get(mine); r.Doc.Find(`form[action$="/aktiv"]`).Length() != 0 {
			t.Fatal("the admin's own page offers deactivation")
		}
		if u, _ := db.FindUserByID(ctx, me.ID); u.Role != ortsplan.RoleAdmin || !u.Active {
			t.Fatal("the admin demoted or deactivated themself")
		}

		for _, p := range []string{"/admin/anvandare/99999", "/admin/anvandare/abc", "/admin/anvandare/-1"} {
			wantStatus(t, b.get(p), http.StatusNotFound)
			wantStatus(t, b.post(p, url.Values{"role": {"official"}}), http.StatusNotFound)
		}

		// Every change in the audit log, with the old and the new value.
		log := text(b.get("/admin/logg"), "main")
		for _, want := range []string{"user:department", "– → Kultur- och fritidsförvaltningen", "user:localities", "Flen → Bettna, Flen",
			"user:reset_sent", "user:deactivate", "user:activate"} {
			if !strings.Contains(log, want) {
				t.Errorf("audit log lacks %q", want)
			}
		}
	})
}
