package e2e

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowSurvey answers the demo's open survey for Malmköping on a phone
// with JavaScript turned off, first with nothing answered, then properly;
// then an official enters a paper form from a stormöte and reads the
// results, where the paper answer is counted and marked.
func TestFlowSurvey(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	tb.do("turn JavaScript off", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	path := "/enkater/" + strconv.FormatInt(s.SurveyID, 10)
	before, err := s.db.FindSurvey(sqltest.System(), s.SurveyID)
	if err != nil {
		t.Fatal(err)
	}

	tb.load("open the survey", chromedp.Navigate(s.URL+path))
	flowNoSideScroll(tb, path+" at 320 CSS pixels")
	if rule := partText(tb, ".survey-rule"); !strings.Contains(rule, "en gång från varje webbläsare") {
		t.Errorf("the survey does not say which rule applies: %q", rule)
	}
	form := `main form[method=post][action="` + path + `"]`
	submit := chromedp.CSS(form + ` button[type=submit]`)
	resp := tb.load("send the survey with nothing answered", chromedp.Click(submit))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("an empty answer gave status %d, want 400", resp.Status)
	}
	if got := partText(tb, ".error-summary"); !strings.Contains(got, "inte svarat på någon fråga") {
		t.Errorf("the error summary says %q", got)
	}

	// Answer by tapping the labels, as on a phone, and type a free text.
	tb.do("choose ”Varje vecka”", chromedp.Click(chromedp.CSS(`label[for="f-q1-0"]`)))
	tb.do("tick ”Grönska” and ”Musik”", chromedp.Click(chromedp.CSS(`label[for="f-q2-1"]`)), chromedp.Click(chromedp.CSS(`label[for="f-q2-3"]`)))
	tb.do("choose 4 on the scale", chromedp.Click(chromedp.CSS(`label[for="f-q3-4"]`)))
	tb.do("type an idea", chromedp.SendKeys(chromedp.ID("f-q4-text"), "Blommor i krukor runt torget."))
	resp = tb.load("send the answers", chromedp.Click(submit))
	if resp.Status != http.StatusOK || partPath(tb) != path+"?tack=1" {
		t.Fatalf("sending gave %d at %s", resp.Status, partPath(tb))
	}
	if got := partText(tb, `main [role="status"]`); !strings.Contains(got, "Tack") {
		t.Errorf("after answering the page says %q", got)
	}
	if eval[bool](tb, `!!document.querySelector(`+flowQuote(form)+`)`) {
		t.Error("the form is shown again after answering")
	}
	flowNoProblems(tb, path)
	after, _ := s.db.FindSurvey(sqltest.System(), s.SurveyID)
	if after.Responses != before.Responses+1 {
		t.Fatalf("responses %d, want %d", after.Responses, before.Responses+1)
	}

	// An official of Malmköping enters a paper form.
	staff := newTab(t, browser)
	staff.logIn(s.URL, s.Admin)
	staff.load("open the paper form", chromedp.Navigate(s.URL+path+"/papper"))
	staff.do("choose ”Sällan eller aldrig”", chromedp.Click(chromedp.CSS(`label[for="f-q1-2"]`)))
	staff.do("choose 2 on the scale", chromedp.Click(chromedp.CSS(`label[for="f-q3-2"]`)))
	resp = staff.load("save the paper form", chromedp.Click(chromedp.CSS(`main form[action="`+path+`/papper"] button[type=submit]`)))
	if resp.Status != http.StatusOK || !strings.Contains(partText(staff, `main [role="status"]`), "sparad") {
		t.Fatalf("saving the paper form: %d, %q", resp.Status, partText(staff, `main [role="status"]`))
	}
	flowNoProblems(staff)

	// The results: charts with tables, the paper answers counted and marked.
	staff.load("open the results", chromedp.Navigate(s.URL+path+"/resultat"))
	if n := eval[int](staff, `document.querySelectorAll('svg.chart[role=img]').length`); n != 3 {
		t.Errorf("%d charts, want 3", n)
	}
	want := "varav " + strconv.Itoa(before.PaperResponses+1) + " från papper"
	if got := partText(staff, "main"); !strings.Contains(got, want) {
		t.Errorf("the results do not say %q", want)
	}
	tb.load("read the results as the visitor", chromedp.Navigate(s.URL+path+"/resultat"))
	flowNoSideScroll(tb, path+"/resultat at 320 CSS pixels")
	if strings.Contains(partText(tb, "main"), "Blommor i krukor") {
		t.Error("a free text not yet reviewed is shown to the public")
	}
	flowNoProblems(tb)
}
