package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

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

// The outbox page: totals by status, the oldest waiting message, pages of 50
// newest first with a link to the next, a filter by status, and a retry
// button for failed messages that only the admin may use.
func TestAdminOutboxPagesFilterAndRetry(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		s.user("admin@example.se", ortsplan.RoleAdmin)
		s.user("kim@example.se", ortsplan.RoleCoordinator)
		ctx := sqltest.System()
		base, err := db.OutboxCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var all []*ortsplan.Message
		for i := range 120 {
			m := &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: fmt.Sprintf("Brev nummer %d", i), Text: "Hej"}
			if err := db.EnqueueMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			all = append(all, m)
		}
		for _, m := range all[:30] {
			if err := db.MarkSent(ctx, m.ID); err != nil {
				t.Fatal(err)
			}
		}
		failed := all[60]
		if err := db.MarkFailed(ctx, failed.ID, "smtp rcpt: 550 No such user", db.Now(), true); err != nil {
			t.Fatal(err)
		}
		// The oldest waiting message was queued three hours ago.
		if _, err := db.SQL().Exec("UPDATE outbox SET created_at = $1 WHERE id = $2", time.Now().UTC().Add(-3*time.Hour-time.Minute), all[30].ID); err != nil {
			t.Fatal(err)
		}

		admin := s.browser()
		admin.login("admin@example.se", testPassword)
		r := admin.get("/admin/utkorg")
		wantStatus(t, r, http.StatusOK)
		for sel, want := range map[string]int{"#outbox-total-pending": base.Pending + 89, "#outbox-total-sent": base.Sent + 30, "#outbox-total-failed": base.Failed + 1} {
			if got := text(r, sel); got != strconv.Itoa(want) {
				t.Errorf("%s: %q, want %d", sel, got, want)
			}
		}
		if got := text(r, "#outbox-oldest"); !strings.HasPrefix(got, "har väntat 3 timmar, sedan ") {
			t.Errorf("oldest waiting: %q", got)
		}
		// Pages of 50, newest first, each with a link to the older ones.
		seen := map[string]bool{}
		pages := 0
		for next := "/admin/utkorg"; next != ""; pages++ {
			r = admin.get(next)
			wantStatus(t, r, http.StatusOK)
			rows := r.Doc.Find("tbody tr")
			if rows.Length() > 50 {
				t.Fatalf("page %d has %d rows", pages+1, rows.Length())
			}
			rows.Each(func(_ int, row *goquery.Selection) { seen[row.AttrOr("id", "")] = true })
			if pages == 0 && !strings.Contains(rows.First().Text(), all[119].Subject) {
				t.Errorf("the first row is not the newest: %q", rows.First().Text())
			}
			if pages > 0 && r.Doc.Find(`nav a[href="/admin/utkorg"]`).Length() == 0 {
				t.Errorf("page %d has no link back to the newest", pages+1)
			}
			next = r.Doc.Find(`a[rel="next"]`).AttrOr("href", "")
		}
		for _, m := range all {
			if !seen["message-"+strconv.FormatInt(m.ID, 10)] {
				t.Errorf("message %d on no page", m.ID)
			}
		}
		if want := (len(seen) + 49) / 50; pages != want || len(seen) < 120 {
			t.Errorf("%d messages on %d pages, want %d pages", len(seen), pages, want)
		}

		// The filter.
		r = admin.get("/admin/utkorg?status=failed")
		rows := r.Doc.Find("tbody tr")
		if rows.Length() != base.Failed+1 || !strings.Contains(rows.First().Text(), "550 No such user") {
			t.Fatalf("failed messages: %d rows: %q", rows.Length(), rows.First().Text())
		}
		if r.Doc.Find(`select[name="status"] option[value="failed"][selected]`).Length() != 1 {
			t.Error("the filter does not show its choice")
		}
		if n := admin.get("/admin/utkorg?status=sent").Doc.Find("tbody tr").Length(); n != min(base.Sent+30, 50) {
			t.Errorf("%d sent rows", n)
		}
		wantStatus(t, admin.get("/admin/utkorg?status=x&fore=-1"), http.StatusOK)
		retry := "/admin/utkorg/" + strconv.FormatInt(failed.ID, 10) + "/forsok-igen"
		if rows.First().Find(`form[action="`+retry+`"] input[name="csrf"]`).Length() != 1 {
			t.Fatal("no retry form with a CSRF token on the failed message")
		}
		if admin.get("/admin/utkorg?status=pending").Doc.Find(`form[action$="/forsok-igen"]`).Length() != 0 {
			t.Error("a retry button on pending messages")
		}

		// Only the admin may retry, and only with the form's token.
		coord := s.browser()
		coord.login("kim@example.se", testPassword)
		if r := coord.post(retry, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("a coordinator's retry: %d", r.StatusCode)
		}
		if r := admin.postRaw(retry, url.Values{}); r.StatusCode < 400 {
			t.Errorf("a retry without the CSRF token: %d", r.StatusCode)
		}
		if f, _ := db.FindMessage(ctx, failed.ID); f.Status != ortsplan.MessageFailed {
			t.Fatalf("a refused retry changed the message: %s", f.Status)
		}
		r = admin.post(retry, nil)
		wantStatus(t, r, http.StatusSeeOther)
		r = admin.get(r.Header.Get("Location"))
		wantStatus(t, r, http.StatusOK)
		if !strings.Contains(text(r, ".notice"), "skickas igen") || !strings.Contains(text(r, ".facts"), "Väntar på att skickas") {
			t.Errorf("after the retry: %q", text(r, "main"))
		}
		if f, _ := db.FindMessage(ctx, failed.ID); f.Status != ortsplan.MessagePending || f.Attempts != 0 {
			t.Fatalf("after the retry: %s, %d attempts", f.Status, f.Attempts)
		}
		var audited int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox:retry' AND subject = $1", strconv.FormatInt(failed.ID, 10)).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("audit rows %d %v", audited, err)
		}
		// A sent message is not sent again.
		r = admin.post("/admin/utkorg/"+strconv.FormatInt(all[0].ID, 10)+"/forsok-igen", nil)
		if r.StatusCode != http.StatusConflict || !strings.Contains(r.Body, "redan skickat") {
			t.Errorf("retry of a sent message: %d", r.StatusCode)
		}
		wantStatus(t, admin.post("/admin/utkorg/987654321/forsok-igen", nil), http.StatusNotFound)

		// In English.
		admin.get("/sprak?lang=en&till=/admin/utkorg")
		r = admin.get("/admin/utkorg")
		if !strings.Contains(text(r, "main"), "Right now") || !strings.Contains(text(r, "main"), "Older messages") {
			t.Errorf("English outbox: %q", text(r, "main"))
		}
	})
}

