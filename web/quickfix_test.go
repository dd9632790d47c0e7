package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestQuickfixFlow applies as a resident with a photo, asks for more as
// staff, amends, grants within the budget, reports with a photo and records
// the payment, through the real forms; the public sees it only once
// granted, and never the applicant's e-mail.
func TestQuickfixFlow(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		year := time.Now().In(i18n.Stockholm()).Year()
		// The year starts without a budget (the demo sets one).
		if _, err := db.SQL().Exec("DELETE FROM quickfix_budgets WHERE year = $1", year); err != nil {
			t.Fatal(err)
		}
		s.user("qf-samordnare@example.se", ortsplan.RoleCoordinator)
		s.user("qf-tjansteman@example.se", ortsplan.RoleOfficial, "bettna")
		s.user("qf-annan@example.se", ortsplan.RoleOfficial, "flen")
		coord, official, other, visitor := s.browser(), s.browser(), s.browser(), s.browser()
		coord.login("qf-samordnare@example.se", testPassword)
		official.login("qf-tjansteman@example.se", testPassword)
		other.login("qf-annan@example.se", testPassword)
		res := residentBrowser(t, s, "qf-sokande@example.se", "Sigrid Sökande")

		// The page offers a login to a visitor, the form to a resident.
		r := visitor.get("/orter/bettna/quickfix")
		wantStatus(t, r, 200)
		if r.Doc.Find(`form[action="/orter/bettna/quickfix"]`).Length() != 0 || r.Doc.Find(`a[href^="/logga-in/boende"]`).Length() == 0 {
			t.Fatal("visitor: no login link, or a form")
		}
		fields := map[string]string{"kind": "forening", "organisation": "Bettna byalag", "title": "Anslagstavla vid affären", "place": "Vid affären",
			"description": "En tavla för lappar och affischer.", "cost": "8 000 kr", "own_effort": "Vi bygger den.", "photo_alt": "Platsen vid affären"}
		// Bad input: a clear 400 that keeps what was typed.
		bad := map[string]string{}
		for k, v := range fields {
			bad[k] = v
		}
		bad["cost"], bad["organisation"] = "åttatusen", ""
		r = res.uploadAs("/orter/bettna/quickfix", "photo_file", bad, "", nil)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find(`#f-title`).AttrOr("value", "") != "Anslagstavla vid affären" || r.Doc.Find(`.error-summary a[href="#f-cost"]`).Length() != 1 ||
			r.Doc.Find(`.error-summary a[href="#f-organisation"]`).Length() != 1 {
			t.Fatalf("refused form: %s", text(r, ".error-summary"))
		}
		r = res.uploadAs("/orter/bettna/quickfix", "photo_file", fields, "plats.jpg", media.Generate(2, 640, 480))
		wantStatus(t, r, http.StatusSeeOther)
		loc := r.Header.Get("Location")
		id, _ := parseTrailingID(strings.Split(loc, "?")[0])
		page := res.get(loc)
		if text(page, `main [role="status"]`) == "" || page.Doc.Find(`img[src^="/quickfix/`+itoa(id)+`/bild/"]`).Length() != 1 {
			t.Fatalf("after applying: %s", text(page, "main"))
		}
		path := "/quickfix/" + itoa(id)
		// Not public yet; another locality's official does not see it either.
		wantStatus(t, visitor.get(path), http.StatusNotFound)
		wantStatus(t, other.get(path), http.StatusNotFound)
		if strings.Contains(visitor.get("/quickfix").Body, "Anslagstavla vid affären") {
			t.Fatal("an application not decided is listed publicly")
		}
		// Staff see it waiting, with the applicant's details.
		if r := official.get("/admin/quickfix"); !strings.Contains(r.Body, "Anslagstavla vid affären") {
			t.Fatal("not on the staff list")
		}
		if r := official.get(path); !strings.Contains(r.Body, "qf-sokande@example.se") {
			t.Fatal("staff do not see the applicant")
		}
		// A refusal without a reason is refused, and keeps the form.
		r = official.post(path+"/beslut", url.Values{"decision": {"komplettering"}})
		wantStatus(t, r, http.StatusBadRequest)
		wantStatus(t, other.post(path+"/beslut", url.Values{"decision": {"komplettering"}, "reason": {"Offert?"}}), http.StatusForbidden)
		wantStatus(t, official.post(path+"/beslut", url.Values{"decision": {"komplettering"}, "reason": {"Bifoga en offert."}}), http.StatusSeeOther)
		// The applicant amends from the page.
		page = res.get(path)
		if page.Doc.Find(`form[action="`+path+`/komplettera"]`).Length() != 1 {
			t.Fatal("no amendment form for the applicant")
		}
		fields["description"] += " Offert: 9 000 kr."
		fields["cost"] = "9000"
		delete(fields, "photo_alt")
		wantStatus(t, res.uploadAs(path+"/komplettera", "photo_file", fields, "", nil), http.StatusSeeOther)

		// A grant needs a budget; the coordinator sets one on the staff page.
		r = official.post(path+"/beslut", url.Values{"decision": {"beviljad"}, "amount": {"9000"}})
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, ".error-summary"), "budget") {
			t.Fatalf("no budget: %s", text(r, ".error-summary"))
		}
		wantStatus(t, official.post("/admin/quickfix/budget", url.Values{"year": {itoa(int64(year))}, "budget": {"50000"}}), http.StatusForbidden)
		wantStatus(t, coord.post("/admin/quickfix/budget", url.Values{"year": {itoa(int64(year))}, "budget": {"50 000"}}), http.StatusSeeOther)
		wantStatus(t, official.post(path+"/beslut", url.Values{"decision": {"beviljad"}, "amount": {"9 000"}, "reason": {"Bra för orten."}}), http.StatusSeeOther)
		// Public now, without the applicant's e-mail or name.
		r = visitor.get(path)
		wantStatus(t, r, 200)
		if strings.Contains(r.Body, "qf-sokande@example.se") || strings.Contains(r.Body, "Sigrid") || !strings.Contains(r.Body, "9\u00a0000") {
			t.Fatal("public page: applicant shown or amount missing")
		}
		for _, p := range []string{"/quickfix", "/orter/bettna/quickfix", "/quickfix.csv", "/api/v1/quickfixes"} {
			if r := visitor.get(p); !strings.Contains(r.Body, "Anslagstavla vid affären") {
				t.Errorf("%s does not list the granted quickfix", p)
			}
		}
		bs, err := db.QuickfixBudgets(sqltest.System(), year)
		if err != nil || bs[0].Amount != 50000 || bs[0].Granted != 9000 {
			t.Fatalf("budgets: %+v %v", bs, err)
		}
		if r := visitor.get("/quickfix"); !strings.Contains(r.Body, i18n.MustLoad().For("sv").Number(int(bs[0].Remaining()))+"\u00a0kr") {
			t.Error("/quickfix does not show what remains of the budget")
		}

		// The applicant reports with a photo; staff record the payment.
		wantStatus(t, res.uploadAs(path+"/rapport", "photo_file", map[string]string{"report": "Tavlan sitter uppe.", "photo_alt": "Den nya tavlan"},
			"tavla.jpg", media.Generate(3, 640, 480)), http.StatusSeeOther)
		today := time.Now().In(i18n.Stockholm()).Format("2006-01-02")
		r = official.post(path+"/utbetalning", url.Values{"paid_on": {today}, "paid_amount": {"10000"}})
		wantStatus(t, r, http.StatusBadRequest)
		wantStatus(t, official.post(path+"/utbetalning", url.Values{"paid_on": {today}, "paid_amount": {"9000"}}), http.StatusSeeOther)
		r = visitor.get(path)
		if !strings.Contains(r.Body, "Tavlan sitter uppe.") || r.Doc.Find(`img[src^="/quickfix/`+itoa(id)+`/bild/"]`).Length() != 2 ||
			!strings.Contains(r.Body, "utbetald") && !strings.Contains(r.Body, "Genomförd och utbetald") {
			t.Fatalf("after payment: %s", text(r, "main"))
		}
		// The applicant's own data holds the application.
		if r := res.get("/mina-uppgifter.json"); !strings.Contains(r.Body, "Anslagstavla vid affären") {
			t.Error("the resident's data export lacks the quickfix application")
		}
		// The applicant was e-mailed each decision.
		msgs, _ := db.ListMessages(sqltest.System(), 20)
		n := 0
		for _, m := range msgs {
			if m.To == "qf-sokande@example.se" && strings.Contains(m.Subject, "uickfix") {
				n++
			}
		}
		if n != 2 {
			t.Errorf("decision mails: %d, want 2", n)
		}
	})
}
