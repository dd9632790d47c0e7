package e2e

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
)

// The participation flows follow a visitor from "Vill du vara med?" to a
// working group, and a resident's idea from the login link to the official
// answer, each with staff handling it in a second tab.

// partFocus moves the focus to the element with this id, as a person does by
// tabbing or clicking there, and fails the test if it does not take it.
func partFocus(tb tab, id string) {
	tb.t.Helper()
	msg := eval[string](tb, `((id) => {
		const e = document.getElementById(id);
		if (!e) return 'no element #' + id;
		e.scrollIntoView({block: 'center'});
		e.focus();
		return document.activeElement === e ? '' : '#' + id + ' did not take the focus';
	})(`+flowQuote(id)+`)`)
	if msg != "" {
		tb.t.Fatal(msg)
	}
}

// partChoice is where a select stands and where the option wanted is.
type partChoice struct {
	From    int      `json:"from"`
	To      int      `json:"to"`
	Options []string `json:"options"`
}

// partChoose chooses the option with the text label in the select with this
// id with the arrow keys, as a person does with the keyboard, and returns the
// chosen option's value.
func partChoose(tb tab, id, label string) string {
	tb.t.Helper()
	partFocus(tb, id)
	c := eval[partChoice](tb, `((id, label) => {
		const e = document.getElementById(id), opts = [...e.options].map(o => o.textContent.trim());
		return {from: e.selectedIndex, to: opts.indexOf(label), options: opts};
	})(`+flowQuote(id)+`, `+flowQuote(label)+`)`)
	if c.To < 0 {
		tb.t.Fatalf("the select #%s has no option %q, only %q", id, label, c.Options)
	}
	key, n := kb.ArrowDown, c.To-c.From
	if n < 0 {
		key, n = kb.ArrowUp, -n
	}
	for range n {
		tb.do(fmt.Sprintf("press an arrow key in #%s", id), chromedp.KeyEvent(key))
	}
	got := eval[[]string](tb, `((e) => [e.options[e.selectedIndex].textContent.trim(), e.value])(document.getElementById(`+flowQuote(id)+`))`)
	if got[0] != label {
		tb.t.Fatalf("after %d arrow presses the select #%s shows %q, want %q", n, id, got[0], label)
	}
	return got[1]
}

// partText is the text content of the first element that matches the CSS
// selector, or "" when there is none.
func partText(tb tab, selector string) string {
	tb.t.Helper()
	return eval[string](tb, `((document.querySelector(`+flowQuote(selector)+`) || {}).textContent || '').trim()`)
}

// partFacts reads the dt and dd pairs of the page's dl.facts.
func partFacts(tb tab) map[string]string {
	tb.t.Helper()
	return eval[map[string]string](tb, `Object.fromEntries([...document.querySelectorAll('dl.facts dt')].map(dt =>
		[dt.textContent.trim(), dt.nextElementSibling ? dt.nextElementSibling.textContent.trim() : '']))`)
}

// partPath is the tab's path and query.
func partPath(tb tab) string {
	tb.t.Helper()
	return eval[string](tb, "location.pathname + location.search")
}

