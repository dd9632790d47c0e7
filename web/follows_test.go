package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

func TestFollowUnsubscribeAndMyData(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		r := anna.get("/orter/bettna")
		if r.Doc.Find(`form[action="/orter/bettna/folj"] select[name="mode"]`).Length() != 1 {
			t.Fatal("no follow form for a logged-in resident")
		}
		if got := text(r, "#follow-state"); !strings.Contains(got, "Du följer inte Bettna") {
			t.Fatalf("before following the page says %q", got)
		}
		wantStatus(t, anna.post("/orter/bettna/folj", url.Values{"mode": {"direkt"}}), http.StatusSeeOther)
		// Following shows: the state in words, the mode chosen, and a way to stop.
		r = anna.get("/orter/bettna")
		if got := text(r, "#follow-state"); !strings.Contains(got, "Du följer Bettna") || !strings.Contains(got, "direkt") {
			t.Fatalf("after following the page says %q", got)
		}
		if !r.Doc.Find(`#f-mode option[value="direkt"]`).Is("[selected]") {
			t.Fatal("the mode chosen is not selected")
		}
		if r.Doc.Find(`form[action="/orter/bettna/folj"] input[name=mode][value=""] ~ button`).Length() != 1 {
			t.Fatal("no way to stop following")
		}
		if got := text(anna.get("/orter/sparreholm"), "#follow-state"); !strings.Contains(got, "inte") {
			t.Fatalf("another locality says %q", got)
		}
		// The demo's residents' news (comments on their ideas) go out first.
		if _, err := db.SendNotifications(ctx); err != nil {
			t.Fatal(err)
		}
		// A change in Bettna's plan reaches Anna at once, with the unsubscribe headers.
		l := mustLocality(t, db, "bettna")
		if err := db.SaveTheme(ctx, &ortsplan.Theme{LocalityID: l.ID, Title: "Cykelvägar"}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.SendNotifications(ctx); n != 1 || err != nil {
			t.Fatalf("news: %d %v", n, err)
		}
		msgs, _ := db.ListMessages(ctx, 1)
		unsub := strings.Trim(msgs[0].Headers["List-Unsubscribe"], "<>")
		if msgs[0].To != "anna@example.se" || !strings.Contains(msgs[0].Text, "Cykelvägar") || unsub == "" {
			t.Fatalf("news mail: %+v", msgs[0])
		}
		path := strings.TrimPrefix(unsub, s.srv.URL)
		// The link shows a page with a button; a mail program's one-click POST has no CSRF token.
		r = s.browser().get(path)
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		req, _ := http.NewRequest(http.MethodPost, unsub, strings.NewReader("List-Unsubscribe=One-Click"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("one-click unsubscribe: %v %v", err, res.Status)
		}
		res.Body.Close()
		if fs, _ := db.Follows(sqltest.AsResident(ctx, 1)); len(fs) != 0 {
			t.Fatal("still following")
		}

		// My data: the page, the JSON download, and deletion.
		r = anna.get("/mina-uppgifter")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		anna.post("/orter/bettna/ideer", url.Values{"title": {"Cykelställ vid affären"}, "body": {"Fler cykelställ."}})
		r = anna.get("/mina-uppgifter.json")
		var data map[string]any
		if err := json.Unmarshal([]byte(r.Body), &data); err != nil || !strings.Contains(r.Body, "anna@example.se") || !strings.Contains(r.Body, "Cykelställ") {
			t.Fatalf("export: %v %s", err, truncate(r.Body, 300))
		}
		wantStatus(t, s.browser().get("/mina-uppgifter.json"), http.StatusUnauthorized)
		r = anna.post("/mina-uppgifter/radera", url.Values{})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-confirm-error").Length() != 1 {
			t.Fatal("deletion without confirmation not refused at the box")
		}
		// A sign-up made with the same address goes with the account.
		if err := db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: "Anna A", Email: "anna@example.se", Message: "Jag vill vara med."}); err != nil {
			t.Fatal(err)
		}
		r = anna.post("/mina-uppgifter/radera", url.Values{"confirm": {"1"}})
		wantStatus(t, r, 200)
		done := text(r, ".notice")
		for _, want := range []string{"Ditt konto är raderat", "1 anmälan om att vara med", "0 anmälningar till möten", "1 idé finns kvar"} {
			if !strings.Contains(done, want) {
				t.Errorf("the confirmation does not say %q: %q", want, done)
			}
		}
		var list []*ortsplan.SignUp // the demo's sign-ups are days old
		all, _ := db.SignUps(ctx, ortsplan.SignUpFilter{})
		for _, su := range all {
			if time.Since(su.CreatedAt) < time.Hour {
				list = append(list, su)
			}
		}
		if len(list) != 1 || list[0].Name != "" || list[0].Email != "" {
			t.Fatalf("the sign-up made with the address kept its data: %+v", list)
		}
		wantStatus(t, anna.get("/mina-uppgifter"), http.StatusSeeOther) // logged out
		ideas, _ := db.Ideas(ctx, l.ID, ortsplan.SortNewest)
		r = s.browser().get("/ideer/" + itoa(ideas[0].ID))
		if !strings.Contains(r.Body, "Tidigare användare") || strings.Contains(r.Body, "Anna") {
			t.Fatal("the idea keeps the name after the account was deleted")
		}
	})
}

// On /mina-uppgifter a resident changes the name shown and the home
// locality, and finds their own ideas.
func TestResidentChangesNameAndSeesOwnIdeas(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		l := mustLocality(t, db, "bettna")
		var resID int64
		if err := db.SQL().QueryRow("SELECT id FROM residents WHERE email = 'anna@example.se'").Scan(&resID); err != nil {
			t.Fatal(err)
		}
		idea := &ortsplan.Idea{LocalityID: l.ID, ResidentID: resID, Title: "Belysning vid korsningen", Body: "Det är mörkt."}
		if err := db.CreateIdea(sqltest.AsResident(ctx, resID), idea); err != nil {
			t.Fatal(err)
		}
		r := anna.get("/mina-uppgifter")
		wantStatus(t, r, http.StatusOK)
		if r.Doc.Find(`main a[href="/ideer/`+itoa(idea.ID)+`"]`).Length() != 1 {
			t.Fatal("the resident's own idea is not listed")
		}
		f := formValues(r, "/mina-uppgifter")
		f.Set("name", "")
		f.Set("ort", "sparreholm")
		r = anna.post("/mina-uppgifter", f)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, ".error-summary"), "Anonym ortsbo") || !r.Doc.Find(`#f-ort option[value="sparreholm"]`).Is("[selected]") {
			t.Fatalf("an empty name: %q, and the locality chosen is kept: %v", text(r, ".error-summary"), r.Doc.Find(`#f-ort option[selected]`).AttrOr("value", ""))
		}
		f.Set("name", "Anna från Bettna")
		r = anna.post("/mina-uppgifter", f)
		wantStatus(t, r, http.StatusSeeOther)
		r = anna.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, ".notice"), "sparade") || !strings.Contains(text(r, "dl.facts"), "Anna från Bettna") || !strings.Contains(text(r, "dl.facts"), "Sparreholm") {
			t.Fatalf("after saving: %q / %q", text(r, ".notice"), text(r, "dl.facts"))
		}
		if !strings.Contains(s.browser().get("/ideer/"+itoa(idea.ID)).Body, "Anna från Bettna") {
			t.Fatal("the idea does not show the new name")
		}
	})
}