func TestOutboxMetrics(t *testing.T) {
	for _, configured := range []bool{false, true} {
		db := sqltest.Open(t, sqlstore.SQLite)
		s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.MailSent = configured })
		ctx := sqltest.System()
		base, _ := db.OutboxCounts(ctx)
		var ms []*ortsplan.Message
		for i := range 3 {
			m := &ortsplan.Message{To: fmt.Sprintf("m%d@example.se", i), Subject: "Hej", Text: "x"}
			if err := db.EnqueueMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		if err := db.MarkFailed(ctx, ms[0].ID, "550", db.Now(), true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SQL().Exec("UPDATE outbox SET created_at = $1", time.Now().UTC().Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		r := s.browser().get("/metrics")
		wantStatus(t, r, http.StatusOK)
		on := map[bool]string{false: "0", true: "1"}[configured]
		for _, want := range []string{
			fmt.Sprintf(`ortsplan_outbox_messages{state="pending"} %d`, base.Pending+2),
			fmt.Sprintf(`ortsplan_outbox_messages{state="failed"} %d`, base.Failed+1),
			fmt.Sprintf(`ortsplan_outbox_messages{state="sent"} %d`, base.Sent),
			"ortsplan_mail_configured " + on,
		} {
			if !strings.Contains(r.Body, want+"\n") {
				t.Errorf("metrics lack %s", want)
			}
		}
		m := regexp.MustCompile(`(?m)^ortsplan_outbox_oldest_pending_seconds (\S+)$`).FindStringSubmatch(r.Body)
		if m == nil {
			t.Fatal("no ortsplan_outbox_oldest_pending_seconds")
		}
		if age, err := strconv.ParseFloat(m[1], 64); err != nil || age < 3600 || age > 3700 {
			t.Errorf("oldest pending %s seconds, want about an hour", m[1])
		}
	}
}
