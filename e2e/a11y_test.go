package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeRun runs axe-core on the whole document against WCAG 2.0 and 2.1 at
// levels A and AA, and axe's best practices, and keeps what the report needs.
const axeRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
	// Every node of a violation; one example of each other result.
	resultTypes: ['violations'],
}).then(r => ({
	passes: r.passes.length,
	incomplete: r.incomplete.map(v => v.id + (v.nodes[0] ? ' (for example ' + v.nodes[0].target.map(String).join(' ') +
		(v.nodes[0].any[0] ? ': ' + v.nodes[0].any[0].message : '') + ')' : '')),
	violations: r.violations.map(v => ({
		id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl,
		nodes: v.nodes.map(n => ({target: n.target.map(String).join(' '), html: n.html, summary: n.failureSummary || ''})),
	})),
}))`

type axeResult struct {
	Passes     int      `json:"passes"`
	Incomplete []string `json:"incomplete"`
	Violations []struct {
		ID      string `json:"id"`
		Impact  string `json:"impact"`
		Help    string `json:"help"`
		HelpURL string `json:"helpUrl"`
		Nodes   []struct {
			Target  string `json:"target"`
			HTML    string `json:"html"`
			Summary string `json:"summary"`
		} `json:"nodes"`
	} `json:"violations"`
}

// injectAxe makes the tab load axe-core into every page it opens, before the
// page's own content. The site's Content-Security-Policy allows no script at
// all, but it does not apply to scripts that DevTools adds, so axe runs on
// the page as it is served.
func injectAxe(tb tab, axeSource string) {
	tb.t.Helper()
	run(tb, "add axe-core to every page", chromedp.Action[page.AddScriptToEvaluateOnNewDocumentResult](
		func(ctx context.Context, t *chromedp.Target) (page.AddScriptToEvaluateOnNewDocumentResult, error) {
			return cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument,
				page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource})
		}))
}

// checkAxe runs axe-core, which injectAxe put in the page (or else it is
// evaluated now), and fails t with every violation.
func checkAxe(tb tab, axeSource, where string) {
	tb.t.Helper()
	if eval[string](tb, "typeof axe") == "undefined" {
		run(tb, "inject axe-core", chromedp.Evaluate[chromedp.Void](axeSource))
	}
	if got := eval[string](tb, "typeof axe"); got != "object" {
		tb.t.Fatalf("%s: axe-core did not load into the page (typeof axe is %q)", where, got)
	}
	res := run(tb, "run axe-core", chromedp.Evaluate[axeResult](axeRun, chromedp.EvalAwaitPromise))
	if res.Passes == 0 {
		tb.t.Errorf("%s: axe-core passed no rule at all; did it see the page?", where)
	}
	if len(res.Incomplete) > 0 {
		tb.t.Logf("%s: axe-core could not decide, check by hand: %s", where, strings.Join(res.Incomplete, "; "))
	}
	for _, v := range res.Violations {
		var b strings.Builder
		fmt.Fprintf(&b, "%s: axe %s (%s): %s\n\t%s", where, v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n\t- %s\n\t  %s\n\t  %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n\t  "))
		}
		tb.t.Error(b.String())
	}
}

// checkNoSideScroll fails t when the page is wider than the viewport, and
// names the elements that stick out.
func checkNoSideScroll(tb tab, where string) {
	tb.t.Helper()
	type overflow struct {
		ScrollWidth int      `json:"scrollWidth"`
		InnerWidth  int      `json:"innerWidth"`
		Wide        []string `json:"wide"`
	}
	o := eval[overflow](tb, `(() => {
		const w = window.innerWidth;
		// Only what sticks out of the page, not what a scroll box holds. An
		// absolutely positioned element escapes every scroll box inside its
		// containing block, its nearest positioned ancestor.
		const inScrollBox = e => {
			const pos = getComputedStyle(e).position;
			if (pos === 'fixed') return true;
			let contained = pos !== 'absolute';
			for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
				const cs = getComputedStyle(a);
				if (cs.position !== 'static') contained = true;
				if (contained && cs.overflowX !== 'visible') return true;
			}
			return false;
		};
		const wide = [...document.body.querySelectorAll('*')]
			.filter(e => e.getBoundingClientRect().right > w + 0.5 && !inScrollBox(e))
			.slice(0, 8)
			.map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') +
				' (right edge ' + Math.round(e.getBoundingClientRect().right) + 'px)');
		return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w, wide};
	})()`)
	if o.InnerWidth != phoneWidth {
		tb.t.Fatalf("%s: the viewport is %d px wide, want %d", where, o.InnerWidth, phoneWidth)
	}
	if o.ScrollWidth > o.InnerWidth {
		tb.t.Errorf("%s: the page scrolls sideways: it is %d px wide in a %d px viewport; too wide: %s",
			where, o.ScrollWidth, o.InnerWidth, strings.Join(o.Wide, ", "))
	}
}

// testAccessibility opens every page kind in both languages, as a visitor,
// the demo administrator and an official, and checks each with axe-core at
// desktop width, and at 320 CSS pixels, where it must not scroll sideways
// (axe runs there in the first language only).
// It also fails on errors in the browser console, such as a resource that
// the Content-Security-Policy blocked, and saves screenshots of the home page.
func testAccessibility(t *testing.T, s *site) {
	axeBytes, err := os.ReadFile(nodeModule(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	axeSource := string(axeBytes)
	browser := startBrowser(t)
	shots := t.TempDir()

	for _, r := range roles {
		kinds := s.kindsFor(t, r)
		tb := newTab(t, browser)
		injectAxe(tb, axeSource)
		switch r {
		case visitor:
		case resident:
			tb.logInResident(s.URL, s.nextResidentToken(t))
		default:
			tb.logIn(s.URL, s.loginFor(r))
		}
		for _, lang := range languages {
			tb.do("desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
			tb.useLanguage(s.URL, lang)
			for _, k := range kinds {
				t.Run(lang+"/"+k.name, func(t *testing.T) {
					tb := tb.in(t)
					tb.takeProblems()
					tb.do("desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
					tb.open(s.URL, k, lang)
					checkAxe(tb, axeSource, "desktop")
					if k.name == "home" && lang == "sv" {
						screenshot(tb, shots, "home-desktop.png")
					}

					tb.do("phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))
					checkNoSideScroll(tb, "320 px")
					// Once per page kind is enough for axe at this width.
					if lang == languages[0] {
						checkAxe(tb, axeSource, "320 px")
					}
					if k.name == "home" && lang == "sv" {
						screenshot(tb, shots, "home-320.png")
					}
					for _, p := range tb.takeProblems() {
						// The status of the page itself is checked above.
						if p.source == "network" && strings.SplitN(p.url, "#", 2)[0] == s.URL+strings.SplitN(k.action(), "#", 2)[0] && k.status >= 400 {
							continue
						}
						t.Errorf("the browser reported %s", p)
					}
				})
			}
		}
	}
	keepScreenshots(t, shots)
}

// screenshot saves a PNG of the whole page into dir.
func screenshot(tb tab, dir, name string) {
	tb.t.Helper()
	png := run(tb, "screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// keepScreenshots copies the screenshots to $ORTSPLAN_SCREENSHOTS, when set,
// for people to look at.
func keepScreenshots(t *testing.T, dir string) {
	t.Helper()
	dest := os.Getenv("ORTSPLAN_SCREENSHOTS")
	if dest == "" {
		return
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.png"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dest, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshots saved in %s", dest)
}
