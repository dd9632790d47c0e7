package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowArchive follows an official of Sparreholm archiving an action of
// the demo's plan: the action's page says what archiving does, a reason too
// short is refused with the text kept, the one given is taken and the plan
// editor says "Arkiverat"; then, logged out, the public plan no longer shows
// the action and the history shows the archiving with its reason.
func TestFlowArchive(t *testing.T) {
	s := startFlowSite(t)
	tb := newTab(t, startBrowser(t))
	tb.logIn(s.URL, s.Official)

	// The first action of the plan editor, as a person would pick it.
	tb.load("open the plan editor", chromedp.Navigate(s.URL+"/orter/sparreholm/handlingsplan/redigera"))
	href := eval[string](tb, `(() => {
		const a = [...document.querySelectorAll('main a[href^="/orter/sparreholm/atgarder/"]')]
			.find(a => /^\/orter\/sparreholm\/atgarder\/\d+$/.test(a.getAttribute('href')));
		return a ? a.getAttribute('href') : '';
	})()`)
	if !regexp.MustCompile(`^/orter/sparreholm/atgarder/\d+$`).MatchString(href) {
		t.Fatalf("the plan editor links to no action: %q", href)
	}
	resp := tb.load("open the action "+href, chromedp.Click(chromedp.CSS(`main a[href="`+href+`"]`)))
	if resp.Status != 200 {
		t.Fatalf("%s: status %d", href, resp.Status)
	}
	title := eval[string](tb, `document.getElementById('f-title').value`)
	if title == "" {
		t.Fatalf("%s shows no title", href)
	}
	tb.load("open the public plan", chromedp.Navigate(s.URL+"/orter/sparreholm/handlingsplan"))
	if !strings.Contains(partText(tb, "main"), title) {
		t.Fatalf("the public plan does not show %q before archiving: the flow proves nothing", title)
	}
	tb.load("open the action again", chromedp.Navigate(s.URL+href))

	// The section says that it stays in the history.
	box := partText(tb, ".archive-box")
	if !strings.Contains(box, "historiken") || !strings.Contains(box, "Inget raderas") {
		t.Errorf("the archive section says %q, want that nothing is deleted and it stays in the history", box)
	}
	archive := `form[action="` + href + `/arkivera"]`
	flowReplace(tb, "f-archive_reason", "ja")
	resp = tb.load("press Arkivera with a reason too short", chromedp.Click(chromedp.CSS(archive+` button[type=submit]`)))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("a reason of two letters gave status %d, want 400", resp.Status)
	}
	if msg := partText(tb, "#f-archive_reason-error"); !strings.Contains(msg, "3 tecken") {
		t.Errorf("the reason field says %q, want that 3 characters are needed", msg)
	}
	if got := eval[string](tb, `document.getElementById('f-archive_reason').value`); got != "ja" {
		t.Errorf("after the refused reason the field holds %q, want what was typed", got)
	}
	if got := eval[string](tb, `document.getElementById('f-archive_reason').getAttribute('aria-invalid') || ''`); got != "true" {
		t.Errorf("the refused reason field has aria-invalid %q", got)
	}

	const reason = "Ingår nu i en annan åtgärd i samma fokusområde"
	flowReplace(tb, "f-archive_reason", reason)
	resp = tb.load("press Arkivera", chromedp.Click(chromedp.CSS(archive+` button[type=submit]`)))
	if resp.Status != 200 || partPath(tb) != "/orter/sparreholm/handlingsplan/redigera?sparat=arkiverad" {
		t.Fatalf("archiving gave status %d at %s", resp.Status, partPath(tb))
	}
	if got := partText(tb, `main [role=status]`); !strings.Contains(got, "Arkiverat") {
		t.Errorf("after archiving the page says %q, want Arkiverat", got)
	}
	if eval[bool](tb, `!!document.querySelector('main a[href="`+href+`"]')`) {
		t.Errorf("the plan editor still links to the archived action")
	}
	flowNoProblems(tb, href+"/arkivera")

	// Logged out, as the public sees it.
	tb.load("log out", chromedp.Click(chromedp.CSS(`form[action="/logga-ut"] button`)))
	if eval[bool](tb, `!!document.querySelector('form[action="/logga-ut"] button')`) {
		t.Fatal("still logged in after logging out")
	}
	tb.load("open the public plan", chromedp.Navigate(s.URL+"/orter/sparreholm/handlingsplan"))
	if strings.Contains(partText(tb, "main"), title) {
		t.Errorf("the public plan still shows the archived action %q", title)
	}
	tb.load("open the history", chromedp.Navigate(s.URL+"/orter/sparreholm/historik"))
	entry := eval[string](tb, `([...document.querySelectorAll('ol.history li')].find(li => li.textContent.includes('arkiverades: ' + `+flowQuote(title)+`)) || {}).textContent || ''`)
	if entry == "" {
		t.Fatalf("the history shows no archiving of %q:\n%s", title, partText(tb, "ol.history"))
	}
	if !strings.Contains(entry, "Skäl: "+reason) || !strings.Contains(entry, "Tova Tjänsteperson") {
		t.Errorf("the history's entry is %q, want the reason and who archived it", strings.Join(strings.Fields(entry), " "))
	}
	flowNoProblems(tb)

	// The row stays, with the reason.
	var got string
	if err := s.db.SQL().QueryRowContext(sqltest.System(), "SELECT archive_reason FROM actions WHERE id = $1 AND archived_at IS NOT NULL",
		strings.TrimPrefix(href, "/orter/sparreholm/atgarder/")).Scan(&got); err != nil || got != reason {
		t.Errorf("the stored action's reason is %q (%v), want %q", got, err, reason)
	}
}
