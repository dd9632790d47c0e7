package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowQuickfix applies for a quickfix as a resident on a phone (320 px),
// with a photo, first with the cost in words (refused, what was typed
// kept), then sent with the keyboard; the administrator grants it; the
// resident reports the work with a photo; and the report and both photos
// show publicly.
func TestFlowQuickfix(t *testing.T) {
	s := startFlowSite(t)
	dir := t.TempDir()
	place := filepath.Join(dir, "platsen.jpg")
	done := filepath.Join(dir, "klart.jpg")
	for p, seed := range map[string]int64{place: 5, done: 6} {
		if err := os.WriteFile(p, media.Generate(seed, 1000, 700), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	browser := startBrowser(t)
	res := newTab(t, browser)
	res.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	res.logInResident(s.URL, s.nextResidentToken(t))

	page := "/orter/sparreholm/quickfix"
	res.load("open Sparreholm's quickfix page", chromedp.Navigate(s.URL+"/orter/sparreholm"))
	res.load("follow the Quickfix tab", chromedp.Click(chromedp.CSS(`nav.subnav a[href="`+page+`"]`)))
	if partPath(res) != page {
		t.Fatalf("the tab leads to %s", partPath(res))
	}
	flowNoSideScroll(res, page+" at 320 CSS pixels")
	form := `main form[action="` + page + `"]`
	res.do("choose a working group", chromedp.SetValue(chromedp.ID("f-kind"), "arbetsgrupp"))
	res.do("type the group's name", chromedp.SendKeys(chromedp.ID("f-organisation"), "Trafikgruppen"))
	res.do("type what", chromedp.SendKeys(chromedp.ID("f-title"), "Skylt till badplatsen"))
	res.do("type where", chromedp.SendKeys(chromedp.ID("f-place"), "Korsningen vid Spårvägen"))
	res.do("type the description", chromedp.SendKeys(chromedp.ID("f-description"), "En träskylt som visar vägen till badet."))
	res.do("type the cost in words", chromedp.SendKeys(chromedp.ID("f-cost"), "tretusen"))
	res.do("type the own effort", chromedp.SendKeys(chromedp.ID("f-own_effort"), "Vi målar och sätter upp skylten."))
	resp := res.load("send the application", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if resp.Status != http.StatusBadRequest {
		t.Fatalf("a cost in words gave status %d, want 400", resp.Status)
	}
	if got := partText(res, ".error-summary"); !strings.Contains(got, "hela kronor") {
		t.Errorf("the error summary says %q", got)
	}
	if got := eval[string](res, `document.getElementById('f-title').value`); got != "Skylt till badplatsen" {
		t.Errorf("after the refusal the title is %q", got)
	}
	flowReplace(res, "f-cost", "3 200")
	res.do("choose the photo", chromedp.SetUploadFiles(chromedp.ID("f-photo_file"), []string{place}))
	res.do("type the alt text", chromedp.SendKeys(chromedp.ID("f-photo_alt"), "Vägkorsningen vid Spårvägen en sommardag"))
	// From the alt text, Tab reaches the send button (with a focus indicator), and Enter sends.
	eval[bool](res, `(document.getElementById('f-photo_alt').focus(), true)`)
	if f := tabTo(res); f.Tag != "button" || !strings.Contains(f.Text, "Skicka") {
		t.Fatalf("Tab from the alt text reached %s, not the send button", f)
	}
	resp = res.load("press Enter on Skicka ansökan", chromedp.KeyEvent(kb.Enter))
	if resp.Status != http.StatusOK || !strings.HasPrefix(partPath(res), "/quickfix/") {
		t.Fatalf("sending gave %d at %s", resp.Status, partPath(res))
	}
	if got := partText(res, `main [role="status"]`); !strings.Contains(got, "Tack") {
		t.Errorf("after applying the page says %q", got)
	}
	path := strings.Split(partPath(res), "?")[0]
	flowNoSideScroll(res, path+" at 320 CSS pixels")
	flowNoProblems(res, page)

	// The administrator decides: a grant of 3 000 kr.
	staff := newTab(t, browser)
	staff.logIn(s.URL, s.Admin)
	staff.load("open the waiting applications", chromedp.Navigate(s.URL+"/admin/quickfix"))
	staff.load("open the application", chromedp.Click(chromedp.CSS(`main a[href="`+path+`"]`)))
	staff.do("choose Bevilja", chromedp.SetValue(chromedp.ID("f-decision"), "beviljad"))
	staff.do("type the amount", chromedp.SendKeys(chromedp.ID("f-amount"), "3000"))
	staff.do("type a note", chromedp.SendKeys(chromedp.ID("f-reason"), "Bra för besökarna."))
	resp = staff.load("save the decision", chromedp.Click(chromedp.CSS(`main form[action="`+path+`/beslut"] button[type=submit]`)))
	if resp.Status != http.StatusOK || !strings.Contains(partText(staff, `main [role="status"]`), "Beslutet är sparat") {
		t.Fatalf("deciding: %d, %q", resp.Status, partText(staff, `main [role="status"]`))
	}
	flowNoProblems(staff)

	// The resident reports with a photo.
	res.load("open the application again", chromedp.Navigate(s.URL+path))
	report := `main form[action="` + path + `/rapport"]`
	res.do("type the report", chromedp.SendKeys(chromedp.ID("f-report"), "Skylten sitter uppe sedan i lördags."))
	res.do("choose the photo", chromedp.SetUploadFiles(chromedp.ID("f-photo_file"), []string{done}))
	res.do("type the alt text", chromedp.SendKeys(chromedp.ID("f-photo_alt"), "Den nya träskylten vid korsningen"))
	resp = res.load("send the report", chromedp.Click(chromedp.CSS(report+` button[type=submit]`)))
	if resp.Status != http.StatusOK || !strings.Contains(partText(res, `main [role="status"]`), "rapporten") {
		t.Fatalf("reporting: %d, %q", resp.Status, partText(res, `main [role="status"]`))
	}
	flowNoSideScroll(res, path+" after the report at 320 CSS pixels")
	flowNoProblems(res)

	// A visitor sees the report and both photos.
	v := newTab(t, browser)
	v.load("open the quickfix as a visitor", chromedp.Navigate(s.URL+path))
	if got := partText(v, "main"); !strings.Contains(got, "Skylten sitter uppe") || !strings.Contains(got, "3\u00a0000") {
		t.Errorf("the public page says %q", got)
	}
	if n := eval[int](v, `document.querySelectorAll('main img[src^="`+path+`/bild/"]').length`); n != 2 {
		t.Errorf("%d photos on the public page, want 2", n)
	}
	id := strings.TrimPrefix(path, "/quickfix/")
	var status string
	if err := s.db.SQL().QueryRow("SELECT status FROM quickfixes WHERE id = " + id).Scan(&status); err != nil || status != string(ortsplan.QuickfixReported) {
		t.Errorf("stored status %q, %v", status, err)
	}
	bs, _ := s.db.QuickfixBudgets(sqltest.System(), time.Now().In(i18n.Stockholm()).Year())
	if len(bs) == 0 || bs[0].Remaining() < 0 {
		t.Errorf("budgets %v", bs)
	}
	flowNoProblems(v)
}