// TestFlowSignUp signs a visitor up for the work in Bettna on a phone, with a
// mistake first, and lets the administrator put the person in a group, whose
// page then counts the person without the name, since the visitor did not
// agree to show it.
func TestFlowSignUp(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)
	tb.do("make the window a phone's", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	// Choose Bettna and show its contacts and the form.
	tb.load("open /var-med", chromedp.Navigate(s.URL+"/var-med"))
	if got := partText(tb, `label[for="f-valj-ort"]`); got == "" {
		t.Errorf("the locality select #f-valj-ort has no label")
	}
	partChoose(tb, "f-valj-ort", "Bettna")
	resp := tb.load("press Visa kontakter", chromedp.Click(chromedp.CSS(`main form[method=get][action^="/var-med"] button[type=submit]`)))
	if resp.Status != 200 || partPath(tb) != "/var-med?ort=bettna" {
		t.Fatalf("Visa kontakter gave status %d at %s, want /var-med?ort=bettna", resp.Status, eval[string](tb, "location.href"))
	}
	if h := partText(tb, "#form-heading"); !strings.Contains(h, "Bettna") {
		t.Errorf("the sign-up form's heading is %q, want one with Bettna", h)
	}
	if got := eval[string](tb, `document.getElementById('f-valj-ort').value`); got != "bettna" {
		t.Errorf("after Visa kontakter the locality select shows %q, want bettna", got)
	}
	form := `main form[method=post][action^="/var-med"]`
	if !eval[bool](tb, `!!document.querySelector(`+flowQuote(form)+`)`) {
		t.Fatalf("/var-med?ort=bettna has no sign-up form %s", form)
	}
	submit := chromedp.CSS(form + ` button[type=submit]`)
	flowNoSideScroll(tb, "/var-med?ort=bettna at 320 CSS pixels")

	// Sent with only a name and a message, the form says what is missing and
	// keeps what was typed.
	const name, message, phone = "Signe Östlund", "Jag kan hjälpa till med belysningen vid korsningen.", "070-123 45 67"
	tb.do("type the name", chromedp.SendKeys(chromedp.ID("f-name"), name))
	tb.do("type the message", chromedp.SendKeys(chromedp.ID("f-message"), message))
	resp = tb.load("send the form with only a name", chromedp.Click(submit))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("the form with only a name gave status %d, want 400", resp.Status)
	}
	summary := eval[[]string](tb, `[...document.querySelectorAll('.error-summary[role=alert] a')].map(a => a.getAttribute('href'))`)
	t.Logf("the error summary links to %v", summary)
	for _, want := range []string{"#f-email", "#f-consent"} {
		if !slices.Contains(summary, want) {
			t.Errorf("the error summary links to %v, want a link to %s", summary, want)
		}
	}
	if slices.Contains(summary, "#f-name") {
		t.Errorf("the error summary links to the name, which was given: %v", summary)
	}
	for _, href := range summary {
		id, ok := strings.CutPrefix(href, "#")
		if !ok || !eval[bool](tb, `(e => !!e && e.getBoundingClientRect().width > 0)(document.getElementById(`+flowQuote(id)+`))`) {
			t.Errorf("the error summary links to %q, which is no visible element of the page", href)
		}
	}
	for _, id := range []string{"f-email", "f-consent"} {
		if !eval[bool](tb, `document.getElementById('`+id+`').getAttribute('aria-invalid') === 'true' && !!document.getElementById('`+id+`-error')`) {
			t.Errorf("after the form with only a name #%s is not marked invalid with a message #%s-error", id, id)
		}
	}
	kept := eval[map[string]string](tb, `Object.fromEntries(['f-name', 'f-message'].map(id => [id, document.getElementById(id).value]))`)
	if kept["f-name"] != name || kept["f-message"] != message {
		t.Errorf("after the refused form the name is %q and the message %q, want what was typed, %q and %q",
			kept["f-name"], kept["f-message"], name, message)
	}
	if got := eval[string](tb, `(document.querySelector('`+form+` input[name=ort]') || {}).value || ''`); got != "bettna" {
		t.Errorf("after the refused form the sign-up is for %q, want bettna", got)
	}
	flowNoSideScroll(tb, "the sign-up form with errors at 320 CSS pixels")

	// A phone number, an interest, an age group and the consent.
	tb.do("type the phone number", chromedp.SendKeys(chromedp.ID("f-phone"), phone))
	interest := eval[struct {
		ID    string `json:"id"`
		Value string `json:"value"`
		Label string `json:"label"`
	}](tb, `(() => { const i = document.querySelector('`+form+` input[name=interests][value^="group:"]');
		return i ? {id: i.id, value: i.value, label: document.querySelector('label[for="' + i.id + '"]').textContent.trim()} : {}; })()`)
	if interest.ID == "" {
		t.Fatalf("the sign-up form for Bettna has no group to be interested in")
	}
	groupSlug := strings.TrimPrefix(interest.Value, "group:")
	tb.do("tick the interest "+interest.Label, chromedp.Click(chromedp.CSS(`label[for="`+interest.ID+`"]`)))
	if !eval[bool](tb, `document.getElementById(`+flowQuote(interest.ID)+`).checked`) {
		t.Fatalf("clicking the label %q did not tick its box", interest.Label)
	}
	if age := partChoose(tb, "f-age_group", "30–49 år"); age != "30-49" {
		t.Errorf("the age group 30–49 år has the value %q, want 30-49", age)
	}
	partFocus(tb, "f-consent")
	tb.do("press Space on the consent box", chromedp.KeyEvent(" "))
	if !eval[bool](tb, `document.getElementById('f-consent').checked`) {
		t.Fatalf("Space on the consent box did not tick it")
	}
	if eval[bool](tb, `document.getElementById('f-show_name').checked`) {
		t.Fatalf("the box that lets the name show is ticked, but nobody ticked it")
	}
	resp = tb.load("send the completed form", chromedp.Click(submit))
	if resp.Status != 200 {
		t.Fatalf("the completed form gave status %d at %s", resp.Status, eval[string](tb, "location.href"))
	}
	// The sign-up ends on a page of its own (post, redirect, get) that says
	// what was sent, to whom and by when, with no form to send again.
	if got := partPath(tb); got != "/var-med/tack" {
		t.Errorf("after the sign-up the address is %s, want /var-med/tack", got)
	}
	if notice := partText(tb, `main .notice[role=status]`); !strings.Contains(notice, "Tack") || !strings.Contains(notice, "Bettna") ||
		!strings.Contains(notice, "senast") {
		t.Errorf("after the sign-up the page shows the notice %q, want the thanks for Bettna and by when someone answers", notice)
	}
	if eval[bool](tb, `!!document.querySelector('main form[method=post]')`) {
		t.Errorf("the page after the sign-up holds a form to send again")
	}
	sent := partText(tb, `main dl.facts`)
	for _, want := range []string{name, phone, message, interest.Label, "30–49 år"} {
		if !strings.Contains(sent, want) {
			t.Errorf("the page after the sign-up does not repeat %q: %q", want, sent)
		}
	}
	if !eval[bool](tb, `!!document.querySelector('main a[href="/kalender"], main a[href^="/moten/"]')`) {
		t.Errorf("the page after the sign-up leads to no meeting")
	}
	flowNoSideScroll(tb, "the thanks for the sign-up at 320 CSS pixels")
	// Reloaded, it sends nothing again.
	var before int
	if err := s.db.SQL().QueryRow("SELECT COUNT(*) FROM signups WHERE name = $1", name).Scan(&before); err != nil || before != 1 {
		t.Fatalf("%d sign-ups stored (%v), want 1", before, err)
	}
	tb.load("reload the page after the sign-up", chromedp.Reload())
	var after int
	if err := s.db.SQL().QueryRow("SELECT COUNT(*) FROM signups WHERE name = $1", name).Scan(&after); err != nil || after != 1 {
		t.Fatalf("after a reload %d sign-ups are stored (%v), want 1", after, err)
	}

	// The group counts its members before the person joins.
	groupPath := "/orter/bettna/arbetsgrupper/" + groupSlug
	tb.load("open the group's page", chromedp.Navigate(s.URL+groupPath))
	countBefore := partText(tb, "#members-heading ~ p.meta")

	// The administrator finds the sign-up under Bettna.
	staff := newTab(t, browser)
	staff.logIn(s.URL, s.Admin)
	staff.load("open the sign-ups", chromedp.Navigate(s.URL+"/admin/anmalningar"))
	row := `[...document.querySelectorAll('#signups-caption ~ tbody tr')].find(tr => (tr.querySelector('th') || {}).textContent === ` + flowQuote(name) + `)`
	cells := eval[[]string](staff, `(r => r ? [...r.querySelectorAll('td')].map(td => td.textContent.trim()) : [])(`+row+`)`)
	if len(cells) < 3 {
		t.Fatalf("the sign-ups do not list %s", name)
	}
	if cells[0] != "Bettna" || cells[2] != "Ny" {
		t.Errorf("the sign-up of %s is listed under %q with the status %q, want Bettna and Ny", name, cells[0], cells[2])
	}
	staff.load("open the sign-up", chromedp.Click(chromedp.JSPath(row+`.querySelector('th a')`)))
	detail := eval[string](staff, "location.pathname")
	if !regexp.MustCompile(`^/admin/anmalningar/\d+$`).MatchString(detail) {
		t.Fatalf("the sign-up's link went to %s", detail)
	}
	facts := partFacts(staff)
	for dt, want := range map[string]string{"Ort": "Bettna", "Telefonnummer": phone, "Vad är du intresserad av?": interest.Label,
		"Åldersgrupp": "30–49 år", "Namnet får visas": "Nej"} {
		if facts[dt] != want {
			t.Errorf("the sign-up shows %s %q, want %q", dt, facts[dt], want)
		}
	}
	if _, ok := facts["E-postadress"]; ok {
		t.Errorf("the sign-up shows an e-mail address %q, but none was given", facts["E-postadress"])
	}
	if got := partText(staff, "main .mail-text"); got != message {
		t.Errorf("the sign-up shows the message %q, want %q", got, message)
	}

	// Put the person in the group of the interest.
	partChoose(staff, "f-status", "Med i en grupp")
	partChoose(staff, "f-group", interest.Label)
	resp = staff.load("save the handling", chromedp.Click(chromedp.CSS(`form[action="`+detail+`"] button[type=submit]`)))
	if resp.Status != 200 || partPath(staff) != detail+"?sparat=1" {
		t.Fatalf("saving the sign-up gave status %d at %s, want %s?sparat=1", resp.Status, partPath(staff), detail)
	}
	if got := partText(staff, "main .notice[role=status]"); !strings.Contains(got, "sparade") {
		t.Errorf("after saving the sign-up the page shows %q, want the saved notice", got)
	}
	if got := eval[[]string](staff, `['f-status', 'f-group'].map(id => (s => s.options[s.selectedIndex].textContent.trim())(document.getElementById(id)))`); got[0] != "Med i en grupp" || got[1] != interest.Label {
		t.Errorf("after saving the selects show %q, want [Med i en grupp %s]", got, interest.Label)
	}
	staff.load("open the sign-ups again", chromedp.Navigate(s.URL+"/admin/anmalningar"))
	if got := eval[[]string](staff, `(r => r ? [...r.querySelectorAll('td')].map(td => td.textContent.trim()) : [])(`+row+`)`); len(got) < 3 || got[2] != "Med i en grupp: "+interest.Label {
		t.Errorf("the sign-ups list %s as %q, want %q", name, got, "Med i en grupp: "+interest.Label)
	}

	// The group has one member more, and does not show the name.
	tb.load("open the group's page again", chromedp.Navigate(s.URL+groupPath))
	countAfter := partText(tb, "#members-heading ~ p.meta")
	t.Logf("the group %s said %q and now says %q", groupPath, countBefore, countAfter)
	if countAfter == countBefore {
		t.Errorf("the group's member count did not change after %s joined: %q", name, countAfter)
	}
	if main := partText(tb, "main"); strings.Contains(main, name) || strings.Contains(main, "Östlund") {
		t.Errorf("the group page %s shows the name %s, who did not agree to show it", groupPath, name)
	}
	flowNoSideScroll(tb, groupPath+" at 320 CSS pixels")
	flowNoProblems(tb, "/var-med")
	flowNoProblems(staff)
}

