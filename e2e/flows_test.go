package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// The TestFlow tests follow whole tasks through the real site in one
// browser each: finding a locality on the map, reading what changed in a
// text, signing up for a meeting and cancelling, and uploading a photo. Each
// test starts its own site, since the flows change its data.

// flowSite is a site for the flows: like startSite's, and it also writes the
// e-mails that meetings send to the outbox, as the real server does, and
// keeps the database for the checks that the browser cannot make.
type flowSite struct {
	*site
	db *sqlstore.DB
}

// startFlowSite starts the same site as startSite, and keeps its database
// handle for checks of what the site stored.
func startFlowSite(t *testing.T) *flowSite {
	t.Helper()
	st := startSite(t)
	return &flowSite{site: st, db: st.db}
}

// flowQuote quotes a Go string for a JavaScript expression.
func flowQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// flowReplace selects all that the field with this id holds, as a person
// does before typing over it, and types v in its place.
func flowReplace(tb tab, id, v string) {
	tb.t.Helper()
	msg := eval[string](tb, `((id) => {
		const e = document.getElementById(id);
		if (!e) return 'no field #' + id;
		e.focus();
		e.select();
		return document.activeElement === e ? '' : '#' + id + ' did not take the focus';
	})(`+flowQuote(id)+`)`)
	if msg != "" {
		tb.t.Fatal(msg)
	}
	tb.do("type into #"+id, chromedp.KeyEvent(v))
	if got := eval[string](tb, `document.getElementById(`+flowQuote(id)+`).value`); got != v {
		tb.t.Fatalf("after typing %q into #%s it holds %q", v, id, got)
	}
}

// flowNoSideScroll fails the test when the page is wider than the window.
func flowNoSideScroll(tb tab, what string) {
	tb.t.Helper()
	if w := eval[[]float64](tb, `[document.documentElement.scrollWidth, innerWidth]`); w[0] > w[1] {
		tb.t.Errorf("%s scrolls sideways: %g CSS pixels wide in a window of %g", what, w[0], w[1])
	}
}

// flowNoProblems fails the test if the browser reported an error on a page,
// except the status 400 of a form sent to one of the paths refused, which
// answers a form with mistakes.
func flowNoProblems(tb tab, refused ...string) {
	tb.t.Helper()
	origin := eval[string](tb, "location.origin")
	for _, p := range tb.takeProblems() {
		path := strings.TrimPrefix(p.url, origin)
		path, _, _ = strings.Cut(path, "#")
		if p.source == "network" && strings.Contains(p.text, "status of 400") && slices.Contains(refused, path) {
			continue
		}
		tb.t.Errorf("the browser reported %s", p)
	}
}

// flowMapLink is a locality's link on the map of /orter.
type flowMapLink struct {
	Href  string `json:"href"`
	Label string `json:"label"`
	Title string `json:"title"`
}

// name is the locality's name: the accessible name up to its first comma.
func (l flowMapLink) name() string {
	name, _, _ := strings.Cut(l.Label, ",")
	return strings.TrimSpace(name)
}

