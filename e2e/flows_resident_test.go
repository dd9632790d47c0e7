package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowResidentJourney follows a resident at a desktop's 1280 px and on
// a phone's 320 px: the header's "Logga in" leads to the resident login and
// back to the page, the calendar is reached from the menu, following shows
// its state and can be stopped, a sign-up ends on its thank-you page, and
// deleting the account removes the sign-up made with the address, as the
// confirmation lists.
func TestFlowResidentJourney(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	for _, width := range []int64{desktopWidth, phoneWidth} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			tb := newTab(t, browser)
			tb.do("set the width", chromedp.EmulateViewport(width, 900))
			mailbox := fmt.Sprintf("resa.%d@ortsplan.example", width)

			// "Logga in" in the header offers the resident's way, which comes back.
			tb.load("open Bettna", chromedp.Navigate(s.URL+"/orter/bettna"))
			tb.load("press Logga in in the header", chromedp.Click(chromedp.CSS(`.main-nav a[href^="/logga-in"]`)))
			tb.load("choose the resident's login", chromedp.Click(chromedp.CSS(`section[aria-labelledby="login-resident"] a.button-link`)))
			if got := partPath(tb); !strings.HasPrefix(got, "/logga-in/boende") {
				t.Fatalf("the resident's choice leads to %s", got)
			}
			tb.do("type the e-mail address", chromedp.SendKeys(chromedp.ID("f-email"), mailbox))
			tb.do("type the display name", chromedp.SendKeys(chromedp.ID("f-name"), "Resa Resident"))
			tb.load("ask for a login link", chromedp.Click(chromedp.CSS(`form[action^="/logga-in/boende"] button[type=submit]`)))
			msgs, err := s.db.ListMessages(sqltest.System(), 50)
			if err != nil {
				t.Fatal(err)
			}
			var link string
			for _, m := range msgs {
				if m.To == mailbox {
					link = regexp.MustCompile(`\S+/inloggning/[A-Za-z0-9_-]+`).FindString(m.Text)
					break
				}
			}
			if link == "" {
				t.Fatalf("no login link was sent to %s", mailbox)
			}
			tb.load("open the login link", chromedp.Navigate(link))
			tb.load("press Logga in", chromedp.Click(chromedp.CSS(`main form[action^="/inloggning/"] button[type=submit]`)))
			if got := partPath(tb); got != "/orter/bettna" {
				t.Errorf("after logging in the resident is at %s, want back at /orter/bettna", got)
			}

			// Following shows its state and can be stopped.
			tb.load("press Följ", chromedp.Click(chromedp.CSS(`form[action="/orter/bettna/folj"].filter-form button[type=submit]`)))
			if got := partText(tb, "main"); !strings.Contains(got, "Du följer Bettna") {
				t.Errorf("after following, the page does not say Du följer Bettna")
			}
			tb.load("press Sluta följa", chromedp.Click(chromedp.CSS(`form[action="/orter/bettna/folj"].inline-form button[type=submit]`)))
			if got := partText(tb, "main"); !strings.Contains(got, "Du följer inte Bettna") {
				t.Errorf("after Sluta följa, the page does not say Du följer inte Bettna")
			}

			// The calendar is in the menu.
			tb.load("press Kalender in the menu", chromedp.Click(chromedp.CSS(`.main-nav a[href="/kalender"]`)))
			if got := partPath(tb); got != "/kalender" || partText(tb, "h1") == "" {
				t.Errorf("the menu's Kalender leads to %s", got)
			}
			flowNoSideScroll(tb, fmt.Sprintf("the calendar at %d px", width))

			// A sign-up with the same address ends on its thank-you page.
			tb.load("open Vill du vara med? for Bettna", chromedp.Navigate(s.URL+"/var-med?ort=bettna"))
			tb.do("type the name", chromedp.SendKeys(chromedp.ID("f-name"), "Resa Resident"))
			tb.do("type the e-mail", chromedp.SendKeys(chromedp.ID("f-email"), mailbox))
			tb.do("agree", chromedp.Click(chromedp.ID("f-consent")))
			tb.load("send the sign-up", chromedp.Click(chromedp.CSS(`main form[method=post][action^="/var-med"] button[type=submit]`)))
			if got := partPath(tb); got != "/var-med/tack" {
				t.Fatalf("the sign-up ends at %s, want /var-med/tack", got)
			}
			if got := partText(tb, "main .notice[role=status]"); !strings.Contains(got, "Bettna") {
				t.Errorf("the thank-you page says %q", got)
			}
			flowNoSideScroll(tb, fmt.Sprintf("the thank-you page at %d px", width))

			// Deleting the account removes the sign-up and says so.
			tb.load("open Mina uppgifter", chromedp.Navigate(s.URL+"/mina-uppgifter"))
			tb.do("tick the box", chromedp.Click(chromedp.ID("f-confirm")))
			tb.load("press Radera kontot", chromedp.Click(chromedp.CSS(`form[action="/mina-uppgifter/radera"] button[type=submit]`)))
			if got := partText(tb, "main"); !strings.Contains(got, "1 anmälan om att vara med, gjord med din e-postadress") {
				t.Errorf("the confirmation does not list the removed sign-up:\n%s", got)
			}
			var left int
			if err := s.db.SQL().QueryRow(`SELECT count(*) FROM signups WHERE email = '` + mailbox + `'`).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left != 0 {
				t.Errorf("%d sign-ups with %s are left after deleting the account", left, mailbox)
			}
		})
	}
}