// TestFlowIdea logs a resident in with the link of the login mail, proposes
// an idea, supports it and comments on it; the administrator answers that it
// is not relevant, first without the required reason; and a visitor reads
// the answer.
func TestFlowIdea(t *testing.T) {
	s := startFlowSite(t)
	browser := startBrowser(t)
	tb := newTab(t, browser)

	// Ask for a login link as a new resident of Sparreholm.
	const mailbox, displayName = "ingrid.iderik@ortsplan.example", "Ingrid i Sparreholm"
	tb.load("open the resident login", chromedp.Navigate(s.URL+"/logga-in/boende"))
	tb.do("type the e-mail address", chromedp.SendKeys(chromedp.ID("f-email"), mailbox))
	tb.do("type the display name", chromedp.SendKeys(chromedp.ID("f-name"), displayName))
	partChoose(tb, "f-locality", "Sparreholm")
	resp := tb.load("ask for a login link", chromedp.Click(chromedp.CSS(`form[action="/logga-in/boende"] button[type=submit]`)))
	if resp.Status != 200 {
		t.Fatalf("asking for a login link gave status %d", resp.Status)
	}
	if got := partText(tb, "main .notice[role=status]"); got == "" {
		t.Errorf("after asking for a login link the page shows no notice that the link is sent")
	}

	// The link waits in the outbox.
	msgs, err := s.db.ListMessages(sqltest.System(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	for _, m := range msgs { // the newest first
		if m.To == mailbox {
			text = m.Text
			break
		}
	}
	if text == "" {
		t.Fatalf("the outbox has no message to %s", mailbox)
	}
	link := regexp.MustCompile(`\S+/inloggning/[A-Za-z0-9_-]+`).FindString(text)
	if !strings.HasPrefix(link, s.URL+"/inloggning/") {
		t.Fatalf("the login mail has no link %s/inloggning/<token>:\n%s", s.URL, text)
	}
	token := link[strings.LastIndex(link, "/")+1:]

	// The link asks first, and logs in on the button.
	tb.load("open the login link", chromedp.Navigate(link))
	if eval[bool](tb, `!!document.querySelector('form[action="/logga-ut/boende"]')`) {
		t.Errorf("opening the login link logged in before the button was pressed")
	}
	button := `form[action="/inloggning/` + token + `"] button[type=submit]`
	if got := partText(tb, button); got != "Logga in" {
		t.Errorf("the login link's button says %q, want Logga in", got)
	}
	resp = tb.load("press Logga in", chromedp.Click(chromedp.CSS(button)))
	if resp.Status != 200 || partPath(tb) != "/orter/sparreholm/ideer" {
		t.Fatalf("Logga in gave status %d at %s, want /orter/sparreholm/ideer", resp.Status, partPath(tb))
	}
	if !eval[bool](tb, `!!document.querySelector('form[action="/logga-ut/boende"] button')`) {
		t.Fatalf("after Logga in the page has no button to log out")
	}

	// Propose an idea.
	const title, body = "Laddstolpar vid Sparreholms station", "Många pendlar med bil till tåget.\nEn laddplats vid stationen skulle göra det lättare att köra elbil."
	tb.do("type the title", chromedp.SendKeys(chromedp.ID("f-title"), title))
	tb.do("type the description", chromedp.SendKeys(chromedp.ID("f-body"), body))
	resp = tb.load("send the idea", chromedp.Click(chromedp.CSS(`form[action="/orter/sparreholm/ideer"] button[type=submit]`)))
	ideaPath := eval[string](tb, "location.pathname")
	if resp.Status != 200 || !regexp.MustCompile(`^/ideer/\d+$`).MatchString(ideaPath) {
		t.Fatalf("sending the idea gave status %d at %s, want /ideer/<id>", resp.Status, eval[string](tb, "location.href"))
	}
	if got := partText(tb, "h1"); got != title {
		t.Errorf("the idea's page has the heading %q, want %q", got, title)
	}
	// The idea's own page thanks its proposer and says what happens now.
	if got := partText(tb, "main .notice[role=status]"); !strings.Contains(got, "du får ett mejl när den har fått svar") {
		t.Errorf("after sending the idea the page says %q, want the thanks and what happens now", got)
	}
	if got := partText(tb, "main .prose"); got != body {
		t.Errorf("the idea's page shows the description %q, want %q", got, body)
	}
	if got := partText(tb, "h1 ~ p.meta"); !strings.Contains(got, displayName) {
		t.Errorf("the idea's page says %q, want it to name %s", got, displayName)
	}
	if got := partText(tb, ".answer"); !strings.Contains(got, "Ny") {
		t.Errorf("the new idea's answer box says %q, want the status Ny", got)
	}

	// Support it.
	supports := `[...document.querySelectorAll('main p')].map(p => p.textContent.trim()).find(t => /^\d+ stöd/.test(t)) || ''`
	if got := eval[string](tb, supports); !strings.HasPrefix(got, "0 stöd") {
		t.Errorf("the new idea says %q, want 0 stöd", got)
	}
	support := `form[action="` + ideaPath + `/stod"] button[type=submit]`
	if got := partText(tb, support); got != "Stöd idén" {
		t.Fatalf("the support button says %q, want Stöd idén", got)
	}
	resp = tb.load("press Stöd idén", chromedp.Click(chromedp.CSS(support)))
	if resp.Status != 200 || eval[string](tb, "location.pathname") != ideaPath {
		t.Fatalf("Stöd idén gave status %d at %s", resp.Status, eval[string](tb, "location.href"))
	}
	if got := eval[string](tb, supports); !strings.HasPrefix(got, "1 stöd") {
		t.Errorf("after Stöd idén the idea says %q, want 1 stöd", got)
	}
	if got := partText(tb, support); got != "Ta tillbaka mitt stöd" {
		t.Errorf("after Stöd idén the button says %q, want Ta tillbaka mitt stöd", got)
	}

	// Comment on it.
	const comment = "Gärna en snabbladdare också, för dem som bara stannar en stund."
	tb.do("type the comment", chromedp.SendKeys(chromedp.ID("f-comment"), comment))
	resp = tb.load("send the comment", chromedp.Click(chromedp.CSS(`form[action="`+ideaPath+`/kommentar"]:not(.reply-form) button[type=submit]`)))
	if resp.Status != 200 || eval[string](tb, "location.pathname") != ideaPath {
		t.Fatalf("sending the comment gave status %d at %s", resp.Status, eval[string](tb, "location.href"))
	}
	shown := eval[[]string](tb, `[...document.querySelectorAll('article.comment')].map(a => [...a.children].filter(e => e.matches('p')).map(p => p.textContent.trim()).join(' | '))`)
	if len(shown) != 1 || !strings.Contains(shown[0], comment) || !strings.Contains(shown[0], displayName) {
		t.Errorf("after commenting the idea shows the comments %q, want one by %s with %q", shown, displayName, comment)
	}
	flowNoProblems(tb)

	// The administrator answers that the idea is not relevant, first
	// without a reason.
	staff := newTab(t, browser)
	staff.logIn(s.URL, s.Admin)
	staff.load("open the idea as staff", chromedp.Navigate(s.URL+ideaPath))
	answer := chromedp.CSS(`form[action^="` + ideaPath + `/svar"] button[type=submit]`)
	partChoose(staff, "f-status", "Inte aktuell")
	if got := eval[string](staff, `document.getElementById('f-answer').value`); got != "" {
		t.Fatalf("the answer field holds %q, want it empty", got)
	}
	resp = staff.load("save the answer without a reason", chromedp.Click(answer))
	if resp.Status != http.StatusBadRequest {
		t.Errorf("the answer Inte aktuell without a reason gave status %d, want 400", resp.Status)
	}
	if got := partText(staff, "#f-answer-error"); got == "" {
		t.Errorf("the answer Inte aktuell without a reason shows no error at the answer field #f-answer-error")
	} else {
		t.Logf("the answer field says %q", got)
	}
	if !eval[bool](staff, `document.getElementById('f-answer').getAttribute('aria-invalid') === 'true'`) {
		t.Errorf("after the answer without a reason #f-answer is not marked invalid")
	}
	if got := eval[[]string](staff, `[...document.querySelectorAll('.error-summary a')].map(a => a.getAttribute('href'))`); !slices.Equal(got, []string{"#f-answer"}) {
		t.Errorf("the error summary of the answer links to %v, want [#f-answer]", got)
	}
	if got := eval[string](staff, `document.getElementById('f-status').value`); got != "ej_aktuell" {
		t.Errorf("after the refused answer the status select shows %q, want the chosen ej_aktuell", got)
	}
	const reason = "Kommunen äger inte marken vid stationen. Vi har skickat idén vidare till Trafikverket."
	staff.do("type the reason", chromedp.SendKeys(chromedp.ID("f-answer"), reason))
	resp = staff.load("save the answer with a reason", chromedp.Click(answer))
	if resp.Status != 200 || partPath(staff) != ideaPath+"?klart=svar" {
		t.Fatalf("the answer with a reason gave status %d at %s, want %s?klart=svar", resp.Status, partPath(staff), ideaPath)
	}
	if got := partText(staff, "main .notice[role=status]"); !strings.Contains(got, "sparat") {
		t.Errorf("after the answer the page shows %q, want the saved notice", got)
	}

	// The resident is told.
	if msgs, err = s.db.ListMessages(sqltest.System(), 5); err != nil {
		t.Fatal(err)
	}
	if i := slices.IndexFunc(msgs, func(m *ortsplan.Message) bool { return m.To == mailbox }); i < 0 || !strings.Contains(msgs[i].Text, reason) {
		t.Errorf("the outbox has no message to %s with the answer", mailbox)
	}

	// A visitor reads the answer.
	visitor := newTab(t, browser)
	visitor.load("open the idea as a visitor", chromedp.Navigate(s.URL+ideaPath))
	box := partText(visitor, ".answer")
	if !strings.Contains(box, "Inte aktuell") || !strings.Contains(box, reason) {
		t.Errorf("the visitor's answer box says %q, want Inte aktuell and %q", box, reason)
	}
	if eval[bool](visitor, `!!document.querySelector('form[action*="/svar"], form[action$="/stod"]')`) {
		t.Errorf("the visitor sees the answer form or the support button")
	}
	if got := eval[string](visitor, supports); !strings.HasPrefix(got, "1 stöd") {
		t.Errorf("the visitor sees %q, want 1 stöd", got)
	}
	flowNoProblems(staff, ideaPath+"/svar")
	flowNoProblems(visitor)
}