// TestFlowMap finds localities on the map of /orter with the keyboard and
// the mouse, and checks that the map fits a phone.
func TestFlowMap(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)

	tb := newTab(t, browser)
	tb.load("open /orter", chromedp.Navigate(s.URL+"/orter"))
	links := eval[[]flowMapLink](tb, `[...document.querySelectorAll('main figure svg a')].map(a => ({
		href: a.getAttribute('href') || '', label: a.getAttribute('aria-label') || '',
		title: (a.querySelector('title') || {}).textContent || ''}))`)
	rows := eval[[]string](tb, `[...document.querySelectorAll('main table tbody th a')].map(a => a.getAttribute('href'))`)
	if len(links) != 7 {
		t.Errorf("the map has %d links, want 7, one for each locality with coordinates: %v", len(links), links)
	}
	if len(rows) != 8 {
		t.Errorf("the table lists %d localities, want the 8 of the demo", len(rows))
	}
	for _, l := range links {
		if !strings.HasPrefix(l.Href, "/orter/") || !strings.Contains(strings.Join(rows, " ")+" ", l.Href+" ") {
			t.Errorf("the map link %q (%s) is not a locality of the table %v", l.Label, l.Href, rows)
		}
		if l.name() == "" || l.Title != l.Label {
			t.Errorf("the map link %s has the accessible name %q and the title %q; want a name that begins with the locality's, and the same title",
				l.Href, l.Label, l.Title)
		}
		if l.Href == "/orter/vadsbro" {
			t.Errorf("the map has a link to Vadsbro, which has no coordinates")
		}
	}

	// From the top of the page, Tab reaches the map's links, and Enter follows one.
	var f focus
	var path []string
	for i := 0; ; i++ {
		if i == 40 {
			t.Fatalf("40 Tabs from the top of /orter did not reach a link of the map; the focus went %v", path)
		}
		f = tabTo(tb)
		path = append(path, f.String())
		if eval[bool](tb, `(() => {
			const svg = document.querySelector('main figure svg'), e = document.activeElement;
			return !!svg && svg.contains(e) && !!e.closest('a') && (e.closest('a').getAttribute('href') || '').startsWith('/orter/');
		})()`) {
			break
		}
	}
	focused := eval[flowMapLink](tb, `(() => { const a = document.activeElement.closest('a');
		return {href: a.getAttribute('href'), label: a.getAttribute('aria-label') || '', title: ''}; })()`)
	t.Logf("Tab reached the map link %s (%q) after %d presses", focused.Href, focused.name(), len(path))
	resp := tb.load("press Enter on the map link "+focused.Href, chromedp.KeyEvent(kb.Enter))
	if resp.Status != 200 {
		t.Errorf("Enter on the map link %s gave status %d", focused.Href, resp.Status)
	}
	if got := eval[string](tb, "location.pathname"); got != focused.Href {
		t.Fatalf("Enter on the map link %s went to %s", focused.Href, got)
	}
	if h1 := eval[string](tb, `document.querySelector('h1').textContent`); !strings.Contains(h1, focused.name()) {
		t.Errorf("the page of %s has the heading %q, want one with %q", focused.Href, h1, focused.name())
	}

	// A click on Hälleforsnäs leads to its page.
	tb.load("open /orter again", chromedp.Navigate(s.URL+"/orter"))
	resp = tb.load("click Hälleforsnäs on the map", chromedp.Click(chromedp.CSS(`main figure svg a[aria-label^="Hälleforsnäs"]`)))
	if got := eval[string](tb, "location.pathname"); resp.Status != 200 || got != "/orter/halleforsnas" {
		t.Errorf("clicking Hälleforsnäs on the map gave status %d at %s, want /orter/halleforsnas", resp.Status, got)
	}
	if h1 := eval[string](tb, `document.querySelector('h1').textContent`); !strings.Contains(h1, "Hälleforsnäs") {
		t.Errorf("the page that the map's Hälleforsnäs leads to has the heading %q", h1)
	}
	flowNoProblems(tb)

	// On a phone the map shrinks to the window.
	phone := newTab(t, browser)
	phone.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))
	phone.load("open /orter on a phone", chromedp.Navigate(s.URL+"/orter"))
	box := eval[struct {
		Width  float64 `json:"width"`
		Right  float64 `json:"right"`
		Window float64 `json:"window"`
	}](phone, `(() => { const r = document.querySelector('main figure svg').getBoundingClientRect();
		return {width: r.width, right: r.right, window: innerWidth}; })()`)
	if box.Window != phoneWidth {
		t.Errorf("the phone's window is %g CSS pixels wide, want %d", box.Window, phoneWidth)
	}
	if box.Width <= 0 || box.Width > box.Window || box.Right > box.Window {
		t.Errorf("at %g CSS pixels the map is %g wide and ends at %g; it must fit the window", box.Window, box.Width, box.Right)
	}
	flowNoSideScroll(phone, "/orter at 320 CSS pixels")
	flowNoProblems(phone)
}

// flowDiffMark is an ins or del of a word diff, as the browser shows it.
type flowDiffMark struct {
	Tag        string `json:"tag"`
	Text       string `json:"text"` // what changed, without the hidden labels
	Decoration string `json:"decoration"`
	Hidden     string `json:"hidden"`
}

