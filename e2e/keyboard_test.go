package e2e

import (
	"fmt"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focus describes the focused element and how its focus shows.
type focus struct {
	Tag          string  `json:"tag"`
	ID           string  `json:"id"`
	Class        string  `json:"class"`
	Href         string  `json:"href"`
	Text         string  `json:"text"`
	InNav        bool    `json:"inNav"`
	InMain       bool    `json:"inMain"`
	OutlineStyle string  `json:"outlineStyle"`
	OutlineWidth float64 `json:"outlineWidth"`
	BoxShadow    string  `json:"boxShadow"`
	OnScreen     bool    `json:"onScreen"`
}

func (f focus) String() string {
	s := f.Tag
	if f.ID != "" {
		s += "#" + f.ID
	}
	if f.Href != "" {
		s += fmt.Sprintf("[href=%q]", f.Href)
	}
	if f.Text != "" {
		s += fmt.Sprintf(" %q", f.Text)
	}
	return s
}

// visible reports whether the element shows that it has focus: an outline
// or a box shadow, and a place on the screen.
func (f focus) visible() bool {
	return ((f.OutlineStyle != "none" && f.OutlineWidth > 0) || (f.BoxShadow != "" && f.BoxShadow != "none")) && f.OnScreen
}

const focusJS = `(() => {
	const e = document.activeElement;
	if (!e || e === document.body) return {tag: e ? 'body' : ''};
	const cs = getComputedStyle(e), r = e.getBoundingClientRect();
	return {
		tag: e.tagName.toLowerCase(), id: e.id, class: typeof e.className === 'string' ? e.className : '',
		href: e.getAttribute('href') || '', text: (e.innerText || e.value || '').trim().slice(0, 60),
		inNav: !!e.closest('nav.main-nav'), inMain: !!e.closest('main'),
		outlineStyle: cs.outlineStyle, outlineWidth: parseFloat(cs.outlineWidth) || 0, boxShadow: cs.boxShadow,
		onScreen: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
	};
})()`

// tabTo presses Tab and returns the newly focused element. It fails the test
// when the element does not show its focus.
func tabTo(tb tab) focus {
	tb.t.Helper()
	tb.do("press Tab", chromedp.KeyEvent(kb.Tab))
	f := eval[focus](tb, focusJS)
	if f.Tag != "main" && !f.visible() {
		tb.t.Errorf("%s has focus but shows no focus indicator (outline %s %gpx, box-shadow %s, on screen %v)",
			f, f.OutlineStyle, f.OutlineWidth, f.BoxShadow, f.OnScreen)
	}
	return f
}

// testKeyboard uses the site with the keyboard only: the skip link, the main
// menu in order, and logging in as the demo administrator.
func testKeyboard(t *testing.T, s *site) {
	tb := newTab(t, startBrowser(t))
	tb.useLanguage(s.URL, "sv")

	// The first Tab reaches the skip link, which then shows, and Enter on
	// it moves the focus to the main content.
	tb.load("open the home page", chromedp.Navigate(s.URL+"/"))
	if f := tabTo(tb); f.Tag != "a" || f.Class != "skip-link" {
		t.Fatalf("the first Tab focused %s, want the skip link a.skip-link", f)
	}
	tb.do("press Enter on the skip link", chromedp.KeyEvent(kb.Enter))
	tb.poll("skip to the content", `document.activeElement && document.activeElement.id === 'main' && document.activeElement.tagName === 'MAIN'`)
	if f := tabTo(tb); !f.InMain {
		t.Errorf("after the skip link, Tab focused %s, want an element in the main content", f)
	}

	// From the top of a fresh page, Tab reaches every link of the main menu,
	// in order.
	tb.load("open the home page again", chromedp.Navigate(s.URL+"/"))
	menu := eval[[]string](tb, `[...document.querySelectorAll('nav.main-nav a')].map(a => a.getAttribute('href'))`)
	if !slices.Contains(menu, "/logga-in") {
		t.Fatalf("the main menu %v has no login link", menu)
	}
	var reached []string
	var path []string
	for i := 0; len(reached) < len(menu); i++ {
		if i == 20 {
			t.Fatalf("20 Tabs reached only %v of the main menu %v; the focus went %v", reached, menu, path)
		}
		f := tabTo(tb)
		path = append(path, f.String())
		if i == 0 && f.Class != "skip-link" {
			t.Errorf("the first Tab focused %s, want the skip link", f)
		}
		if f.InNav {
			reached = append(reached, f.Href)
		} else if len(reached) > 0 {
			t.Fatalf("the focus left the main menu at %s after %v, before %v", f, reached, menu)
		}
	}
	if !slices.Equal(reached, menu) {
		t.Fatalf("Tab reached the main menu in the order %v, want %v", reached, menu)
	}

	// The last menu link is "Logga in": Enter follows it.
	if last := reached[len(reached)-1]; last != "/logga-in" {
		t.Fatalf("the last link of the menu is %s, want /logga-in", last)
	}
	resp := tb.load("press Enter on the login link", chromedp.KeyEvent(kb.Enter))
	if resp.Status != 200 || eval[string](tb, "location.pathname") != "/logga-in" {
		t.Fatalf("Enter on the login link gave %d %s", resp.Status, eval[string](tb, "location.href"))
	}

	// Tab to the e-mail field, type, Tab to the password field, type, Enter.
	var f focus
	for i := 0; f.ID != "f-email"; i++ {
		if i == 20 {
			t.Fatal("20 Tabs did not reach the e-mail field #f-email")
		}
		if f = tabTo(tb); f.ID == "f-password" {
			t.Fatal("Tab reached the password field before the e-mail field")
		}
	}
	tb.do("type the e-mail address", chromedp.KeyEvent(s.Admin.Email))
	if f := tabTo(tb); f.ID != "f-password" {
		t.Fatalf("Tab after the e-mail field focused %s, want the password field #f-password", f)
	}
	tb.do("type the password", chromedp.KeyEvent(s.Admin.Password))
	resp = tb.load("press Enter in the password field", chromedp.KeyEvent(kb.Enter))
	if resp.Status != 200 {
		t.Fatalf("logging in gave status %d at %s", resp.Status, eval[string](tb, "location.href"))
	}
	if !eval[bool](tb, `[...document.querySelectorAll('form[action="/logga-ut"] button')].some(b => b.textContent.trim() === 'Logga ut')`) {
		t.Fatalf("after logging in, %s shows no %q button", eval[string](tb, "location.href"), "Logga ut")
	}
	for _, p := range tb.takeProblems() {
		t.Errorf("the browser reported %s", p)
	}
}
