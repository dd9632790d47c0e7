package e2e

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// TestFlowCoordinatorHome follows a coordinator who opens /admin without
// being logged in: the login form comes first and leads back to /admin,
// which shows, for every locality, how much waits in each kind, the same
// figures as the store's, and the staff menu the same counts. A new sign-up
// moves both the home's count and the menu's.
func TestFlowCoordinatorHome(t *testing.T) {
	s := startFlowSite(t)
	ctx := sqltest.System()
	const email, password = "samordnare.e2e@ortsplan.example", "e2e-samordnare-losenord"
	coord, err := s.db.CreateUser(ctx, ortsplan.NewUser{Email: email, Name: "Sam Samordnare", Role: ortsplan.RoleCoordinator, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	tb.load("open /admin", chromedp.Navigate(s.URL+"/admin"))
	loc, err := url.Parse(eval[string](tb, "location.href"))
	if err != nil || loc.Path != "/logga-in" || loc.Query().Get("till") != "/admin" {
		t.Fatalf("a visitor at /admin is at %s, want the login form that leads back to /admin", eval[string](tb, "location.href"))
	}
	tb.do("fill in the login form", chromedp.SendKeys(chromedp.ID("f-email"), email), chromedp.SendKeys(chromedp.ID("f-password"), password))
	resp := tb.load("send the login form", chromedp.Click(chromedp.CSS(`form[action^="/logga-in"] button[type=submit]`)))
	if resp.Status != 200 || eval[string](tb, "location.pathname") != "/admin" {
		t.Fatalf("after logging in the coordinator is at %s (status %d), want /admin", eval[string](tb, "location.href"), resp.Status)
	}

	// counts reads the six figures of the home page by where they lead.
	counts := func() map[string]int {
		t.Helper()
		raw := eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('.work-list a')].map(a =>
			[a.getAttribute('href'), a.querySelector('.work-count').textContent.trim()]))`)
		out := map[string]int{}
		for href, v := range raw {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("the count for %s is %q", href, v)
			}
			out[href] = n
		}
		return out
	}
	menu := func(href string) int {
		t.Helper()
		v := eval[string](tb, `(e => e ? e.firstChild.textContent.trim() : '0')(document.querySelector('.main-nav a[href="`+href+`"] .count'))`)
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("the menu's count for %s is %q", href, v)
		}
		return n
	}
	w, err := s.db.Workload(sqltest.AsUser(ctx, coord), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"/admin/anmalningar?status=ny":        w.SignUpsWaiting,
		"/admin/ideer":                        w.IdeasUnanswered,
		"/admin/anmalt-innehall":              w.Reports,
		"/admin/forsenade":                    w.LateActions,
		"/admin/moten?visa=utan-anteckningar": w.MeetingsWithoutNotes,
		"/admin/moten?visa=kommande":          w.MeetingsSoon,
		"/admin/arenden":                      w.MattersOverdue,
		"/admin/quickfix":                     w.QuickfixesWaiting,
	}
	got := counts()
	for href, n := range want {
		if got[href] != n {
			t.Errorf("the home shows %d for %s, want %d", got[href], href, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("the home shows %d counts, want %d: %v", len(got), len(want), got)
	}
	if w.LateActions == 0 || w.Waiting() == 0 {
		t.Fatalf("the demo should have late actions and waiting work: %+v", w)
	}
	if menu("/admin") != w.Waiting() || menu("/admin/anmalningar") != w.SignUpsWaiting {
		t.Errorf("the menu shows %d waiting and %d sign-ups, want %d and %d", menu("/admin"), menu("/admin/anmalningar"), w.Waiting(), w.SignUpsWaiting)
	}
	flowNoSideScroll(tb, "/admin at 320 CSS pixels")

	// A resident signs up; the counts move.
	l, err := s.db.FindLocality(ctx, "bettna")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.db.CreateSignUp(ctx, &ortsplan.SignUp{LocalityID: l.ID, Name: "Signe Östlund", Email: "signe@ortsplan.example", Lang: "sv"}); err != nil {
		t.Fatal(err)
	}
	tb.load("reload /admin", chromedp.Reload())
	if n := counts()["/admin/anmalningar?status=ny"]; n != w.SignUpsWaiting+1 {
		t.Errorf("after a new sign-up the home shows %d sign-ups, want %d", n, w.SignUpsWaiting+1)
	}
	if n := menu("/admin"); n != w.Waiting()+1 {
		t.Errorf("after a new sign-up the menu shows %d waiting, want %d", n, w.Waiting()+1)
	}

	// The late actions' link leads to them, each marked late in words.
	resp = tb.load("follow the late actions' link", chromedp.Click(chromedp.CSS(`.work-list a[href="/admin/forsenade"]`)))
	if resp.Status != 200 || eval[string](tb, "location.pathname") != "/admin/forsenade" {
		t.Fatalf("the late actions' link gave status %d at %s", resp.Status, eval[string](tb, "location.href"))
	}
	rows := eval[[]string](tb, `[...document.querySelectorAll('main tbody tr, main li.late-item')].map(r => r.textContent)`)
	if len(rows) != min(w.LateActions, ortsplan.WorkPageSize) {
		t.Errorf("the late list has %d rows, want %d", len(rows), min(w.LateActions, ortsplan.WorkPageSize))
	}
	main := eval[string](tb, `document.querySelector('main').textContent`)
	if !strings.Contains(main, "Försenad") && !strings.Contains(main, "försenad") {
		t.Errorf("the late list does not say in words that the actions are late")
	}
	flowNoSideScroll(tb, "/admin/forsenade at 320 CSS pixels")
	flowNoProblems(tb)
}