// flowDiffMarksJS lists the ins and del elements of the diff with their text
// decoration and the text of their visually hidden labels.
const flowDiffMarksJS = `[...document.querySelectorAll('.diff ins, .diff del')].map(e => ({
	tag: e.tagName.toLowerCase(),
	text: [...e.childNodes].filter(n => !(n.classList && n.classList.contains('visually-hidden'))).map(n => n.textContent).join('').slice(0, 80),
	decoration: getComputedStyle(e).textDecorationLine,
	hidden: [...e.querySelectorAll('.visually-hidden')].map(h => h.textContent.trim()).filter(Boolean).join(' | '),
}))`

// flowCheckDiffMarks checks that each ins and del of the page's diff is marked by
// more than colour and carries a label for screen readers, and returns how
// many of each there are.
func flowCheckDiffMarks(tb tab, what string) (ins, del int) {
	tb.t.Helper()
	for _, m := range eval[[]flowDiffMark](tb, flowDiffMarksJS) {
		want := map[string]string{"ins": "underline", "del": "line-through"}[m.Tag]
		if !strings.Contains(m.Decoration, want) {
			tb.t.Errorf("%s: <%s>%s</%s> has text-decoration-line %q, want %s", what, m.Tag, m.Text, m.Tag, m.Decoration, want)
		}
		if m.Hidden == "" {
			tb.t.Errorf("%s: <%s>%s</%s> has no visually hidden label for screen readers", what, m.Tag, m.Text, m.Tag)
		}
		if m.Tag == "ins" {
			ins++
		} else {
			del++
		}
	}
	return ins, del
}

