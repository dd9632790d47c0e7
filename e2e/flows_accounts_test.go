package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowInvitation follows an account from the invitation to its first
// edit: an admin invites an official for Malmköping on a phone-sized
// window, the official opens the link from the e-mail in the outbox in a
// browser of their own, chooses a password, logs in, and may edit
// Malmköping but not Flen.
func TestFlowInvitation(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	const email, password = "ny.tjansteperson@ortsplan.example", "ett-eget-losenord-2026"

	tb := newTab(t, browser)
	tb.logIn(s.URL, s.Admin)
	tb.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	tb.load("open the users", chromedp.Navigate(s.URL+"/admin/anvandare"))
	flowNoSideScroll(tb, "/admin/anvandare at 320 CSS pixels")
	// People by name, each a link to their page, with their localities' names.
	johan := eval[[]string](tb, `[...document.querySelectorAll('.people-list li')].filter(li => li.querySelector('h3').textContent.trim() === 'Johan Ek')
		.map(li => [li.querySelector('h3 a').getAttribute('href'), li.querySelector('.person-localities').textContent.trim()])[0] || []`)
	if len(johan) != 2 || !regexp.MustCompile(`^/admin/anvandare/\d+$`).MatchString(johan[0]) || johan[1] != "Malmköping, Skebokvarn, Sparreholm" {
		t.Errorf("Johan Ek in the list: %q, want a link to his page and his localities' names", johan)
	}

	flowReplace(tb, "f-name", "Nora Nyström")
	flowReplace(tb, "f-email", email)
	if got := partChoose(tb, "f-role", "Tjänsteperson"); got != "official" {
		t.Fatalf("the role chosen is %q", got)
	}
	flowReplace(tb, "f-department", "Samhällsbyggnadsförvaltningen")
	tb.do("tick Malmköping", chromedp.Click(chromedp.CSS("#loc-malmkoping")))
	resp := tb.load("send the invitation", chromedp.Click(chromedp.CSS(`form[action="/admin/anvandare"] button[type=submit]`)))
	path := eval[string](tb, "location.pathname")
	if resp.Status != 200 || !regexp.MustCompile(`^/admin/anvandare/\d+$`).MatchString(path) {
		t.Fatalf("after inviting: status %d at %s", resp.Status, path)
	}
	if got := partText(tb, `main [role="status"]`); !strings.Contains(got, email) {
		t.Errorf("the status after inviting says %q", got)
	}
	flowNoSideScroll(tb, path+" at 320 CSS pixels")
	flowNoProblems(tb)

	// The e-mail in the outbox holds the link.
	msgs, err := s.db.ListMessages(sqltest.System(), 20)
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, m := range msgs {
		if m.To == email {
			link = regexp.MustCompile(`https?://[^\s]+/nytt-losenord/[A-Za-z0-9_-]+`).FindString(m.Text)
			break
		}
	}
	if link == "" || !strings.HasPrefix(link, s.URL) {
		t.Fatalf("no invitation link to %s in the outbox (%q)", email, link)
	}

	// The official, in a browser of their own.
	nora := newTab(t, browser)
	resp = nora.load("open the invitation's link", chromedp.Navigate(link))
	if h := partText(nora, "h1"); resp.Status != 200 || h != "Välj ditt lösenord" {
		t.Fatalf("the invitation's page: status %d, heading %q", resp.Status, h)
	}
	flowReplace(nora, "f-new_password", password)
	flowReplace(nora, "f-confirm_password", password)
	resp = nora.load("save the password", chromedp.Click(chromedp.CSS(`form[action^="/nytt-losenord/"] button[type=submit]`)))
	if got := eval[string](nora, "location.pathname"); resp.Status != 200 || got != "/logga-in" ||
		!strings.Contains(partText(nora, `main [role="status"]`), "Ditt lösenord är sparat") {
		t.Fatalf("after choosing the password: status %d at %s, status %q", resp.Status, got, partText(nora, `main [role="status"]`))
	}
	nora.logIn(s.URL, login{email, password})
	if resp := nora.load("open Malmköping's edit page", chromedp.Navigate(s.URL+"/orter/malmkoping/redigera")); resp.Status != 200 {
		t.Errorf("the official of Malmköping may not edit it: status %d", resp.Status)
	}
	if resp := nora.load("open Flen's edit page", chromedp.Navigate(s.URL+"/orter/flen/redigera")); resp.Status != 403 && resp.Status != 404 {
		t.Errorf("the official of Malmköping may edit Flen: status %d", resp.Status)
	}
	nora.takeProblems() // the refusal's 403 is logged by the browser, as it should be
	if resp := nora.load("open the link again", chromedp.Navigate(link)); resp.Status != 404 {
		t.Errorf("the invitation's link works twice: status %d", resp.Status)
	}
	nora.takeProblems()

	// The admin sees the account as active now, and the invitation in the log.
	tb.load("open the account again", chromedp.Navigate(s.URL+path))
	if got := partText(tb, "#user-status"); got != "Aktiv" {
		t.Errorf("the account's status is %q after the password was chosen", got)
	}
	tb.load("open the audit log", chromedp.Navigate(s.URL+"/admin/logg"))
	if log := partText(tb, "main"); !strings.Contains(log, "user:invite") || !strings.Contains(log, "user:password_chosen") {
		t.Errorf("the audit log lacks the invitation or the chosen password")
	}
	flowNoProblems(tb)
}
