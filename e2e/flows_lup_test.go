package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowFactsAndSWOT: staff import a table exported from SCB's database
// for Bettna with JavaScript off: a file with a bad row is refused with its
// line and stores nothing, the corrected file is stored and shows on the
// public page as a chart and a table; then a SWOT point is added from a
// stormöte, changed, and shows on the public SWOT page and in the history.
func TestFlowFactsAndSWOT(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.do("turn JavaScript off", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	tb.logIn(s.URL, s.Admin)
	bettna, err := s.db.FindLocality(sqltest.System(), "bettna")
	if err != nil {
		t.Fatal(err)
	}
	stored := func() int {
		fs, err := s.db.Facts(sqltest.System(), bettna.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(fs)
	}
	before := stored()

	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := "\"Folkmängd efter region, ålder och år\"\n\n\"region\";\"ålder\";\"Folkmängd 2019\";\"Folkmängd 2020\"\n" +
		"\"Bettna\";\"0-19 år\";98;101\n\"Bettna\";\"20-64 år\";240;236\n\"Bettna\";\"65+ år\";131;137\n"
	bad := strings.Replace(good, "236", "två hundra", 1)

	edit := "/orter/bettna/fakta/redigera"
	form := `form[action="/orter/bettna/fakta/import#import-errors"]`
	tb.load("open the facts form", chromedp.Navigate(s.URL+edit))
	tb.do("choose age groups and the bad file",
		chromedp.SetValue(chromedp.ID("f-import_measure"), "aldersgrupp"),
		chromedp.SetUploadFiles(chromedp.ID("f-csv_file"), []string{write("bettna-alder.csv", bad)}))
	resp := tb.load("import the bad file", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if resp.Status != http.StatusBadRequest {
		t.Fatalf("the bad file gave %d, want 400", resp.Status)
	}
	if got := partText(tb, ".import-errors"); !strings.Contains(got, "Rad 5:") || !strings.Contains(got, "”två hundra”") || !strings.Contains(got, "bettna-alder.csv") {
		t.Errorf("the refusal says %q", got)
	}
	if got := eval[string](tb, `document.getElementById('f-import_measure').value`); got != "aldersgrupp" {
		t.Errorf("the measure chosen is %q after the refusal", got)
	}
	if n := stored(); n != before {
		t.Fatalf("a refused file stored %d figures", n-before)
	}
	flowNoProblems(tb, "/orter/bettna/fakta/import")

	tb.do("choose the corrected file", chromedp.SetUploadFiles(chromedp.ID("f-csv_file"), []string{write("bettna-alder.csv", good)}))
	resp = tb.load("import the corrected file", chromedp.Click(chromedp.CSS(form+` button[type=submit]`)))
	if resp.Status != http.StatusOK || !strings.Contains(partText(tb, `main [role="status"]`), "6 värden lästes in") {
		t.Fatalf("the corrected file: %d, %q", resp.Status, partText(tb, `main [role="status"]`))
	}
	if n := stored(); n != before+6 {
		t.Fatalf("stored %d figures, want 6", n-before)
	}

	// A figure typed in: the number of households.
	tb.do("type the households",
		chromedp.SetValue(chromedp.ID("f-measure"), "hushall"),
		chromedp.SendKeys(chromedp.ID("f-year"), "2020"),
		chromedp.SendKeys(chromedp.ID("f-value"), "212"),
		chromedp.SendKeys(chromedp.ID("f-source"), "SCB, hushållsstatistik"))
	resp = tb.load("save the figure", chromedp.Click(chromedp.CSS(`form[action="/orter/bettna/fakta"] button[type=submit]`)))
	if resp.Status != http.StatusOK || partText(tb, `main [role="status"]`) == "" {
		t.Fatalf("saving the figure: %d", resp.Status)
	}
	flowNoProblems(tb)

	// The public page: a chart named by its title beside the table.
	tb.load("open the public facts page", chromedp.Navigate(s.URL+"/orter/bettna/fakta"))
	if got := eval[string](tb, `(document.querySelector('#fakta-aldersgrupp svg[role=img] title') || {}).textContent || ''`); got != "Åldersgrupper" {
		t.Errorf("the age chart's title is %q", got)
	}
	if got := partText(tb, "#fakta-aldersgrupp table"); !strings.Contains(got, "65+ år") || !strings.Contains(got, "137") {
		t.Errorf("the age table says %q", got)
	}
	if got := partText(tb, "#fakta-hushall table"); !strings.Contains(got, "212") {
		t.Errorf("the households table says %q", got)
	}
	flowNoProblems(tb)

	// The SWOT: a point from a stormöte, then changed.
	tb.load("open the SWOT form", chromedp.Navigate(s.URL+"/orter/bettna/swot/redigera"))
	meeting := eval[string](tb, `(document.querySelector('#f-meeting option:nth-child(2)') || {}).value || ''`)
	if meeting == "" {
		t.Fatal("no meeting of Bettna to choose as the source")
	}
	tb.do("write a weakness from the stormöte",
		chromedp.SetValue(chromedp.ID("f-kind"), "svaghet"),
		chromedp.SendKeys(chromedp.ID("f-text"), "Mörkt vid korsningen väg 221/52"),
		chromedp.SetValue(chromedp.ID("f-meeting"), meeting))
	resp = tb.load("save the point", chromedp.Click(chromedp.CSS(`form[action="/orter/bettna/swot"] button[type=submit]`)))
	if resp.Status != http.StatusOK || partText(tb, `main [role="status"]`) == "" {
		t.Fatalf("saving the point: %d", resp.Status)
	}
	tb.load("open the point", chromedp.Click(chromedp.CSS(`#swot-svaghet a[href^="/orter/bettna/swot/"]`)))
	flowReplace(tb, "f-text", "Mörkt vid korsningen väg 221/52 om kvällarna")
	resp = tb.load("save the change", chromedp.Click(chromedp.CSS(`main form[action^="/orter/bettna/swot/"] button[type=submit]`)))
	if resp.Status != http.StatusOK {
		t.Fatalf("saving the change: %d", resp.Status)
	}
	flowNoProblems(tb)

	tb.load("open the public SWOT", chromedp.Navigate(s.URL+"/orter/bettna/swot"))
	if got := partText(tb, "#swot-svaghet"); !strings.Contains(got, "om kvällarna") || !strings.Contains(got, "Källa:") {
		t.Errorf("the weaknesses say %q", got)
	}
	if !eval[bool](tb, `!!document.querySelector('#swot-svaghet a[href="/moten/`+meeting+`"]')`) {
		t.Error("the point does not link to its stormöte")
	}
	tb.load("open the history", chromedp.Navigate(s.URL+"/orter/bettna/historik"))
	if got := partText(tb, "ol.history"); !strings.Contains(got, "En punkt i SWOT ändrades") || !strings.Contains(got, "Fakta lästes in från en fil") {
		t.Errorf("the history says %q", got)
	}
	flowNoProblems(tb)
}