// TestFlowHistoryDiff edits Sparreholm's vision through the form and reads
// the word diffs of the history as a logged-in administrator.
func TestFlowHistoryDiff(t *testing.T) {
	s := startFlowSite(t)
	tb := newTab(t, startBrowser(t))
	tb.logIn(s.URL, s.Admin)

	// Replace a word of the vision and save.
	const oldWord, newWord = "trygg", "säker"
	tb.load("open the vision's form", chromedp.Navigate(s.URL+"/orter/sparreholm/vision/redigera"))
	at := eval[int](tb, `((w) => {
		const e = document.getElementById('f-body');
		if (!e) return -1;
		const i = e.value.search(new RegExp('\\b' + w + '\\b'));
		if (i >= 0) { e.focus(); e.setSelectionRange(i, i + w.length); }
		return i;
	})(`+flowQuote(oldWord)+`)`)
	if at < 0 {
		t.Fatalf("the vision's text has no word %q: %q", oldWord, eval[string](tb, `(document.getElementById('f-body') || {}).value`))
	}
	tb.do("type the new word over the old", chromedp.KeyEvent(newWord))
	body := eval[string](tb, `document.getElementById('f-body').value`)
	if !strings.Contains(body, " "+newWord+" ") || strings.Contains(body, " "+oldWord+" ") {
		t.Fatalf("after typing, the vision's text is %q", body)
	}
	resp := tb.load("save the vision", chromedp.Click(chromedp.CSS(`form[action="/orter/sparreholm/vision/redigera"] button[type=submit]`)))
	if resp.Status != 200 || !eval[bool](tb, `!!document.querySelector('.notice[role=status]')`) {
		t.Fatalf("saving the vision gave status %d at %s with no saved notice", resp.Status, eval[string](tb, "location.href"))
	}

	// The adoption of the vision shows what was added to the draft.
	tb.load("open the history", chromedp.Navigate(s.URL+"/orter/sparreholm/historik"))
	adopted := `[...document.querySelectorAll('ol.history a')].find(a => a.textContent.includes('Visionen fastställdes'))`
	if !eval[bool](tb, `!!`+adopted) {
		t.Fatalf("the history has no link with %q", "Visionen fastställdes")
	}
	tb.load("follow Visionen fastställdes", chromedp.Click(chromedp.JSPath(adopted)))
	if !regexp.MustCompile(`^/orter/sparreholm/historik/\d+$`).MatchString(eval[string](tb, "location.pathname")) {
		t.Fatalf("the link went to %s", eval[string](tb, "location.href"))
	}
	if ins, _ := flowCheckDiffMarks(tb, "the adopted vision"); ins == 0 {
		t.Errorf("the diff of the adopted vision against its draft has no .diff ins")
	}

	// The newest version of the vision shows the replaced word.
	tb.load("open the history again", chromedp.Navigate(s.URL+"/orter/sparreholm/historik"))
	newest := `[...document.querySelectorAll('ol.history a')].find(a => a.textContent.trim().startsWith('Visionen'))`
	if got := eval[string](tb, `(`+newest+` || {}).textContent || ''`); !strings.HasPrefix(got, "Visionen ändrades") {
		t.Fatalf("the newest change of the vision in the history is %q, want %q", got, "Visionen ändrades")
	}
	tb.load("open the newest version of the vision", chromedp.Click(chromedp.JSPath(newest)))
	newestPath := eval[string](tb, "location.pathname")
	flowCheckDiffMarks(tb, "the edited vision")
	var insWords, delWords, blank []string
	for _, m := range eval[[]flowDiffMark](tb, flowDiffMarksJS) {
		switch {
		case strings.TrimSpace(m.Text) == "":
			blank = append(blank, m.Tag)
		case m.Tag == "ins":
			insWords = append(insWords, m.Text)
		default:
			delWords = append(delWords, m.Text)
		}
	}
	if len(insWords) != 1 || len(delWords) != 1 || strings.TrimSpace(insWords[0]) != newWord || strings.TrimSpace(delWords[0]) != oldWord {
		t.Errorf("the diff of the edit adds %q and removes %q, want it to add %q and remove %q", insWords, delWords, newWord, oldWord)
	}
	if len(blank) > 0 {
		// The browser sends textarea lines with CRLF; the site turns them into
		// LF, so an edit must not mark line breaks as changed.
		t.Errorf("the diff of the edit also marks %d changes of white space only: %v", len(blank), blank)
	}
	if stats := eval[string](tb, `([...document.querySelectorAll('main p')].find(p => p.textContent.includes('Tillagda ord')) || {}).textContent || ''`); !strings.Contains(stats, "Tillagda ord: 1. Borttagna ord: 1.") {
		t.Errorf("the summary of the diff is %q, want 1 word added and 1 removed", stats)
	}

	// Compare with another, older version through the select and its button.
	type option struct {
		Value    string `json:"value"`
		Text     string `json:"text"`
		Selected bool   `json:"selected"`
	}
	if label := eval[string](tb, `(document.querySelector('label[for=f-jamfor]') || {}).textContent || ''`); label != "Jämför med versionen från" {
		t.Errorf("the select of versions has the label %q, want %q", label, "Jämför med versionen från")
	}
	opts := eval[[]option](tb, `[...document.querySelectorAll('#f-jamfor option')].map(o => ({value: o.value, text: o.textContent, selected: o.selected}))`)
	if len(opts) < 2 {
		t.Fatalf("the select of versions has %d options, want at least the adopted version and the draft: %v", len(opts), opts)
	}
	if !opts[0].Selected {
		t.Errorf("the select starts at %v, want the version just before, %v", opts, opts[0])
	}
	other := opts[len(opts)-1] // the oldest: the first draft
	diffBefore := eval[string](tb, `document.querySelector('.diff').textContent`)
	tb.do("choose the oldest version", chromedp.SetValue(chromedp.ID("f-jamfor"), other.Value))
	resp = tb.load("press Jämför", chromedp.Click(chromedp.CSS(`form[action="`+newestPath+`"] button[type=submit]`)))
	if resp.Status != 200 {
		t.Errorf("comparing with %s gave status %d", other.Text, resp.Status)
	}
	if got := eval[string](tb, "location.pathname + location.search"); got != newestPath+"?jamfor="+other.Value {
		t.Errorf("after Jämför the address is %s, want %s?jamfor=%s", got, newestPath, other.Value)
	}
	if got := eval[string](tb, `document.getElementById('f-jamfor').value`); got != other.Value {
		t.Errorf("after Jämför the select shows %q, want the chosen %q", got, other.Value)
	}
	if diffAfter := eval[string](tb, `document.querySelector('.diff').textContent`); diffAfter == diffBefore {
		t.Errorf("the diff against %s is the same as against the version before", other.Text)
	}
	// The draft's words all stand in the edited text, so only insertions show.
	if ins, del := flowCheckDiffMarks(tb, "the edited vision against the draft"); ins == 0 || del != 0 {
		t.Errorf("the diff against the draft has %d ins and %d del, want insertions only", ins, del)
	}
	flowNoProblems(tb)
}

