package e2e

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestLocalityTabsOneRow: the locality's tabs stay on one row, at a
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

// TestPrintedPlan prints the plan with the most actions in the demo to A4 as
// Chromium does: it fits on two pages for up to nine actions, and no
// action's box is split across a page break.
func TestPrintedPlan(t *testing.T) {
	s := startSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	best, most := "", 0
	for _, slug := range []string{"halleforsnas", "malmkoping", "sparreholm", "bettna", "skebokvarn", "flen"} {
		tb.load("open the plan of "+slug, chromedp.Navigate(s.URL+"/orter/"+slug+"/handlingsplan"))
		if n := eval[int](tb, `document.querySelectorAll('article.action').length`); n > most && n <= 9 {
			best, most = slug, n
		}
	}
	if most < 5 {
		t.Fatalf("no demo plan has 5 to 9 actions (the most is %d)", most)
	}
	// Made up to nine, each with the facts and a description a real one has.
	tb.load("open the plan of "+best, chromedp.Navigate(s.URL+"/orter/"+best+"/handlingsplan"))
	theme, err := strconv.ParseInt(strings.TrimPrefix(eval[string](tb, `document.querySelector('section.theme').id`), "tema-"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	for i := most; i < 9; i++ {
		a := ortsplan.Action{ThemeID: theme, Title: fmt.Sprintf("Ny mötesplats %d", i+1), Status: ortsplan.ActionOngoing, Progress: 30,
			ResponsibleKind: ortsplan.ResponsibleWorkingGroup, ResponsibleName: "Kultur och fritid", Priority: ortsplan.PriorityMedium,
			Description: "Arbetsgruppen tar fram ett förslag tillsammans med föreningarna och kommunen."}
		if err := s.db.SaveAction(sqltest.System(), &a); err != nil {
			t.Fatal(err)
		}
	}
	tb.load("open the plan of "+best, chromedp.Navigate(s.URL+"/orter/"+best+"/handlingsplan"))
	if n := eval[int](tb, `document.querySelectorAll('article.action').length`); n != 9 {
		t.Fatalf("the plan has %d actions, want 9", n)
	}
	most = 9
	run(tb, "emulate print", chromedp.Action[cdp.Empty](func(ctx context.Context, tg *chromedp.Target) (cdp.Empty, error) {
		return cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	}))
	if got := eval[string](tb, `getComputedStyle(document.querySelector('article.action')).breakInside`); got != "avoid" {
		t.Errorf("in print an action's box has break-inside %q, want avoid", got)
	}
	pdf := run(tb, "print to PDF", chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: ptrTo(true)})
		return r.Data, err
	}))
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	t.Logf("the plan of %s with %d actions prints on %d A4 pages (%d bytes of PDF)", best, most, pages, len(pdf))
	if pages == 0 || pages > 2 {
		t.Errorf("the plan of %s with %d actions prints on %d pages, want at most 2", best, most, pages)
	}
}

func ptrTo[T any](v T) *T { return &v }

// TestLookAtBothWidths opens the home page, a locality and its plan at a
// desktop's 1280 px and a phone's 320 px: the configured logo and the
// pictures show at the top, there is room before the footer, nothing
// scrolls sideways, and the locality page with all it loads stays under
// 60 KB. With ORTSPLAN_DOCS set to a folder it saves the screenshots there
// (the README's come from it: ORTSPLAN_DOCS=$PWD/docs).
func TestLookAtBothWidths(t *testing.T) {
	s := startSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	docs := os.Getenv("ORTSPLAN_DOCS")
	for _, width := range []int64{1280, phoneWidth} {
		tb.do("set the width", chromedp.EmulateViewport(width, 900))
		for _, p := range []struct{ name, path, picture string }{
			{"home", "/", "main img.hero"},
			{"locality", "/orter/halleforsnas", "main img.locality-image"},
			{"plan", "/orter/halleforsnas/handlingsplan", ""},
		} {
			tb.load("open "+p.path, chromedp.Navigate(s.URL+p.path))
			if !eval[bool](tb, `(i => !!i && i.complete && i.naturalWidth > 0)(document.querySelector('.site-header img.brand-logo'))`) {
				t.Errorf("%s at %d px: the header shows no logo", p.path, width)
			}
			if p.picture != "" {
				top := eval[float64](tb, `(i => i ? i.getBoundingClientRect().top + scrollY : -1)(document.querySelector(`+flowQuote(p.picture)+`))`)
				if top < 0 || top > 700 {
					t.Errorf("%s at %d px: the picture %s is at %.0f px, want it at the top", p.path, width, p.picture, top)
				}
			}
			gap := eval[float64](tb, `(() => { const m = document.querySelector('main'), f = document.querySelector('.site-footer');
				const last = [...m.querySelectorAll('*')].filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect().bottom);
				return f.getBoundingClientRect().top - Math.max(...last); })()`)
			if gap < 32 {
				t.Errorf("%s at %d px: %.0f px between the content and the footer, want at least 32", p.path, width, gap)
			}
			if width == phoneWidth {
				checkNoSideScroll(tb, fmt.Sprintf("%s at %d CSS pixels", p.path, width))
			}
			if p.name == "locality" {
				tb.poll("the page has loaded all it shows", `document.readyState === 'complete'`)
				total := eval[float64](tb, `[performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')].reduce((n, e) => n + e.encodedBodySize, 0)`)
				t.Logf("%s at %d px loads %.1f KB in all", p.path, width, total/1024)
				if total > 60*1024 {
					t.Errorf("%s at %d px loads %.1f KB in all, want under 60 KB", p.path, width, total/1024)
				}
			}
			if docs != "" {
				screenshot(tb, docs, fmt.Sprintf("%s-%d.png", p.name, width))
			}
		}
	}
}
