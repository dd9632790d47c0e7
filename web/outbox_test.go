package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

func TestAdminOutbox(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("admin@example.se", ortsplan.RoleAdmin)
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		ctx := sqltest.System()
		older := &ortsplan.Message{To: "bo@example.se", Subject: "Första brevet", Text: "Första."}
		m := &ortsplan.Message{To: "asa@example.se", ToName: "Åsa Öberg", Subject: "Välkommen till stormötet",
			Text: "Hej Åsa!\n\nDu är anmäld.\n<b>inte HTML</b>", HTML: "<p>Hej Åsa!</p>", Lang: "sv"}
		for _, msg := range []*ortsplan.Message{older, m} {
			if err := db.EnqueueMessage(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.MarkFailed(ctx, older.ID, "smtp rcpt: 550 No such user", db.Now(), true); err != nil {
			t.Fatal(err)
		}

		// A visitor is sent to the login page.
		r := s.browser().get("/admin/utkorg")
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/logga-in") {
			t.Fatalf("visitor redirected to %q", loc)
		}
		// A coordinator may not read other people's mail.
		coord := s.browser()
		coord.login("kim@example.se", testPassword)
		wantStatus(t, coord.get("/admin/utkorg"), http.StatusForbidden)
		wantStatus(t, coord.get("/admin/utkorg/"+strconv.FormatInt(m.ID, 10)), http.StatusForbidden)
		if coord.get("/").Doc.Find(`a[href="/admin/utkorg"]`).Length() != 0 {
			t.Error("outbox link shown to a coordinator")
		}

		admin := s.browser()
		admin.login("admin@example.se", testPassword)
		r = admin.get("/admin/utkorg")
		wantStatus(t, r, http.StatusOK)
		checkShell(t, r, "sv")
		if r.Doc.Find(`nav a[href="/admin/utkorg"][aria-current="page"]`).Length() != 1 {
			t.Error("no current outbox link in the menu")
		}
		if r.Doc.Find(`.table-scroll[role="region"][aria-labelledby="outbox-caption"] table caption#outbox-caption`).Length() != 1 {
			t.Error("the outbox table is not in a labelled scroll region")
		}
		rows := r.Doc.Find("tbody tr")
		if rows.Length() != 2 {
			t.Fatalf("%d rows, want 2", rows.Length())
		}
		first := rows.First().Text()
		for _, want := range []string{"Välkommen till stormötet", "Åsa Öberg", "asa@example.se", "Väntar på att skickas"} {
			if !strings.Contains(first, want) {
				t.Errorf("newest row lacks %q: %q", want, first)
			}
		}
		if second := rows.Eq(1).Text(); !strings.Contains(second, "Kunde inte skickas") || !strings.Contains(second, "550 No such user") {
			t.Errorf("failed row: %q", second)
		}

		href := r.Doc.Find("tbody tr").First().Find("a").AttrOr("href", "")
		if href != "/admin/utkorg/"+strconv.FormatInt(m.ID, 10) {
			t.Fatalf("message link %q", href)
		}
		r = admin.get(href)
		wantStatus(t, r, http.StatusOK)
		checkShell(t, r, "sv")
		if got := r.Doc.Find("pre.mail-text").Text(); got != m.Text {
			t.Errorf("text part %q, want %q", got, m.Text)
		}
		if r.Doc.Find("pre.mail-text b").Length() != 0 {
			t.Error("the text part was rendered as HTML")
		}
		if h1 := text(r, "h1"); h1 != m.Subject {
			t.Errorf("heading %q", h1)
		}
		wantStatus(t, admin.get("/admin/utkorg/9999"), http.StatusNotFound)
		wantStatus(t, admin.get("/admin/utkorg/x"), http.StatusNotFound)

		// In English.
		admin.get("/sprak?lang=en&till=/admin/utkorg")
		r = admin.get("/admin/utkorg")
		if !strings.Contains(r.Doc.Find("h1").Text(), "Outbox") || !strings.Contains(r.Doc.Find("tbody").Text(), "Waiting to be sent") {
			t.Errorf("English outbox: %q", text(r, "main"))
		}
	})
}

func TestAdminOutboxEmpty(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db)
	s.user("admin@example.se", ortsplan.RoleAdmin)
	admin := s.browser()
	admin.login("admin@example.se", testPassword)
	r := admin.get("/admin/utkorg")
	wantStatus(t, r, http.StatusOK)
	if r.Doc.Find("table").Length() != 0 || !strings.Contains(text(r, "main"), "Utkorgen är tom.") {
		t.Errorf("empty outbox: %q", text(r, "main"))
	}
}

// Once e-mail goes out by SMTP, an admin reading the outbox does not see the
// one-time links: logging in as a resident or choosing someone's password
// stays with the recipient. Without SMTP they are shown, as the only way out.
func TestOutboxHidesOneTimeLinksWhenMailIsSent(t *testing.T) {
	for _, sent := range []bool{true, false} {
		db := sqltest.Open(t, sqlstore.SQLite)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.MailSent = sent })
		link := s.srv.URL + "/nytt-losenord/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-"
		m := &ortsplan.Message{To: "kim@example.se", Subject: "Nytt lösenord", Text: "Välj ett nytt lösenord: " + link}
		if err := db.EnqueueMessage(sqltest.System(), m); err != nil {
			t.Fatal(err)
		}
		s.user("admin-ut@example.se", ortsplan.RoleAdmin)
		admin := s.browser()
		admin.login("admin-ut@example.se", testPassword)
		r := admin.get("/admin/utkorg/" + strconv.FormatInt(m.ID, 10))
		wantStatus(t, r, http.StatusOK)
		if strings.Contains(r.Body, "AbCdEfGhIjKlMnOpQrStUvWxYz") == sent {
			t.Errorf("mail sent by SMTP %v: the link is shown %v", sent, !sent)
		}
		if !strings.Contains(r.Body, "/nytt-losenord/") {
			t.Error("the message text is gone")
		}
	}
}
