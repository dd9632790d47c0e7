package web_test

import (
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

func TestJoinFormAndInbox(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		v := s.browser()
		r := v.get("/var-med?ort=bettna")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if r.Doc.Find(`input[name="interests"][value="group:bredband"]`).Length() != 1 {
			t.Fatal("Bettna's groups are not offered as interests")
		}
		// Refused: no contact, no consent; what was typed stays.
		r = v.post("/var-med", url.Values{"ort": {"bettna"}, "name": {"Greta"}, "message": {"Jag har en idé om bredband."},
			"interests": {"group:bredband", "group:finns-inte"}, "age_group": {"65-79"}})
		wantStatus(t, r, http.StatusBadRequest)
		checkShell(t, r, "sv")
		if r.Doc.Find("#f-email-error").Length() != 1 || r.Doc.Find("#f-consent-error").Length() != 1 {
			t.Fatalf("errors not at their fields: %q", text(r, ".error-summary"))
		}
		if r.Doc.Find("#f-name").AttrOr("value", "") != "Greta" || r.Doc.Find("#f-message").Text() != "Jag har en idé om bredband." ||
			!r.Doc.Find(`input[value="group:bredband"]`).Is("[checked]") || r.Doc.Find(`#f-age_group option[selected]`).AttrOr("value", "") != "65-79" {
			t.Fatal("typed input lost")
		}
		r = v.post("/var-med", url.Values{"ort": {"bettna"}, "name": {"Greta"}, "phone": {"070-765 43 21"}, "message": {"Jag har en idé om bredband."},
			"interests": {"group:bredband", "group:finns-inte"}, "age_group": {"65-79"}, "consent": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/var-med/tack" {
			t.Fatalf("after the sign-up to %q, want the page of its own", loc)
		}
		// The page after it repeats what was sent to this browser, and only to it.
		thanks := v.get("/var-med/tack")
		wantStatus(t, thanks, http.StatusOK)
		if cc := thanks.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("the receipt is sent with Cache-Control %q, want no-store", cc)
		}
		facts := text(thanks, "dl.facts")
		for _, want := range []string{"Greta", "070-765 43 21", "Jag har en idé om bredband.", "65–79 år", "Bettna"} {
			if !strings.Contains(facts, want) {
				t.Errorf("the receipt does not repeat %q: %q", want, facts)
			}
		}
		if !strings.Contains(text(thanks, ".notice"), "senast") {
			t.Errorf("the receipt does not say by when someone answers: %q", text(thanks, ".notice"))
		}
		other := s.browser().get("/var-med/tack")
		wantStatus(t, other, http.StatusOK)
		if strings.Contains(other.Body, "Greta") || strings.Contains(other.Body, "070-765") || !strings.Contains(text(other, ".notice"), "Tack") {
			t.Error("another browser sees the sign-up, or no thanks")
		}
		// Robots filling in the honeypot are quietly dropped.
		s.browser().post("/var-med", url.Values{"ort": {"bettna"}, "name": {"Robot"}, "email": {"robot@example.se"}, "consent": {"1"}, "webbplats": {"x"}})
		// The demo's sign-ups are days old; only the one sent now is new.
		all, _ := db.SignUps(ctx, ortsplan.SignUpFilter{})
		var list []*ortsplan.SignUp
		for _, su := range all {
			if time.Since(su.CreatedAt) < time.Hour {
				list = append(list, su)
			}
		}
		if len(list) != 1 || strings.Join(list[0].Interests, ",") != "group:bredband" {
			t.Fatalf("stored sign-ups: %+v", list)
		}
		// The demo's broadband group has no contact, so Bettna's contact people get the notice.
		msgs, _ := db.ListMessages(ctx, 10)
		to := map[string]bool{}
		for _, m := range msgs {
			to[m.To] = true
		}
		if len(msgs) != 3 || !to["gruppledare.bettna@ortsplan.example"] || !to["samordnare@ortsplan.example"] {
			t.Fatalf("notices went to %v", to)
		}
		// Personal data never on public pages.
		for _, p := range []string{"/orter/bettna", "/orter/bettna/arbetsgrupper/bredband", "/api/v1/localities/bettna/groups", "/var-med?ort=bettna"} {
			if body := s.browser().get(p).Body; strings.Contains(body, "070-765") || strings.Contains(body, "Greta") {
				t.Errorf("%s shows the sign-up", p)
			}
		}

		// An older sign-up in Sparreholm waits more than a week.
		db.Now = func() time.Time { return time.Now().Add(-10 * 24 * time.Hour) }
		old := &ortsplan.SignUp{LocalityID: mustLocality(t, db, "sparreholm").ID, Name: "Sixten", Email: "sixten@example.se"}
		if err := db.CreateSignUp(ctx, old); err != nil {
			t.Fatal(err)
		}
		db.Now = time.Now

		s.user("bettna@example.se", ortsplan.RoleOfficial, "bettna")
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		off := s.browser()
		off.login("bettna@example.se", testPassword)
		r = off.get("/admin/anmalningar")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if body := r.Doc.Find("table").Text(); !strings.Contains(body, "Greta") || strings.Contains(body, "Sixten") {
			t.Fatalf("an official sees other localities' sign-ups, or not their own: %q", body)
		}
		wantStatus(t, off.get("/admin/anmalningar/"+itoa(old.ID)), http.StatusNotFound)
		coord := s.browser()
		coord.login("kim@example.se", testPassword)
		r = coord.get("/admin/anmalningar")
		// Sixten's, and the demo's sign-up in Hälleforsnäs that has waited 11 days.
		waiting := r.Doc.Find("tr.waiting")
		if waiting.Length() != 2 || !strings.Contains(waiting.Text(), "Sixten") || strings.Count(waiting.Text(), "Väntar på svar") != 2 {
			t.Fatal("the sign-up waiting over a week is not highlighted with text")
		}
		wantStatus(t, s.browser().get("/admin/anmalningar"), http.StatusSeeOther)

		// Handling: joining without a group is refused; with one, Greta becomes a member.
		detail := "/admin/anmalningar/" + itoa(list[0].ID)
		r = off.get(detail)
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if !strings.Contains(r.Body, "070-765 43 21") {
			t.Fatal("staff do not see the phone number")
		}
		f := formValues(r, detail)
		f.Set("status", "med")
		r = off.post(detail, f)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-group-error").Length() != 1 {
			t.Fatal("missing group not reported")
		}
		g, _ := db.FindGroup(ctx, mustLocality(t, db, "bettna").ID, "bredband")
		f.Set("group", itoa(g.ID))
		f.Set("notes", "Ringde och bjöd in till nästa möte.")
		wantStatus(t, off.post(detail, f), http.StatusSeeOther)
		g, _ = db.FindGroup(ctx, g.LocalityID, "bredband")
		if len(g.Members) != 1 || g.Members[0].Name != "Greta" || g.Members[0].ShowName {
			t.Fatalf("members after joining: %+v", g.Members)
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}