// TestFlowRegistration signs a visitor up for a meeting on a phone, with a
// mistake first, confirms through the link of the e-mail, and cancels
// through the link of the same e-mail.
func TestFlowRegistration(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	// The calendar leads to the meeting.
	meeting := fmt.Sprintf("/moten/%d", s.MeetingID)
	tb.load("open the calendar", chromedp.Navigate(s.URL+"/kalender"))
	if !eval[bool](tb, `!!document.querySelector('main a[href="`+meeting+`"]')`) {
		t.Fatalf("the calendar has no link to the upcoming meeting %s", meeting)
	}
	tb.load("follow the meeting's link", chromedp.Click(chromedp.CSS(`main a[href="`+meeting+`"]`)))
	if !eval[bool](tb, `!!document.querySelector('form[action^="`+meeting+`/anmalan"]')`) {
		t.Fatalf("%s has no registration form", meeting)
	}
	submit := chromedp.CSS(`form[action^="` + meeting + `/anmalan"] button[type=submit]`)

	// Sent empty, the form comes back with an error summary that links to the fields.
	resp := tb.load("send the form empty", chromedp.Click(submit))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("the empty form gave status %d, want 400", resp.Status)
	}
	summary := eval[[]string](tb, `[...document.querySelectorAll('.error-summary[role=alert] a')].map(a => a.getAttribute('href'))`)
	if len(summary) == 0 {
		t.Fatalf("the empty form shows no error summary with links")
	}
	t.Logf("the error summary links to %v", summary)
	if !strings.HasPrefix(summary[0], "#") || !eval[bool](tb, `!!document.getElementById(`+flowQuote(strings.TrimPrefix(summary[0], "#"))+`)`) {
		t.Errorf("the first link of the error summary points to %q, which is no element of the page", summary[0])
	}
	for _, id := range []string{"f-name", "f-email"} {
		if !eval[bool](tb, `document.getElementById('`+id+`').getAttribute('aria-invalid') === 'true' && !!document.getElementById('`+id+`-error')`) {
			t.Errorf("after the empty form #%s is not marked invalid with a message", id)
		}
	}
	flowNoSideScroll(tb, "the registration form with errors at 320 CSS pixels")

	// With only the e-mail address wrong, the rest stays as typed.
	const name, badEmail, email, people, needs = "Åsa Öberg", "asa.oberg(at)ortsplan.example", "asa.oberg@ortsplan.example", "3", "Hörslinga och glutenfritt"
	tb.do("fill in the form", chromedp.SendKeys(chromedp.ID("f-name"), name), chromedp.SendKeys(chromedp.ID("f-email"), badEmail))
	flowReplace(tb, "f-people", people)
	tb.do("type the needs", chromedp.SendKeys(chromedp.ID("f-needs"), needs))
	resp = tb.load("send the form with a wrong e-mail address", chromedp.Click(submit))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("the form with a wrong e-mail address gave status %d, want 400", resp.Status)
	}
	if got := eval[[]string](tb, `[...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href'))`); len(got) != 1 || got[0] != "#f-email" {
		t.Errorf("with only the e-mail address wrong the error summary links to %v, want [#f-email]", got)
	}
	kept := eval[map[string]string](tb, `Object.fromEntries(['f-name', 'f-email', 'f-people', 'f-needs'].map(id => [id, document.getElementById(id).value]))`)
	for id, want := range map[string]string{"f-name": name, "f-email": badEmail, "f-people": people, "f-needs": needs} {
		if kept[id] != want {
			t.Errorf("after the wrong e-mail address #%s holds %q, want what was typed, %q", id, kept[id], want)
		}
	}

	// Corrected, the registration goes through.
	flowReplace(tb, "f-email", email)
	resp = tb.load("send the corrected form", chromedp.Click(submit))
	if resp.Status != 200 {
		t.Fatalf("the corrected form gave status %d", resp.Status)
	}
	if got := partPath(tb); got != meeting+"/anmald" {
		t.Errorf("after registering the address is %s, want %s/anmald", got, meeting)
	}
	notice := eval[string](tb, `(document.querySelector('main .notice[role=status]') || {}).textContent || ''`)
	if !strings.Contains(notice, "bekräfta anmälan inom 48 timmar") {
		t.Errorf("after registering the page shows the notice %q, want one with %q (page %s)", notice, "bekräfta anmälan inom 48 timmar", eval[string](tb, "location.href"))
	}
	flowNoSideScroll(tb, "the page after registering, at 320 CSS pixels")

	// The e-mail waits in the outbox, with a link to confirm and one to cancel.
	staff := newTab(t, browser)
	staff.logIn(s.URL, s.Admin)
	staff.load("open the outbox", chromedp.Navigate(s.URL+"/admin/utkorg"))
	row := `[...document.querySelectorAll('#outbox-caption ~ tbody tr')].find(tr => tr.textContent.includes(` + flowQuote(email) + `))`
	if !eval[bool](staff, `!!`+row) {
		t.Fatalf("the outbox has no message to %s", email)
	}
	staff.load("open the e-mail", chromedp.Click(chromedp.JSPath(row+`.querySelector('a')`)))
	text := eval[string](staff, `(document.querySelector('pre.mail-text') || {}).textContent || ''`)
	confirm := regexp.MustCompile(regexp.QuoteMeta(s.URL) + `/anmalan/[A-Za-z0-9_-]+/bekrafta`).FindString(text)
	if confirm == "" {
		t.Fatalf("the e-mail has no link %s/anmalan/<token>/bekrafta:\n%s", s.URL, text)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(s.URL) + `/anmalan/[A-Za-z0-9_-]+\n`).FindString(text)
	link = strings.TrimSpace(link)
	if link == "" || link+"/bekrafta" != confirm {
		t.Fatalf("the e-mail has no cancel link %s/anmalan/<token> with the confirm link's token:\n%s", s.URL, text)
	}
	if !strings.Contains(text, name) {
		t.Errorf("the confirmation does not greet %s:\n%s", name, text)
	}
	if !strings.Contains(text, needs) {
		t.Errorf("the confirmation does not repeat the needs %q that were sent:\n%s", needs, text)
	}
	reg, m, err := s.db.FindRegistrationByToken(context.Background(), link[strings.LastIndex(link, "/")+1:])
	if err != nil {
		t.Fatalf("the cancel link %s finds no registration: %v", link, err)
	}
	if m.ID != s.MeetingID || reg.Email != email || reg.Name != name || fmt.Sprint(reg.People) != people || reg.Needs != needs {
		t.Errorf("the cancel link is for %s <%s>, %d people, needs %q, at meeting %d; want %s <%s>, %s, %q at %d",
			reg.Name, reg.Email, reg.People, reg.Needs, m.ID, name, email, people, needs, s.MeetingID)
	}

	// Until it is confirmed, the registration holds no place.
	if got, _ := s.db.FindMeeting(context.Background(), s.MeetingID); got.Registered != 2 {
		t.Errorf("before confirming the meeting counts %d people, want the 2 confirmed before", got.Registered)
	}

	// The confirm link asks first and confirms on the button.
	tb.load("open the confirm link", chromedp.Navigate(confirm))
	if !strings.Contains(eval[string](tb, `document.querySelector('main').textContent`), name) {
		t.Errorf("the confirm page does not name %s", name)
	}
	if got, _ := s.db.FindMeeting(context.Background(), s.MeetingID); got.Registered != 2 {
		t.Errorf("opening the confirm link confirmed by itself: %d people", got.Registered)
	}
	flowNoSideScroll(tb, "the confirm page at 320 CSS pixels")
	resp = tb.load("press the confirm button", chromedp.Click(chromedp.CSS(`form[action$="/bekrafta"] button[type=submit]`)))
	if resp.Status != 200 {
		t.Errorf("confirming gave status %d", resp.Status)
	}
	if got := eval[string](tb, `(document.querySelector('.notice[role=status]') || {}).textContent || ''`); !strings.Contains(got, "du har en plats") {
		t.Errorf("after confirming the page shows %q, want a notice with %q", got, "du har en plats")
	}
	if got, _ := s.db.FindMeeting(context.Background(), s.MeetingID); got.Registered != 5 {
		t.Errorf("after confirming the meeting counts %d people, want 2 + %s", got.Registered, people)
	}
	flowNoProblems(tb, meeting+"/anmalan")

	// Staff see the registration as confirmed.
	staff.load("open the meeting as staff", chromedp.Navigate(s.URL+meeting))
	stateOf := `(() => { const th = [...document.querySelectorAll('#regs-caption ~ tbody th')].find(th => th.textContent === ` + flowQuote(name) + `);
		return th ? th.parentElement.lastElementChild.textContent : ''; })()`
	if state := eval[string](staff, stateOf); state != "Bekräftad" {
		t.Errorf("staff see the registration of %s as %q, want %q", name, state, "Bekräftad")
	}

	// The cancel link asks first and cancels on the button.
	tb.load("open the cancel link", chromedp.Navigate(link))
	if !strings.Contains(eval[string](tb, `document.querySelector('main').textContent`), name) {
		t.Errorf("the cancel page does not name %s", name)
	}
	tb.load("press the cancel button", chromedp.Click(chromedp.CSS(`form[action^="/anmalan/"] button[type=submit]`)))
	if got := eval[string](tb, `(document.querySelector('.notice[role=status]') || {}).textContent || ''`); !strings.Contains(got, "avbokad") {
		t.Errorf("after cancelling the page shows %q, want a notice with %q", got, "avbokad")
	}
	flowNoSideScroll(tb, "the cancelled registration at 320 CSS pixels")

	// Staff see the registration as cancelled.
	staff.load("open the meeting as staff again", chromedp.Navigate(s.URL+meeting))
	if state := eval[string](staff, stateOf); state != "Avbokad" {
		t.Errorf("staff see the registration of %s as %q, want %q", name, state, "Avbokad")
	}
	flowNoProblems(tb, meeting+"/anmalan")
	flowNoProblems(staff)
}

