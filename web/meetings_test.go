package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
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

var (
	confirmLinkRE = regexp.MustCompile(`/anmalan/[A-Za-z0-9_-]+/bekrafta`)
	cancelLinkRE  = regexp.MustCompile(`/anmalan/[A-Za-z0-9_-]+\n`)
)

// mailsTo returns the e-mails queued to an address, newest first.
func mailsTo(t *testing.T, db *sqlstore.DB, to string) []*ortsplan.Message {
	t.Helper()
	msgs, err := db.ListMessages(sqltest.System(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []*ortsplan.Message
	for _, m := range msgs {
		if m.To == to {
			out = append(out, m)
		}
	}
	return out
}

// linkIn returns the path of the link re finds in the newest e-mail to an
// address, or fails.
func linkIn(t *testing.T, db *sqlstore.DB, to string, re *regexp.Regexp) string {
	t.Helper()
	msgs := mailsTo(t, db, to)
	if len(msgs) == 0 {
		t.Fatalf("no e-mail to %s", to)
	}
	link := strings.TrimSpace(re.FindString(msgs[0].Text))
	if link == "" {
		t.Fatalf("the e-mail %q to %s has no link %s:\n%s", msgs[0].Subject, to, re, msgs[0].Text)
	}
	return link
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
		if got := text(r, ".notice"); !strings.Contains(got, "Vi har skickat ett mejl") || !strings.Contains(got, "inom 48 timmar") {
			t.Fatalf("no word of the confirm link on the page: %q", got)
		}
		// Until Åsa confirms, her two people take no place of the two.
		if got := v.get(mp).Doc.Find("#anmalan").Parent().Text(); !strings.Contains(got, "2 platser kvar") || strings.Contains(got, "Fullt") {
			t.Errorf("an unconfirmed registration takes places: %q", got)
		}

		// The confirm link asks first; the button confirms.
		link := linkIn(t, db, "asa@example.se", confirmLinkRE)
		c := s.browser()
		r = c.get(link)
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if r.Header.Get("Referrer-Policy") != "no-referrer" || r.Doc.Find(`form[action="`+link+`"] button[type=submit]`).Length() != 1 ||
			!strings.Contains(r.Doc.Find("main").Text(), "Åsa Öberg (2 personer)") {
			t.Fatalf("the confirm page does not ask: %s", truncate(r.Doc.Find("main").Text(), 400))
		}
		if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 0 {
			t.Fatal("following the confirm link confirmed by itself")
		}
		r = c.post(link, nil)
		wantStatus(t, r, 200)
		if got := text(r, ".notice"); !strings.Contains(got, "du har en plats") {
			t.Fatalf("after confirming the page says %q", got)
		}
		if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 2 {
			t.Fatalf("after confirming: %d registered", got.Registered)
		}
		if !strings.Contains(v.get(mp).Doc.Find("#anmalan").Parent().Text(), "Fullt") {
			t.Error("a full meeting does not say so")
		}
		// The next person goes on the waiting list when he confirms, and is
		// told on the page; the form answered him as it answered Åsa.
		r = s.browser().post(mp+"/anmalan", url.Values{"name": {"Bo"}, "email": {"bo@example.se"}, "people": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		if got := r.Header.Get("Location"); got != mp+"/anmald" {
			t.Fatalf("the form answered %s", got)
		}
		// The form ends on a page of its own that says what to do now and
		// names the meeting; it has no form to send again.
		sent := s.browser().get(mp + "/anmald")
		wantStatus(t, sent, http.StatusOK)
		if got := text(sent, ".notice"); !strings.Contains(got, "bekräfta anmälan inom 48 timmar") {
			t.Errorf("the page after the form says %q", got)
		}
		if sent.Doc.Find(`main a[href="`+mp+`"]`).Length() == 0 || sent.Doc.Find("main form").Length() != 0 {
			t.Errorf("the page after the form does not link the meeting, or has a form")
		}
		r = s.browser().post(linkIn(t, db, "bo@example.se", confirmLinkRE), nil)
		if got := text(r, ".notice"); !strings.Contains(got, "väntelistan") {
			t.Fatalf("Bo's confirmation says %q", got)
		}
		// Cilla (1 person) never confirms.
		wantStatus(t, s.browser().post(mp+"/anmalan", url.Values{"name": {"Cilla"}, "email": {"cilla@example.se"}, "people": {"1"}}), http.StatusSeeOther)
		// The honeypot quietly drops robots, with the same answer.
		r = s.browser().post(mp+"/anmalan", url.Values{"name": {"Robot"}, "email": {"robot@example.se"}, "people": {"1"}, "webbplats": {"http://spam"}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != mp+"/anmald" {
			t.Errorf("the honeypot answered %d %s", r.StatusCode, r.Header.Get("Location"))
		}

		// Personal data: not on public pages or the API, but staff who work on the locality see it.
		for _, p := range []string{mp, "/api/v1/meetings", "/orter/vadsbro/arbetsgrupper/badplatsen", "/api/v1/localities/vadsbro/groups", "/kalender.ics"} {
			body := s.browser().get(p).Body
			for _, secret := range []string{"asa@example.se", "Laktosfritt", "bo@example.se", "cilla@example.se", "Hemliga Hanna", "hanna@example.se", "070-123", "sven@example.se"} {
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

		// The e-mail after confirming carries a cancel link; cancelling moves
		// Bo up, not Cilla, who never confirmed.
		if got := mailsTo(t, db, "asa@example.se")[0].Subject; !strings.HasPrefix(got, "Du är anmäld") {
			t.Fatalf("Åsa's last e-mail is %q", got)
		}
		link = linkIn(t, db, "asa@example.se", cancelLinkRE)
		if mailsTo(t, db, "robot@example.se") != nil {
			t.Error("the honeypot registration was stored")
		}
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
		if !strings.HasPrefix(mailsTo(t, db, "bo@example.se")[0].Subject, "Du har fått en plats") {
			t.Error("Bo was not told of his place")
		}
		for _, msg := range mailsTo(t, db, "cilla@example.se") {
			if strings.HasPrefix(msg.Subject, "Du har fått en plats") {
				t.Error("Cilla, who never confirmed, was given a place")
			}
		}
		if !strings.Contains(c.get(link).Body, "avbokad") {
			t.Error("a used cancel link does not say it is done")
		}
		wantStatus(t, c.get("/anmalan/nonsense"), http.StatusNotFound)
		wantStatus(t, c.get("/anmalan/nonsense/bekrafta"), http.StatusNotFound)
		wantStatus(t, c.post("/anmalan/nonsense/bekrafta", nil), http.StatusNotFound)
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}

// TestRegistrationPeopleOverTheCap: a registration of more people than the
// cap (--registration-max-people) is refused with a translated 400 that
// keeps the form; the field's hint says the cap.
func TestRegistrationPeopleOverTheCap(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		def, m, _ := meetingSite(t, db)
		three := serveSite(t, db, func(cfg *web.Config, _ *web.Services) { cfg.RegistrationRule.MaxPeople = 3 })
		mp := "/moten/" + itoa(m.ID)
		for _, c := range []struct {
			s           *site
			max, people int
			sv, en      string
		}{
			{def, 6, 19, "Skriv ett antal från 1 till 6.", "Enter a number from 1 to 6."}, // the default
			{def, 6, 7, "Skriv ett antal från 1 till 6.", "Enter a number from 1 to 6."},
			{three, 3, 4, "Skriv ett antal från 1 till 3.", "Enter a number from 1 to 3."},
		} {
			for lang, want := range map[string]string{"sv": c.sv, "en": c.en} {
				b := c.s.browser()
				b.header.Set("Accept-Language", lang)
				form := url.Values{"name": {"Stor Grupp"}, "email": {"grupp@example.se"}, "people": {itoa(int64(c.people))}, "needs": {"Rullstolsplats"}}
				r := b.post(mp+"/anmalan", form)
				wantStatus(t, r, http.StatusBadRequest)
				checkShell(t, r, lang)
				if got := strings.TrimSpace(strings.TrimPrefix(text(r, "#f-people-error"), map[string]string{"sv": "Fel:", "en": "Error:"}[lang])); got != want {
					t.Errorf("cap %d, %d people (%s): the field says %q, want %q", c.max, c.people, lang, got, want)
				}
				if got := r.Doc.Find(`.error-summary a[href="#f-people"]`).Text(); got != want {
					t.Errorf("cap %d (%s): the summary says %q, want %q", c.max, lang, got, want)
				}
				if r.Doc.Find("#f-people").AttrOr("value", "") != itoa(int64(c.people)) || r.Doc.Find("#f-name").AttrOr("value", "") != "Stor Grupp" ||
					r.Doc.Find("#f-email").AttrOr("value", "") != "grupp@example.se" || r.Doc.Find("#f-needs").Text() != "Rullstolsplats" {
					t.Errorf("cap %d (%s): the form lost what was typed", c.max, lang)
				}
				if got := text(r, "#f-people-hint"); !strings.Contains(got, itoa(int64(c.max))) {
					t.Errorf("cap %d (%s): the hint %q does not say the cap", c.max, lang, got)
				}
			}
			// The cap itself is taken.
			email := "max" + itoa(int64(c.max)) + "@example.se"
			wantStatus(t, c.s.browser().post(mp+"/anmalan", url.Values{"name": {"Grupp"}, "email": {email}, "people": {itoa(int64(c.max))}}), http.StatusSeeOther)
			if n := c.s.web.Catalog().Missing.Load(); n != 0 {
				t.Fatalf("%d missing translations", n)
			}
		}
		regs, _ := db.Registrations(sqltest.System(), m.ID)
		if len(regs) != 2 {
			t.Errorf("%d registrations stored, want the 2 at the cap", len(regs))
		}
		for _, r := range regs {
			if r.Email == "grupp@example.se" {
				t.Error("a registration over the cap was stored")
			}
		}
	})
}

// TestAlreadyRegisteredSamePageAndAnEmail: the form answers an address
// that is already registered exactly as a new one, and the address is
// e-mailed that it is registered, with a cancel link that works.
func TestAlreadyRegisteredSamePageAndAnEmail(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		now := time.Now()
		s := newSite(t, db, func(cfg *web.Config, _ *web.Services) { cfg.Now = func() time.Time { return now } })
		db.Now = func() time.Time { return now }
		_, m, _ := meetingSiteOn(t, s, db)
		mp := "/moten/" + itoa(m.ID)
		send := func(email string) (string, string) {
			t.Helper()
			b := s.browser()
			r := b.post(mp+"/anmalan", url.Values{"name": {"Åsa"}, "email": {email}, "people": {"1"}})
			wantStatus(t, r, http.StatusSeeOther)
			page := b.get(r.Header.Get("Location"))
			wantStatus(t, page, 200)
			return r.Header.Get("Location"), page.Doc.Find("#anmalan").Parent().Text()
		}
		send("asa@example.se")
		wantStatus(t, s.browser().post(linkIn(t, db, "asa@example.se", confirmLinkRE), nil), 200)
		regs, _ := db.Registrations(sqltest.System(), m.ID)
		now = now.Add(ortsplan.RegistrationResendAfter)
		// Åsa again, and Bo, new: the same answer, word for word.
		againLoc, againPage := send("asa@example.se")
		newLoc, newPage := send("bo@example.se")
		if againLoc != newLoc || againPage != newPage {
			t.Fatalf("an address already registered is answered differently from a new one:\n%s %q\n%s %q", againLoc, againPage, newLoc, newPage)
		}
		if strings.Contains(againPage, "redan") || strings.Contains(againPage, "already") {
			t.Fatalf("the page says the address is registered: %q", againPage)
		}
		if after, _ := db.Registrations(sqltest.System(), m.ID); len(after) != len(regs)+1 {
			t.Fatalf("%d registrations, want %d (Bo's only)", len(after), len(regs)+1)
		}
		mail := mailsTo(t, db, "asa@example.se")[0]
		if mail.Subject != "Du är redan anmäld: "+m.Title || !strings.Contains(mail.Text, "Du har en plats.") {
			t.Fatalf("the e-mail to the address already registered: %s\n%s", mail.Subject, mail.Text)
		}
		link := linkIn(t, db, "asa@example.se", cancelLinkRE)
		c := s.browser()
		wantStatus(t, c.get(link), 200)
		wantStatus(t, c.post(link, nil), 200)
		if got, _ := db.FindMeeting(sqltest.System(), m.ID); got.Registered != 0 {
			t.Fatalf("the fresh cancel link did not cancel: %d registered", got.Registered)
		}
	})
}

// TestConfirmLinkWithinAndAfterTheLimit: the confirm link works until the
// time runs out; after it the page says so and the button is refused with a
// translated 400, and nothing is counted.
func TestConfirmLinkWithinAndAfterTheLimit(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		now := time.Now()
		s := newSite(t, db, func(cfg *web.Config, _ *web.Services) {
			cfg.Now = func() time.Time { return now }
			cfg.RegistrationRule.ConfirmWithin = 3 * time.Hour
		})
		db.Now = func() time.Time { return now }
		_, m, _ := meetingSiteOn(t, s, db)
		mp := "/moten/" + itoa(m.ID)
		r := s.browser().post(mp+"/anmalan", url.Values{"name": {"Åsa"}, "email": {"asa@example.se"}, "people": {"1"}})
		if !strings.Contains(text(s.browser().get(r.Header.Get("Location")), ".notice"), "inom 3 timmar") {
			t.Error("the page does not say the configured time to confirm")
		}
		wantStatus(t, s.browser().post(mp+"/anmalan", url.Values{"name": {"Bo"}, "email": {"bo@example.se"}, "people": {"1"}}), http.StatusSeeOther)
		asa, bo := linkIn(t, db, "asa@example.se", confirmLinkRE), linkIn(t, db, "bo@example.se", confirmLinkRE)

		// Within the limit.
		now = now.Add(3*time.Hour - time.Minute)
		b := s.browser()
		r = b.get(asa)
		if !strings.Contains(r.Doc.Find("main").Text(), "Bekräfta senast") || r.Doc.Find("main form button").Length() != 1 {
			t.Fatalf("within the limit the page does not offer to confirm: %s", truncate(r.Doc.Find("main").Text(), 300))
		}
		wantStatus(t, b.post(asa, nil), 200)
		if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 1 {
			t.Fatalf("confirmed within the limit: %d registered", got.Registered)
		}
		// After the limit.
		now = now.Add(2 * time.Minute)
		for _, lang := range []string{"sv", "en"} {
			b := s.browser()
			b.header.Set("Accept-Language", lang)
			r = b.get(bo)
			wantStatus(t, r, 200)
			checkShell(t, r, lang)
			want := map[string]string{"sv": "Tiden för att bekräfta anmälan har gått ut", "en": "The time to confirm the registration has run out"}[lang]
			if !strings.Contains(text(r, ".error-summary"), want) || r.Doc.Find("main form").Length() != 0 {
				t.Errorf("after the limit (%s) the page says %q and has %d forms", lang, text(r, ".error-summary"), r.Doc.Find("main form").Length())
			}
			r = b.post(bo, nil)
			wantStatus(t, r, http.StatusBadRequest)
			if !strings.Contains(text(r, ".error-summary"), want) {
				t.Errorf("confirming after the limit (%s) says %q", lang, text(r, ".error-summary"))
			}
		}
		if got, _ := db.FindMeeting(ctx, m.ID); got.Registered != 1 || got.Waitlisted != 0 {
			t.Fatalf("after the limit: registered %d waitlisted %d", got.Registered, got.Waitlisted)
		}
		// A confirmed link, opened again, says it is confirmed and offers to cancel.
		r = s.browser().get(asa)
		if !strings.Contains(text(r, ".notice"), "du har en plats") || r.Doc.Find(`a[href="`+strings.TrimSuffix(asa, "/bekrafta")+`"]`).Length() != 1 {
			t.Errorf("a confirmed link opened again: %q", text(r, ".notice"))
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}

// TestUnconfirmedRegistrationsDoNotFillTheMeeting: the blocking attack
// through the real form. Parties of six that never confirm leave every place
// free on the page and in the API; staff see them as not confirmed.
func TestUnconfirmedRegistrationsDoNotFillTheMeeting(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s, m, _ := meetingSite(t, db)
		m.Capacity = 12
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
		mp := "/moten/" + itoa(m.ID)
		attacker := s.browser()
		for i := 0; i < 2; i++ {
			wantStatus(t, attacker.post(mp+"/anmalan", url.Values{"name": {"X"}, "email": {"x" + itoa(int64(i)) + "@example.se"}, "people": {"19"}}),
				http.StatusBadRequest)
		}
		for i := 0; i < 10; i++ {
			wantStatus(t, attacker.post(mp+"/anmalan", url.Values{"name": {"Y"}, "email": {"y" + itoa(int64(i)) + "@example.se"}, "people": {"6"}}),
				http.StatusSeeOther)
		}
		r := s.browser().get(mp)
		if got := r.Doc.Find("#anmalan").Parent().Text(); !strings.Contains(got, "12 platser kvar") || strings.Contains(got, "Fullt") {
			t.Fatalf("60 unconfirmed people fill 12 places: %q", got)
		}
		var out struct {
			Data []struct {
				ID         int64 `json:"id"`
				PlacesLeft *int  `json:"places_left"`
			} `json:"data"`
		}
		if err := json.Unmarshal([]byte(s.browser().get("/api/v1/meetings?locality=vadsbro").Body), &out); err != nil {
			t.Fatal(err)
		}
		for _, d := range out.Data {
			if d.ID == m.ID && (d.PlacesLeft == nil || *d.PlacesLeft != 12) {
				t.Fatalf("the API says %v places left", d.PlacesLeft)
			}
		}
		// A resident who confirms gets a place; staff see who confirmed.
		wantStatus(t, s.browser().post(mp+"/anmalan", url.Values{"name": {"Åsa Öberg"}, "email": {"asa@example.se"}, "people": {"2"}}), http.StatusSeeOther)
		wantStatus(t, s.browser().post(linkIn(t, db, "asa@example.se", confirmLinkRE), nil), 200)
		leader := s.browser()
		leader.login("leader@example.se", testPassword)
		r = leader.get(mp)
		if got := text(r, "#regs-caption"); got != "Med plats: 2. På väntelistan: 0. Inte bekräftade ännu: 60." {
			t.Errorf("the staff caption says %q", got)
		}
		states := map[string]int{}
		r.Doc.Find("#regs-caption ~ tbody tr").Each(func(_ int, tr *goquery.Selection) {
			state := tr.Find("td").Last().Text()
			if strings.HasPrefix(state, "Inte bekräftad ännu (senast ") {
				state = "Inte bekräftad ännu"
			}
			states[tr.Find("th").Text()+": "+state]++
		})
		if states["Åsa Öberg: Bekräftad"] != 1 || states["Y: Inte bekräftad ännu"] != 10 || len(states) != 2 {
			t.Errorf("staff see the states %v", states)
		}
	})
}

func TestGroupLeaderPlansAndCancelsAMeeting(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s, m, g := meetingSite(t, db)
		s.browser().post("/moten/"+itoa(m.ID)+"/anmalan", url.Values{"name": {"Åsa"}, "email": {"asa@example.se"}, "people": {"1"}})
		wantStatus(t, s.browser().post(linkIn(t, db, "asa@example.se", confirmLinkRE), nil), 200)
		// Bo never confirms: he is not told of the cancellation.
		s.browser().post("/moten/"+itoa(m.ID)+"/anmalan", url.Values{"name": {"Bo"}, "email": {"bo@example.se"}, "people": {"1"}})
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
		for _, msg := range mailsTo(t, db, "bo@example.se") {
			if strings.HasPrefix(msg.Subject, "Inställt") {
				t.Error("an unconfirmed registrant was told of the cancellation")
			}
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

// TestCalendarPages lists more coming meetings than a page holds: the first
// page has 50, soonest first, and a link to the rest, which continues after
// the last one shown, with none twice; a broken link is a 400.
func TestCalendarPages(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	ctx := sqltest.System()
	l, err := db.FindLocality(ctx, "bettna")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(24 * time.Hour).Truncate(time.Hour)
	for i := range 60 {
		// Two at each hour, so the page may end between meetings that start together.
		m := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Kalendermöte " + itoa(int64(i)),
			Start: start.Add(time.Duration(i/2) * time.Hour), State: ortsplan.MeetingPlanned}
		if err := db.SaveMeeting(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	v := s.browser()
	seen := map[string]bool{}
	var starts []string
	path, pages := "/kalender", 0
	for path != "" && pages < 10 {
		r := v.get(path)
		wantStatus(t, r, http.StatusOK)
		items := r.Doc.Find("main .meeting-list > li")
		if pages == 0 && items.Length() != 25 {
			t.Errorf("the first page lists %d meetings, want 25", items.Length())
		}
		items.Each(func(_ int, li *goquery.Selection) {
			href := li.Find("a").First().AttrOr("href", "")
			if seen[href] {
				t.Errorf("%s listed twice", href)
			}
			seen[href] = true
			starts = append(starts, li.Find("time").First().AttrOr("datetime", ""))
		})
		path = r.Doc.Find(`main a[href^="/kalender?efter="]`).AttrOr("href", "")
		pages++
	}
	n := 0
	for href := range seen {
		if strings.HasPrefix(href, "/moten/") {
			n++
		}
	}
	if pages < 2 || n < 60 {
		t.Errorf("%d pages, %d meetings in all; want at least 2 and every one of the 60 new ones", pages, n)
	}
	if !sort.StringsAreSorted(starts) {
		t.Errorf("meetings not soonest first: %v", starts)
	}
	for _, bad := range []string{"x", "1.0", "-5.3", "1.2.3", "99999999999999999999.1"} {
		r := v.get("/kalender?efter=" + url.QueryEscape(bad))
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(text(r, "main"), s.web.Catalog().T("sv", "calendar.bad_cursor")) {
			t.Errorf("?efter=%s: %d, want 400 with the message", bad, r.StatusCode)
		}
	}
}
