package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// meetingSite is a site with a composer, a group and two meetings in Vadsbro.
func meetingSite(t *testing.T, db *sqlstore.DB) (*site, *ortsplan.Meeting, *ortsplan.Group) {
	t.Helper()
	return meetingSiteOn(t, newSite(t, db), db)
}

// meetingSiteOn adds the group and meetings to an existing site.
func meetingSiteOn(t *testing.T, s *site, db *sqlstore.DB) (*site, *ortsplan.Meeting, *ortsplan.Group) {
	t.Helper()
	ctx := sqltest.System()
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
	l := mustLocality(t, db, "vadsbro")
	leader := s.user("leader@example.se", ortsplan.RoleGroupLeader, "vadsbro")
	g := &ortsplan.Group{LocalityID: l.ID, Slug: "badplatsen", Name: "Badplatsgruppen", Kind: ortsplan.GroupWorking, ContactUserID: leader.ID, Open: true}
	if err := db.SaveGroup(ctx, g); err != nil {
		t.Fatal(err)
	}
	db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: "Synlig Sven", Email: "sven@example.se", ShowName: true})
	db.AddGroupMember(ctx, &ortsplan.GroupMember{GroupID: g.ID, Name: "Hemliga Hanna", Email: "hanna@example.se", Phone: "070-123 45 67"})
	start := time.Now().Add(10 * 24 * time.Hour).Truncate(time.Hour)
	m := &ortsplan.Meeting{LocalityID: l.ID, GroupID: g.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om badbryggorna", Start: start,
		End: start.Add(2 * time.Hour), PlaceName: "Bygdegården", PlaceAddress: "Kvarnvägen 1", Accessibility: "Ramp vid entrén",
		State: ortsplan.MeetingPlanned, Registration: true, Capacity: 2}
	if err := db.SaveMeeting(ctx, m); err != nil {
		t.Fatal(err)
	}
	past := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Första stormötet", Start: time.Date(2012, 11, 19, 17, 0, 0, 0, time.UTC),
		State: ortsplan.MeetingHeld, Report: "Vi samlade **40 idéer**.", ReportPublished: time.Date(2012, 11, 25, 0, 0, 0, 0, time.UTC), Participants: 42}
	if err := db.SaveMeeting(ctx, past); err != nil {
		t.Fatal(err)
	}
	return s, m, g
}

