package e2e

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowPlace gives an action of Bettna's plan a place picked on the grid
// with the keyboard, on a phone, and finds it on the locality's map.
func TestFlowPlace(t *testing.T) {
	s := startFlowSite(t)
	ctx := sqltest.System()
	loc, err := s.db.FindLocality(ctx, "bettna")
	if err != nil {
		t.Fatal(err)
	}
	plan, err := s.db.FindPlan(ctx, loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	// An action without a place yet.
	var id int64
	var title string
	for _, th := range plan.Themes {
		for _, a := range th.Actions {
			if id == 0 && a.Place.IsZero() {
				id, title = a.ID, a.Title
			}
		}
	}
	if id == 0 {
		t.Fatal("every action of Bettna's demo plan has a place already")
	}
	edit := "/orter/bettna/atgarder/" + strconv.FormatInt(id, 10)

	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	tb.logIn(s.URL, s.Admin)
	tb.load("open the action's form", chromedp.Navigate(s.URL+edit))
	resp := tb.load("follow ”Välj punkten på kartan”", chromedp.Click(chromedp.CSS(`#plats a`)))
	if resp.Status != http.StatusOK || partPath(tb) != "/orter/bettna/valj-plats?for=atgard&id="+strconv.FormatInt(id, 10) {
		t.Fatalf("the pick link gave %d at %s", resp.Status, partPath(tb))
	}
	flowNoSideScroll(tb, "the pick grid at 320 CSS pixels")
	if n := eval[int](tb, `document.querySelectorAll('main svg a.grid-cell').length`); n != 64 {
		t.Fatalf("the grid has %d cells, want 64", n)
	}
	// Tab from the skip link, past the grid's first cells, and Enter picks one.
	if !eval[bool](tb, `(() => { const a = document.querySelector('main a[href="#efter-rutnatet"]'); a.focus(); return document.activeElement === a; })()`) {
		t.Fatal("the skip link does not take the focus")
	}
	var cell string
	for range 3 {
		tabTo(tb)
		cell = eval[string](tb, `(() => { const a = document.activeElement.closest('a.grid-cell'); return a ? a.getAttribute('aria-label') : ''; })()`)
	}
	if !strings.HasPrefix(cell, "Rad 1, kolumn 3: ") {
		t.Fatalf("three Tabs after the skip link reached %q, want the third cell of the first row", cell)
	}
	resp = tb.load("press Enter on "+cell, chromedp.KeyEvent(kb.Enter))
	if resp.Status != http.StatusOK || eval[string](tb, "location.pathname") != edit {
		t.Fatalf("Enter on the cell gave %d at %s", resp.Status, partPath(tb))
	}
	lat := eval[string](tb, `document.getElementById('f-place_lat').value`)
	lon := eval[string](tb, `document.getElementById('f-place_lon').value`)
	q := url.Values{}
	q.Set("lat", lat)
	q.Set("lon", lon)
	if lat == "" || lon == "" || !strings.Contains(eval[string](tb, `location.search`), q.Encode()) {
		t.Fatalf("the form came back with %q, %q at %s", lat, lon, eval[string](tb, `location.href`))
	}
	flowReplace(tb, "f-place_address", "Vid bygdegården")
	resp = tb.load("save the action", chromedp.Click(chromedp.CSS(`main form[action="`+edit+`"] button[type=submit]`)))
	if resp.Status != http.StatusOK || eval[string](tb, "location.pathname") != "/orter/bettna/handlingsplan/redigera" {
		t.Fatalf("saving gave %d at %s", resp.Status, partPath(tb))
	}
	after, err := s.db.FindPlan(ctx, loc.ID)
	if err != nil {
		t.Fatal(err)
	}
	saved := after.FindAction(id)
	if !saved.Place.HasPoint() || strconv.FormatFloat(*saved.Place.Lat, 'f', -1, 64) != lat || saved.Place.Address != "Vid bygdegården" {
		t.Fatalf("stored place %+v, want %s, %s", saved.Place, lat, lon)
	}

	// Anyone finds it on the map and in the table beside it.
	visitor := newTab(t, browser)
	visitor.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	visitor.load("open Bettna's map", chromedp.Navigate(s.URL+"/orter/bettna/karta"))
	if n := eval[int](visitor, `document.querySelectorAll('main svg a[aria-label^=`+flowQuote(title+", Åtgärd")+`]').length`); n != 1 {
		t.Errorf("the map has %d markers for %q, want 1", n, title)
	}
	if row := partText(visitor, "main table tbody"); !strings.Contains(row, "Vid bygdegården") {
		t.Errorf("the table beside the map says %q", row)
	}
	flowNoSideScroll(visitor, "Bettna's map at 320 CSS pixels")
	flowNoProblems(visitor)
	flowNoProblems(tb)
}
