package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLocalityTabsOneRow: the locality's nine tabs stay on one row, at a
// desktop's 1280 px and at a phone's 320 px, where the row scrolls sideways
// inside itself and the page does not.
func TestLocalityTabsOneRow(t *testing.T) {
	s := startSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	for _, width := range []int64{1280, phoneWidth} {
		tb.do("set the width", chromedp.EmulateViewport(width, 900))
		tb.load("open Sparreholm", chromedp.Navigate(s.URL+"/orter/sparreholm"))
		rows := eval[int](tb, `new Set([...document.querySelectorAll('.subnav li')].map(li => li.offsetTop)).size`)
		tabs := eval[int](tb, `document.querySelectorAll('.subnav li').length`)
		if tabs < 8 || rows != 1 {
			t.Errorf("at %d px the %d tabs take %d rows, want 1", width, tabs, rows)
		}
		if width == phoneWidth {
			if !eval[bool](tb, `(u => u.scrollWidth > u.clientWidth)(document.querySelector('.subnav ul'))`) {
				t.Errorf("at %d px the tabs do not scroll sideways inside their row", width)
			}
			checkNoSideScroll(tb, "the locality page with its tabs at 320 CSS pixels")
		}
	}
}
