package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// flowSetValue sets a field the browser fills with its own picker (a date),
// as choosing in the picker does.
func flowSetValue(tb tab, id, v string) {
	tb.t.Helper()
	if !eval[bool](tb, `((id, v) => { const e = document.getElementById(id); if (!e) return false; e.value = v; return e.value === v; })(`+
		flowQuote(id)+`, `+flowQuote(v)+`)`) {
		tb.t.Fatalf("could not set #%s to %q", id, v)
	}
}

// TestFlowPlanRevisionAndMatter: staff make Skebokvarn's 2016 revision
// through the form (a first try without the body is refused and keeps the
// date), a visitor compares 2015 with 2016 through the public form, and
// staff enter a matter, which stays hidden from the public until published.
func TestFlowPlanRevisionAndMatter(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	staff := newTab(t, browser)
	staff.logIn(s.URL, s.Admin)

	// The revision.
	staff.load("open Skebokvarn's revisions", chromedp.Navigate(s.URL+"/orter/skebokvarn/handlingsplan/revideringar"))
	if n := eval[int](staff, `document.querySelectorAll('main table tbody tr').length`); n != 2 {
		t.Fatalf("Skebokvarn lists %d revisions, want the demo's 2012 and 2015", n)
	}
	staff.load("follow ”Gör årets revidering”", chromedp.Click(chromedp.CSS(`a[href="/orter/skebokvarn/handlingsplan/revideringar/ny"]`)))
	if got := eval[string](staff, `document.getElementById('f-year').value`); got != "2016" {
		t.Errorf("the form offers the year %q, want 2016, the year after the latest revision", got)
	}
	flowSetValue(staff, "f-decision_date", "2016-10-03")
	form := `main form[action="/orter/skebokvarn/handlingsplan/revideringar"]`
	resp := staff.load("save without the body", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if resp.Status != http.StatusBadRequest || !strings.Contains(partText(staff, ".error-summary"), "vem som beslutade") {
		t.Fatalf("without the body: status %d, summary %q", resp.Status, partText(staff, ".error-summary"))
	}
	if got := eval[string](staff, `document.getElementById('f-decision_date').value`); got != "2016-10-03" {
		t.Errorf("the refused form lost the date: %q", got)
	}
	staff.do("type the body", chromedp.SendKeys(chromedp.ID("f-decision_body"), "Kommunstyrelsen"),
		chromedp.SendKeys(chromedp.ID("f-decision_reference"), "KS 2016/140"))
	resp = staff.load("save the revision", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if resp.Status != http.StatusOK || !strings.Contains(partText(staff, `main [role="status"]`), "Revideringen är sparad") {
		t.Fatalf("saving the revision: %d at %s, %q", resp.Status, partPath(staff), partText(staff, `main [role="status"]`))
	}
	if got := partText(staff, "#ar-2016"); !strings.Contains(got, "KS 2016/140") || !strings.Contains(got, "Kommunstyrelsen") {
		t.Errorf("the 2016 row: %q", got)
	}
	flowNoProblems(staff, "/orter/skebokvarn/handlingsplan/revideringar")

	// The public comparison.
	visitor := newTab(t, browser)
	visitor.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	visitor.load("open the revisions", chromedp.Navigate(s.URL+"/orter/skebokvarn/handlingsplan/revideringar"))
	visitor.do("choose 2015 to 2016", chromedp.SetValue(chromedp.ID("f-fran"), "2015"), chromedp.SetValue(chromedp.ID("f-till"), "2016"))
	resp = visitor.load("compare", chromedp.Click(chromedp.CSS(`form[action="/orter/skebokvarn/handlingsplan/jamfor"] button[type=submit]`)))
	if resp.Status != http.StatusOK || partPath(visitor) != "/orter/skebokvarn/handlingsplan/jamfor?fran=2015&till=2016" {
		t.Fatalf("comparing: %d at %s", resp.Status, partPath(visitor))
	}
	if got := partText(visitor, `section[aria-labelledby="diff-finished"]`); !strings.Contains(got, "Anslagspelare") {
		t.Errorf("the comparison does not show the notice pillar finished since 2015: %q", got)
	}
	flowNoSideScroll(visitor, "the comparison at 320 CSS pixels")
	flowNoProblems(visitor)

	// A matter: entered, seen only by staff, published.
	staff.load("open Skebokvarn's matters", chromedp.Navigate(s.URL+"/orter/skebokvarn/arenden"))
	staff.load("follow ”Nytt ärende”", chromedp.Click(chromedp.CSS(`a[href="/orter/skebokvarn/arenden/nytt"]`)))
	staff.do("fill in the matter", chromedp.SendKeys(chromedp.ID("f-title"), "Papperskorgar vid badplatsen"),
		chromedp.SendKeys(chromedp.ID("f-body"), "Byalaget ber om två papperskorgar vid badplatsen."),
		chromedp.SendKeys(chromedp.ID("f-recipient"), "Tekniska avdelningen"))
	resp = staff.load("save the matter", chromedp.Click(chromedp.CSS(`main form[action="/orter/skebokvarn/arenden"] button[type=submit]`)))
	path := partPath(staff)
	if resp.Status != http.StatusOK || !strings.HasPrefix(path, "/arenden/") {
		t.Fatalf("saving the matter: %d at %s: %s", resp.Status, path, partText(staff, ".error-summary"))
	}
	path, _, _ = strings.Cut(path, "?")
	if !strings.Contains(partText(staff, "main"), "inte publicerat") {
		t.Errorf("the new matter does not say it is unpublished: %q", partText(staff, "main"))
	}
	if resp := visitor.load("open the unpublished matter", chromedp.Navigate(s.URL+path)); resp.Status != http.StatusNotFound {
		t.Errorf("a visitor sees an unpublished matter: status %d", resp.Status)
	}
	visitor.takeProblems() // the 404 just asked for
	resp = staff.load("publish", chromedp.Click(chromedp.CSS(`form[action="`+path+`/publicera"] button[type=submit]`)))
	if resp.Status != http.StatusOK || !strings.Contains(partText(staff, `main [role="status"]`), "publicerat") {
		t.Fatalf("publishing: %d, %q", resp.Status, partText(staff, `main [role="status"]`))
	}
	flowNoProblems(staff)
	visitor.load("open the locality's matters", chromedp.Navigate(s.URL+"/orter/skebokvarn/arenden"))
	if got := partText(visitor, "main table"); !strings.Contains(got, "Papperskorgar vid badplatsen") || !strings.Contains(got, "0 dagar") {
		t.Errorf("the published matter in the list: %q", got)
	}
	flowNoSideScroll(visitor, "the matters at 320 CSS pixels")
	flowNoProblems(visitor)
}