func TestMeetingPagesAndRegistration(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s, m, _ := meetingSite(t, db)
		for _, lang := range []string{"sv", "en"} {
			b := s.browser()
			b.header.Set("Accept-Language", lang)
			for _, p := range []string{"/orter/vadsbro/moten", "/kalender", "/moten/" + itoa(m.ID), "/orter/vadsbro/arbetsgrupper",
				"/orter/vadsbro/arbetsgrupper/badplatsen"} {
				r := b.get(p)
				wantStatus(t, r, 200)
				checkShell(t, r, lang)
			}
		}
		v := s.browser()
		r := v.get("/orter/vadsbro/moten")
		if !strings.Contains(r.Doc.Find("main").Text(), "Stormöte om badbryggorna") || r.Doc.Find("main h3").First().Text() != "2012" {
			t.Fatalf("meetings page: upcoming or archive by year missing")
		}
		// Register without an account; the form keeps input on errors.
		mp := "/moten/" + itoa(m.ID)
		r = v.post(mp+"/anmalan", url.Values{"name": {"Åsa"}, "email": {"inte-en-adress"}, "people": {"1"}, "needs": {"Laktosfritt"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-email-error").Length() != 1 || r.Doc.Find("#f-needs").Text() != "Laktosfritt" {
			t.Fatal("registration error not shown at the field, or input lost")
		}
		r = v.post(mp+"/anmalan", url.Values{"name": {"Åsa Öberg"}, "email": {"asa@example.se"}, "people": {"2"}, "needs": {"Laktosfritt"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = v.get(r.Header.Get("Location"))
		if !strings.Contains(text(r, ".notice"), "Du är anmäld") {
			t.Fatalf("no confirmation on the page: %q", text(r, ".notice"))
		}
		if !strings.Contains(r.Doc.Find("#anmalan").Parent().Text(), "Fullt") {
			t.Error("a full meeting does not say so")
		}
		// The next person goes on the waiting list.
		r = s.browser().post(mp+"/anmalan", url.Values{"name": {"Bo"}, "email": {"bo@example.se"}, "people": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.Contains(r.Header.Get("Location"), "anmald=w") {
			t.Fatalf("not waitlisted: %s", r.Header.Get("Location"))
		}
		// The honeypot quietly drops robots.
		s.browser().post(mp+"/anmalan", url.Values{"name": {"Robot"}, "email": {"robot@example.se"}, "people": {"1"}, "webbplats": {"http://spam"}})

		// Personal data: not on public pages or the API, but staff who work on the locality see it.
		for _, p := range []string{mp, "/api/v1/meetings", "/orter/vadsbro/arbetsgrupper/badplatsen", "/api/v1/localities/vadsbro/groups", "/kalender.ics"} {
			body := s.browser().get(p).Body
			for _, secret := range []string{"asa@example.se", "Laktosfritt", "bo@example.se", "Hemliga Hanna", "hanna@example.se", "070-123", "sven@example.se"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s shows personal data %q", p, secret)
				}
			}
		}
		if !strings.Contains(s.browser().get("/orter/vadsbro/arbetsgrupper/badplatsen").Body, "Synlig Sven") {
			t.Error("a consenting member is not named")
		}
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		r = leader.get(mp)
		if !strings.Contains(r.Doc.Find("#regs-heading").Parent().Text(), "Laktosfritt") {
			t.Fatal("staff do not see the registrations")
		}
		s.user("other@example.se", ortsplan.RoleOfficial, "flen")
		other := s.browser()
		other.login("other@example.se", testPassword)
		if strings.Contains(other.get(mp).Body, "asa@example.se") {
			t.Error("an official of another locality sees the registrations")
		}

		// The confirmation e-mail carries a cancel link; cancelling moves Bo up.
		msgs, _ := db.ListMessages(ctx, 50)
		var link string
		for _, msg := range msgs {
			if msg.To == "asa@example.se" {
				link = regexp.MustCompile(`/anmalan/[A-Za-z0-9_-]+`).FindString(msg.Text)
			}
			if msg.To == "robot@example.se" {
				t.Error("the honeypot registration was stored")
			}
		}
		if link == "" {
			t.Fatal("no cancel link in the confirmation")
		}
		c := s.browser()
		r = c.get(link)
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 2 {
			t.Fatal("following the link cancelled by itself")
		}
		wantStatus(t, c.post(link, nil), 200)
		got, _ := db.FindMeeting(ctx, m.ID)
		if got.Registered != 1 || got.Waitlisted != 0 {
			t.Fatalf("after cancelling: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		if !strings.Contains(c.get(link).Body, "avbokad") {
			t.Error("a used cancel link does not say it is done")
		}
		wantStatus(t, c.get("/anmalan/nonsense"), http.StatusNotFound)
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}

func TestGroupLeaderPlansAndCancelsAMeeting(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s, m, g := meetingSite(t, db)
		s.browser().post("/moten/"+itoa(m.ID)+"/anmalan", url.Values{"name": {"Åsa"}, "email": {"asa@example.se"}, "people": {"1"}})
		leader := s.browser()
		leader.login("leader@example.se", testPassword)

		r := leader.get("/orter/vadsbro/moten/nytt?grupp=" + itoa(g.ID))
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		f := formValues(r, "/orter/vadsbro/moten")
		if f.Get("group") != itoa(g.ID) {
			t.Errorf("group not preselected: %q", f.Get("group"))
		}
		f.Set("title", "Arbetsmöte")
		f.Set("date", "2027-03-28")
		f.Set("start_time", "18.30")
		r = leader.post("/orter/vadsbro/moten", f)
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-start_time-error").Length() != 1 || r.Doc.Find("#f-title").AttrOr("value", "") != "Arbetsmöte" {
			t.Fatal("bad time not reported, or input lost")
		}
		f.Set("start_time", "18:30")
		f.Set("end_time", "20:00")
		// A meeting that goes on past midnight ends the next day.
		late := formValues(leader.get("/orter/vadsbro/moten/nytt"), "/orter/vadsbro/moten")
		late.Set("title", "Midsommarvaka")
		late.Set("date", "2027-06-25")
		late.Set("start_time", "22:00")
		late.Set("end_time", "01:30")
		wantStatus(t, leader.post("/orter/vadsbro/moten", late), http.StatusSeeOther)
		all, _ := db.Meetings(ctx, ortsplan.MeetingFilter{From: time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)})
		for _, m := range all {
			if m.Title == "Midsommarvaka" && m.End.Sub(m.Start) != 210*time.Minute {
				t.Fatalf("a meeting past midnight lasts %v, want 3h30m", m.End.Sub(m.Start))
			}
		}
		wantStatus(t, leader.post("/orter/vadsbro/moten", f), http.StatusSeeOther)
		ms, _ := db.Meetings(ctx, ortsplan.MeetingFilter{GroupID: g.ID, From: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)})
		if len(ms) != 1 || ms[0].Start.UTC().Format("15:04") != "16:30" {
			t.Fatalf("18:30 Swedish summer time should be 16:30 UTC: %+v", ms)
		}

		// Cancel the first meeting: a reason is required and shown; the registered get a notice.
		mp := "/moten/" + itoa(m.ID) + "/redigera"
		f = formValues(leader.get(mp), mp)
		f.Set("state", "installt")
		wantStatus(t, leader.post(mp, f), http.StatusBadRequest)
		f.Set("cancel_reason", "Isen har inte gått upp")
		wantStatus(t, leader.post(mp, f), http.StatusSeeOther)
		r = s.browser().get("/moten/" + itoa(m.ID))
		if !strings.Contains(r.Body, "Isen har inte gått upp") || !strings.Contains(r.Body, "inställt") {
			t.Fatal("the cancellation and its reason are not public")
		}
		msgs, _ := db.ListMessages(ctx, 50)
		found := false
		for _, msg := range msgs {
			if msg.To == "asa@example.se" && strings.HasPrefix(msg.Subject, "Inställt") {
				found = true
			}
		}
		if !found {
			t.Fatal("no cancellation notice queued")
		}
		// Officials of other localities cannot edit.
		s.user("other@example.se", ortsplan.RoleOfficial, "flen")
		o := s.browser()
		o.login("other@example.se", testPassword)
		wantStatus(t, o.get(mp), http.StatusForbidden)
		wantStatus(t, o.post(mp, f), http.StatusForbidden)
	})
}

func TestCalendarsAndMeetingsAPI(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s, m, _ := meetingSite(t, db)
		b := s.browser()
		for _, p := range []string{"/kalender.ics", "/orter/vadsbro/kalender.ics", "/moten/" + itoa(m.ID) + "/kalender.ics"} {
			r := b.get(p)
			wantStatus(t, r, 200)
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/calendar") || !strings.Contains(r.Body, "BEGIN:VEVENT\r\n") ||
				!strings.Contains(r.Body, "UID:meeting-"+itoa(m.ID)+"@") || !strings.Contains(r.Body, "TZID:Europe/Stockholm") {
				t.Fatalf("%s is not a valid calendar:\n%s", p, truncate(r.Body, 600))
			}
		}
		r := b.get("/api/v1/meetings?locality=vadsbro&from=2020-01-01")
		var out struct {
			Meetings []struct {
				Title      string `json:"title"`
				PlacesLeft *int   `json:"places_left"`
				Start      string `json:"start"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(r.Body), &out); err != nil || len(out.Meetings) != 1 || out.Meetings[0].PlacesLeft == nil || *out.Meetings[0].PlacesLeft != 2 {
			t.Fatalf("meetings API: %v %s", err, r.Body)
		}
		wantStatus(t, b.get("/api/v1/meetings?from=igår"), http.StatusBadRequest)
		wantStatus(t, b.get("/api/v1/meetings?locality=atlantis"), http.StatusNotFound)
		r = b.get("/api/v1/localities/vadsbro/groups")
		if !strings.Contains(r.Body, `"Synlig Sven"`) || !strings.Contains(r.Body, `"member_count": 2`) {
			t.Fatalf("groups API: %s", r.Body)
		}
	})
}

func TestGroupEditorForms(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s, _, g := meetingSite(t, db)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		base := "/orter/vadsbro/arbetsgrupper/" + g.Slug
		r := leader.get(base + "/redigera")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		r = leader.post(base+"/medlemmar", url.Values{"member_name": {""}, "member_email": {"ny@example.se"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-member_name-error").Length() != 1 || r.Doc.Find("#f-member_email").AttrOr("value", "") != "ny@example.se" {
			t.Fatal("member form error or input lost")
		}
		wantStatus(t, leader.post(base+"/medlemmar", url.Values{"member_name": {"Nya Nisse"}, "member_consent": {"1"}}), http.StatusSeeOther)
		r = leader.post(base+"/organisationer", url.Values{"org_name": {"Byalaget"}, "org_kind": {"forening"}, "org_website": {"javascript:alert(1)"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-org_website-error").Length() != 1 || r.Doc.Find("#f-org_name").AttrOr("value", "") != "Byalaget" {
			t.Fatal("organisation form error or input lost")
		}
		wantStatus(t, leader.post(base+"/organisationer", url.Values{"org_name": {"Byalaget"}, "org_kind": {"forening"}, "org_website": {"https://byalaget.example"}}), http.StatusSeeOther)
		got, _ := db.FindGroup(ctx, g.LocalityID, g.Slug)
		if len(got.Members) != 3 || len(got.Organisations) != 1 {
			t.Fatalf("group after forms: %d members, %d organisations", len(got.Members), len(got.Organisations))
		}
		r = s.browser().get(base)
		if !strings.Contains(r.Body, "Nya Nisse") || !strings.Contains(r.Body, "Byalaget") {
			t.Fatal("the new member or organisation is not shown")
		}
		// Editing the group keeps optimistic locking.
		f := formValues(leader.get(base+"/redigera"), base+"/redigera")
		f2 := formValues(leader.get(base+"/redigera"), base+"/redigera")
		f.Set("description", "Ny beskrivning")
		wantStatus(t, leader.post(base+"/redigera", f), http.StatusSeeOther)
		f2.Set("description", "Krock")
		wantStatus(t, leader.post(base+"/redigera", f2), http.StatusConflict)
	})
}
