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

// stepValues reads the form posting to action and adds the step its button sends.
func stepValues(r *response, action, step string) url.Values {
	v := formValues(r, action)
	v.Set("step", step)
	return v
}

// TestStaffMessageToGroup drives the message pages through the real router
// and login: a group (form, refused form, preview, send, repeat, refusals),
// a meeting with and without its waiting list, and the followers (nobody,
// then one with the unsubscribe headers).
func TestStaffMessageToGroup(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		l := mustLocality(t, db, "bettna")
		g, err := db.FindGroup(ctx, l.ID, "trafik-skyltar-belysning")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []ortsplan.GroupMember{{Name: "Ylva Ytterby", Email: "ylva@example.se"}, {Name: "Åke Åkerby", Email: "ake@example.se"}} {
			m.GroupID = g.ID
			if err := db.AddGroupMember(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		s.user("bettna-tp@example.se", ortsplan.RoleOfficial, "bettna")
		s.user("flen-tp@example.se", ortsplan.RoleOfficial, "flen")
		b := s.browser()
		b.login("bettna-tp@example.se", testPassword)

		// From the group's staff page to the form.
		edit := b.get("/orter/bettna/arbetsgrupper/trafik-skyltar-belysning/redigera")
		href, ok := edit.Doc.Find(`a[href*="/meddelanden/nytt"]`).Attr("href")
		if !ok {
			t.Fatal("no link to write to the group")
		}
		fr := b.get(href)
		wantStatus(t, fr, 200)
		if got := text(fr, ".facts"); !strings.Contains(got, "3 mottagare") || !strings.Contains(got, "Trafik, skyltar och belysning") {
			t.Fatalf("form facts: %q", got)
		}
		form := stepValues(fr, "/orter/bettna/meddelanden", "preview")
		if form.Get("nonce") == "" || form.Get("group") != "trafik-skyltar-belysning" {
			t.Fatalf("form fields: %v", form)
		}

		// An empty subject is refused in Swedish, and the text stays.
		form.Set("body", "Vi ses vid korsningen på lördag.\nTa med varma kläder.")
		r := b.post("/orter/bettna/meddelanden", form)
		wantStatus(t, r, http.StatusBadRequest)
		if !strings.Contains(text(r, ".error-summary"), "Fyll i det här fältet") || !strings.Contains(text(r, "textarea#f-body"), "Ta med varma kläder.") {
			t.Fatalf("refused form: %q / %q", text(r, ".error-summary"), text(r, "textarea#f-body"))
		}

		// The preview: the message, the count, no address.
		form.Set("subject", "Lördagens vandring")
		r = b.post("/orter/bettna/meddelanden", form)
		wantStatus(t, r, 200)
		if got := text(r, "#recipient-count"); got != "3 mottagare" {
			t.Fatalf("count: %q", got)
		}
		if !strings.Contains(text(r, "pre.mail-text"), "Ta med varma kläder.") || !strings.Contains(text(r, "main"), "Lördagens vandring") {
			t.Fatalf("preview: %s", text(r, "main"))
		}
		if strings.Contains(r.Body, "ylva@example.se") || strings.Contains(r.Body, "ake@example.se") {
			t.Fatal("the preview shows an address")
		}
		before, _ := db.ListMessages(ctx, 1000)

		// "Ändra" goes back to the form with the text.
		back := b.post("/orter/bettna/meddelanden", stepValues(r, "/orter/bettna/meddelanden", "edit"))
		wantStatus(t, back, 200)
		if v, _ := back.Doc.Find("#f-subject").Attr("value"); v != "Lördagens vandring" {
			t.Fatalf("back to the form: subject %q", v)
		}

		send := stepValues(r, "/orter/bettna/meddelanden", "send")
		res := b.post("/orter/bettna/meddelanden", send)
		wantStatus(t, res, http.StatusSeeOther)
		list := b.get(res.Header.Get("Location"))
		wantStatus(t, list, 200)
		if got := text(list, `main [role="status"]`); got != "Skickat till 3 mottagare." {
			t.Fatalf("status: %q", got)
		}
		after, _ := db.ListMessages(ctx, 1000)
		// The group's three members: two of the demo's, and Stig Wallin, who
		// joined through the demo's sign-up.
		if len(after) != len(before)+3 {
			t.Fatalf("queued %d, want 3", len(after)-len(before))
		}
		for _, m := range after[:3] {
			if m.Subject != "Lördagens vandring" || !strings.Contains(m.Text, "Vi ses vid korsningen på lördag.\nTa med varma kläder.") {
				t.Errorf("queued: %+v", m)
			}
		}
		row := text(list, "tbody tr")
		if !strings.Contains(row, "Test official") || !strings.Contains(row, "Medlemmarna i Trafik, skyltar och belysning") || !strings.Contains(row, "Lördagens vandring") {
			t.Fatalf("list row: %q", row)
		}

		// Sending the same form again (a reload, a double click) queues nothing.
		res = b.post("/orter/bettna/meddelanden", send)
		wantStatus(t, res, http.StatusSeeOther)
		if again := b.get(res.Header.Get("Location")); !strings.Contains(text(again, `main [role="status"]`), "redan skickat") {
			t.Fatalf("repeat status: %q", text(again, `main [role="status"]`))
		}
		if n, _ := db.ListMessages(ctx, 1000); len(n) != len(after) {
			t.Fatalf("the repeat queued %d more", len(n)-len(after))
		}
		if n := b.get("/orter/bettna/meddelanden").Doc.Find("tbody tr").Length(); n != 1 {
			t.Fatalf("%d messages listed, want 1", n)
		}

		// Another locality's official may neither write nor read the list.
		other := s.browser()
		other.login("flen-tp@example.se", testPassword)
		wantStatus(t, other.get("/orter/bettna/meddelanden"), http.StatusForbidden)
		wantStatus(t, other.get(href), http.StatusForbidden)
		send.Set("nonce", "en-annan-nonce-0123456789")
		wantStatus(t, other.post("/orter/bettna/meddelanden", send), http.StatusForbidden)

		// The followers: a form from the list, no one follows Bettna yet, so there is nothing to send.
		fr = b.get("/orter/bettna/meddelanden/nytt")
		wantStatus(t, fr, 200)
		if !strings.Contains(text(fr, ".facts"), "Följarna av Bettna") || !strings.Contains(text(fr, ".facts"), "Ingen mottagare") {
			t.Fatalf("followers form: %q", text(fr, ".facts"))
		}
		nobody := stepValues(fr, "/orter/bettna/meddelanden", "send")
		nobody.Set("subject", "Till ingen")
		nobody.Set("body", "Text")
		if r := b.post("/orter/bettna/meddelanden", nobody); r.StatusCode != http.StatusBadRequest || !strings.Contains(text(r, ".error-summary"), "inte nå någon") {
			t.Fatalf("sending to nobody: %d %q", r.StatusCode, text(r, ".error-summary"))
		}
		// A meeting's registrants, and the waiting list when ticked.
		start := time.Now().UTC().Add(20 * 24 * time.Hour).Truncate(time.Hour)
		mt := &ortsplan.Meeting{LocalityID: l.ID, Kind: ortsplan.MeetingOpen, Title: "Stormöte om belysningen", Start: start, End: start.Add(time.Hour),
			State: ortsplan.MeetingPlanned, Registration: true, Capacity: 1}
		if err := db.SaveMeeting(ctx, mt); err != nil {
			t.Fatal(err)
		}
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: mt.ID, Name: "Plats", Email: "plats@example.se", People: 1})
		sqltest.Register(t, db, &ortsplan.Registration{MeetingID: mt.ID, Name: "Väntar", Email: "vantar@example.se", People: 1})
		page := b.get("/moten/" + itoa(mt.ID))
		href, ok = page.Doc.Find(`a[href*="/meddelanden/nytt?mote="]`).Attr("href")
		if !ok {
			t.Fatal("no link to write to the registrants on the meeting's staff page")
		}
		fr = b.get(href)
		if got := text(fr, ".facts"); !strings.Contains(got, "1 mottagare") || fr.Doc.Find("#f-waitlist").Length() != 1 {
			t.Fatalf("meeting form: %q", got)
		}
		form = stepValues(fr, "/orter/bettna/meddelanden", "preview")
		form.Set("subject", "Om stormötet")
		form.Set("body", "Mötet börjar en halvtimme senare.")
		form.Set("waitlist", "1")
		r = b.post("/orter/bettna/meddelanden", form)
		if got := text(r, "#recipient-count"); got != "2 mottagare" || !strings.Contains(text(r, ".facts"), "väntelistan") {
			t.Fatalf("preview with the waiting list: %q / %q", got, text(r, ".facts"))
		}
		n0, _ := db.ListMessages(ctx, 1000)
		wantStatus(t, b.post("/orter/bettna/meddelanden", stepValues(r, "/orter/bettna/meddelanden", "send")), http.StatusSeeOther)
		n1, _ := db.ListMessages(ctx, 1000)
		if len(n1) != len(n0)+2 {
			t.Fatalf("the meeting's message queued %d, want 2", len(n1)-len(n0))
		}

		// The followers: each copy with the unsubscribe link and headers.
		anna := residentBrowser(t, s, "anna.foljare@example.se", "Anna")
		wantStatus(t, anna.post("/orter/bettna/folj", url.Values{"mode": {"sammanfattning"}}), http.StatusSeeOther)
		fr = b.get("/orter/bettna/meddelanden/nytt")
		form = stepValues(fr, "/orter/bettna/meddelanden", "preview")
		form.Set("subject", "Nytt i Bettna")
		form.Set("body", "Belysningen sätts upp i maj.")
		r = b.post("/orter/bettna/meddelanden", form)
		if got := text(r, "#recipient-count"); got != "1 mottagare" {
			t.Fatalf("followers' preview: %q", got)
		}
		wantStatus(t, b.post("/orter/bettna/meddelanden", stepValues(r, "/orter/bettna/meddelanden", "send")), http.StatusSeeOther)
		last, _ := db.ListMessages(ctx, 1)
		if last[0].To != "anna.foljare@example.se" || !strings.HasPrefix(last[0].Headers["List-Unsubscribe"], "<"+s.srv.URL+"/avregistrera/") ||
			last[0].Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.Contains(last[0].Text, "/avregistrera/") {
			t.Fatalf("follower's copy: %+v", last[0])
		}

		// Hostile and unknown audiences answer 4xx.
		for _, p := range []string{"/orter/bettna/meddelanden/nytt?grupp=finns-inte", "/orter/bettna/meddelanden/nytt?mote=abc", "/orter/bettna/meddelanden/nytt?mote=987654"} {
			if r := b.get(p); r.StatusCode != http.StatusNotFound {
				t.Errorf("%s: %d", p, r.StatusCode)
			}
		}
	})
}