// flowPhoto is an image of the photo grid, as the browser loaded it.
type flowPhoto struct {
	Alt          string   `json:"alt"`
	Complete     bool     `json:"complete"`
	NaturalWidth int      `json:"naturalWidth"`
	CurrentSrc   string   `json:"currentSrc"`
	Srcset       []string `json:"srcset"`
}

// TestFlowUpload uploads a photo to a held meeting as an administrator, and
// then a text file that claims to be a photo.
func TestFlowUpload(t *testing.T) {
	s := startFlowSite(t)
	dir := t.TempDir()
	jpeg := filepath.Join(dir, "stormote.jpg")
	if err := os.WriteFile(jpeg, media.Generate(3, 1200, 800), 0o600); err != nil {
		t.Fatal(err)
	}
	fake := filepath.Join(t.TempDir(), "photo.jpg")
	if err := os.WriteFile(fake, []byte("Det här är ingen bild, bara text med fel filändelse.\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tb := newTab(t, startBrowser(t))
	tb.logIn(s.URL, s.Admin)
	meeting := fmt.Sprintf("/moten/%d", s.HeldID)
	tb.load("open the held meeting", chromedp.Navigate(s.URL+meeting))
	upload := `form[enctype="multipart/form-data"]`
	if !eval[bool](tb, `!!document.querySelector('`+upload+`')`) {
		t.Fatalf("%s has no upload form", meeting)
	}
	before := eval[int](tb, `document.querySelectorAll('.photo-grid img').length`)

	const alt = "Deltagare vid stormötet samlade kring en karta över Sparreholm"
	tb.do("choose the photo", chromedp.SetUploadFiles(chromedp.ID("f-upload_file"), []string{jpeg}))
	tb.do("type the alt text", chromedp.SendKeys(chromedp.ID("f-upload_alt"), alt))
	resp := tb.load("upload the photo", chromedp.Click(chromedp.CSS(upload+` button[type=submit]`)))
	if resp.Status != 200 {
		t.Fatalf("uploading the photo gave status %d at %s", resp.Status, eval[string](tb, "location.href"))
	}
	if got := eval[string](tb, `(document.querySelector('#filer ~ .notice[role=status]') || {}).textContent || ''`); !strings.Contains(got, "uppladdad") {
		t.Errorf("after the upload the page shows %q, want the notice that the file is uploaded", got)
	}
	if n := eval[int](tb, `document.querySelectorAll('.photo-grid img').length`); n != before+1 {
		t.Fatalf("after the upload the meeting has %d photos, want %d", n, before+1)
	}
	img := `[...document.querySelectorAll('.photo-grid img')].find(i => i.alt === ` + flowQuote(alt) + `)`
	if !eval[bool](tb, `!!`+img) {
		t.Fatalf("no photo of the grid has the alt text %q", alt)
	}
	// The photo loads lazily: bring it into view and wait for it.
	tb.do("scroll to the photo", chromedp.ScrollIntoView(chromedp.JSPath(img)))
	tb.poll("load the photo", `(() => { const i = `+img+`; return i.complete && i.naturalWidth > 0; })()`)
	p := eval[flowPhoto](tb, `(() => { const i = `+img+`; return {alt: i.alt, complete: i.complete, naturalWidth: i.naturalWidth,
		currentSrc: i.currentSrc, srcset: i.getAttribute('srcset').split(',').map(c => new URL(c.trim().split(/\s+/)[0], location.href).href)}; })()`)
	if !strings.Contains(" "+strings.Join(p.Srcset, " ")+" ", " "+p.CurrentSrc+" ") {
		t.Errorf("the photo shows %s, which is not one of its srcset %v", p.CurrentSrc, p.Srcset)
	}
	t.Logf("the photo loaded %s, %d pixels wide", p.CurrentSrc, p.NaturalWidth)

	// A text file named photo.jpg is refused at the file field, and the alt
	// text stays.
	const alt2 = "En bild som egentligen är text"
	tb.do("choose the text file", chromedp.SetUploadFiles(chromedp.ID("f-upload_file"), []string{fake}))
	tb.do("type the alt text", chromedp.SendKeys(chromedp.ID("f-upload_alt"), alt2))
	resp = tb.load("upload the text file", chromedp.Click(chromedp.CSS(upload+` button[type=submit]`)))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("uploading a text file gave status %d, want 400", resp.Status)
	}
	field := eval[struct {
		Error       string `json:"error"`
		Invalid     string `json:"invalid"`
		DescribedBy string `json:"describedBy"`
	}](tb, `(() => { const e = document.getElementById('f-upload_file-error'), f = document.getElementById('f-upload_file');
		return {error: e ? e.textContent.trim() : '', invalid: f.getAttribute('aria-invalid') || '', describedBy: f.getAttribute('aria-describedby') || ''}; })()`)
	if field.Error == "" {
		t.Errorf("the text file gave no error at the file field #f-upload_file-error")
	}
	if field.Invalid != "true" || !strings.Contains(field.DescribedBy, "f-upload_file-error") {
		t.Errorf("the file field has aria-invalid %q and aria-describedby %q; want it marked invalid and described by its error",
			field.Invalid, field.DescribedBy)
	}
	t.Logf("the file field says %q", field.Error)
	if got := eval[string](tb, `document.getElementById('f-upload_alt').value`); got != alt2 {
		t.Errorf("after the refused upload the alt text is %q, want what was typed, %q", got, alt2)
	}
	if n := eval[int](tb, `document.querySelectorAll('.photo-grid img').length`); n != before+1 {
		t.Errorf("after the refused upload the meeting shows %d photos, want %d", n, before+1)
	}
	files, err := s.db.MeetingFiles(sqltest.System(), s.HeldID)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != before+1 {
		t.Errorf("the database has %d files for the meeting, want %d", len(files), before+1)
	}
	flowNoProblems(tb, meeting+"/filer")
}
