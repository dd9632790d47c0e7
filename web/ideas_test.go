package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// residentBrowser logs a resident in through the real flow: the form, the
// e-mailed link, and the confirm button.
func residentBrowser(t *testing.T, s *site, email, name string) *browser {
	t.Helper()
	b := s.browser()
	loc := mustLocality(t, s.db, "bettna")
	r := b.post("/logga-in/boende", url.Values{"email": {email}, "name": {name}, "locality": {itoa(loc.ID)}})
	wantStatus(t, r, 200)
	if text(r, ".notice") == "" {
		t.Fatal("no 'check your e-mail' notice")
	}
	msgs, _ := s.db.ListMessages(sqltest.System(), 1)
	link := regexp.MustCompile(`/inloggning/[A-Za-z0-9_-]+`).FindString(msgs[0].Text)
	if msgs[0].To != email || link == "" {
		t.Fatalf("login mail: %+v", msgs[0])
	}
	r = b.get(link)
	wantStatus(t, r, 200)
	checkShell(t, r, "sv")
	wantStatus(t, b.post(link, nil), http.StatusSeeOther)
	wantStatus(t, b.post(link, nil), http.StatusBadRequest) // used once
	return b
}

func TestIdeasFlow(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		v := s.browser()
		r := v.get("/orter/bettna/ideer")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		r = v.post("/orter/bettna/ideer", url.Values{"title": {"x"}, "body": {"y"}})
		wantStatus(t, r, http.StatusUnauthorized) // a change is refused, never redirected
		if href, _ := r.Doc.Find(`main a[href^="/logga-in/boende"]`).Attr("href"); href != "/logga-in/boende?till=%2Forter%2Fbettna%2Fideer" {
			t.Fatalf("the refusal links to logging in at %q", href)
		}

		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		r = anna.post("/orter/bettna/ideer", url.Values{"title": {""}, "body": {"Det behövs en pumptrack."}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-title-error").Length() != 1 || r.Doc.Find("#f-body").Text() != "Det behövs en pumptrack." {
			t.Fatal("idea form error or input lost")
		}
		r = anna.post("/orter/bettna/ideer", url.Values{"title": {"Pumptrack vid skolan"}, "body": {"Det behövs en pumptrack."}})
		wantStatus(t, r, http.StatusSeeOther)
		// The new idea's page thanks its proposer, and no one else.
		ideaPath, done, _ := strings.Cut(r.Header.Get("Location"), "?")
		if done != "klart=ny" {
			t.Fatalf("the new idea answered %q, want its page with ?klart=ny", r.Header.Get("Location"))
		}
		if got := text(anna.get(ideaPath+"?klart=ny"), "main .notice[role=status]"); !strings.Contains(got, "Tack! Din idé är publicerad") {
			t.Errorf("the proposer is told %q", got)
		}
		if n := s.browser().get(ideaPath + "?klart=ny").Doc.Find("main .notice[role=status]").Length(); n != 0 {
			t.Errorf("a visitor is thanked for someone else's idea")
		}
		r = anna.get(ideaPath)
		checkShell(t, r, "sv")
		if !strings.Contains(r.Body, "Föreslagen av Anna") || !strings.Contains(text(r, "#answer-heading"), "Kommunens svar") {
			t.Fatal("idea page lacks author or answer box")
		}
		wantStatus(t, anna.post(ideaPath+"/stod", url.Values{"on": {"1"}}), http.StatusSeeOther)
		bo := residentBrowser(t, s, "bo@example.se", "Bo")
		wantStatus(t, bo.post(ideaPath+"/stod", url.Values{"on": {"1"}}), http.StatusSeeOther)
		wantStatus(t, bo.post(ideaPath+"/kommentar", url.Values{"comment": {"Jag hjälper gärna till."}}), http.StatusSeeOther)
		r = anna.get(ideaPath)
		if !strings.Contains(r.Body, "2 stöd") || !strings.Contains(r.Body, "Jag hjälper gärna till.") {
			t.Fatal("supports or comment not shown")
		}
		cid := r.Doc.Find("article.comment").AttrOr("id", "")
		wantStatus(t, anna.post(ideaPath+"/kommentar", url.Values{"comment": {"Tack Bo!"}, "parent": {strings.TrimPrefix(cid, "kommentar-")}}), http.StatusSeeOther)
		wantStatus(t, bo.post(ideaPath+"/stod", url.Values{"on": {"0"}}), http.StatusSeeOther)
		if r = anna.get(ideaPath); !strings.Contains(r.Body, "1 stöd") || r.Doc.Find("article.reply").Length() != 1 {
			t.Fatal("support not withdrawn or reply missing")
		}
		// Visitors may report; residents and visitors may not answer or hide.
		wantStatus(t, v.post(ideaPath+"/anmal", url.Values{"kind": {"comment"}, "target": {strings.TrimPrefix(cid, "kommentar-")}, "reason": {"Reklam"}}), http.StatusSeeOther)
		wantStatus(t, anna.post(ideaPath+"/svar", url.Values{"status": {"mottagen"}}), http.StatusUnauthorized)
		wantStatus(t, anna.post(ideaPath+"/dolj", url.Values{"kind": {"idea"}, "reason": {"x"}}), http.StatusUnauthorized)

		// Staff answer: "med i handlingsplanen" needs the action.
		s.user("bettna@example.se", ortsplan.RoleOfficial, "bettna")
		off := s.browser()
		off.login("bettna@example.se", testPassword)
		r = off.get(ideaPath)
		checkShell(t, r, "sv")
		r = off.post(ideaPath+"/svar", url.Values{"status": {"i_handlingsplanen"}, "answer": {"Vi tar med den."}, "action": {"0"}})
		wantStatus(t, r, http.StatusBadRequest)
		if r.Doc.Find("#f-action-error").Length() != 1 || r.Doc.Find("#f-answer").Text() != "Vi tar med den." {
			t.Fatal("answer errors or input lost")
		}
		p, _ := db.FindPlan(ctx, mustLocality(t, db, "bettna").ID)
		action := p.Themes[0].Actions[0]
		wantStatus(t, off.post(ideaPath+"/svar", url.Values{"status": {"i_handlingsplanen"}, "answer": {"Vi tar med den."}, "action": {itoa(action.ID)}}), http.StatusSeeOther)
		r = s.browser().get(ideaPath)
		if !strings.Contains(text(r, ".answer"), "Med i handlingsplanen") || r.Doc.Find(`.answer a[href$="#atgard-`+itoa(action.ID)+`"]`).Length() != 1 {
			t.Fatalf("answer not shown prominently with the action: %q", text(r, ".answer"))
		}
		msgs, _ := db.ListMessages(ctx, 1)
		if msgs[0].To != "anna@example.se" || !strings.Contains(msgs[0].Subject, "Pumptrack") {
			t.Fatalf("proposer not told: %+v", msgs[0])
		}
		// The report waits in the staff's list until the comment is hidden.
		r = off.get("/admin/anmalt-innehall")
		wantStatus(t, r, 200)
		checkShell(t, r, "sv")
		if !strings.Contains(r.Doc.Find("table").Text(), "Reklam") {
			t.Fatal("the report is not listed for staff")
		}
		// Hiding keeps the content and shows the reason.
		wantStatus(t, off.post(ideaPath+"/dolj", url.Values{"kind": {"comment"}, "target": {strings.TrimPrefix(cid, "kommentar-")}, "reason": {"Reklam"}}), http.StatusSeeOther)
		r = s.browser().get(ideaPath)
		if strings.Contains(r.Body, "Jag hjälper gärna till.") || !strings.Contains(r.Body, "Dold av moderator: Reklam") {
			t.Fatal("hidden comment shown, or reason missing")
		}
		if strings.Contains(off.get("/admin/anmalt-innehall").Body, "Reklam") {
			t.Fatal("a handled report is still listed")
		}
		// Sorted by supports.
		r = s.browser().get("/orter/bettna/ideer?sortera=stod")
		wantStatus(t, r, 200)
		if !strings.Contains(r.Doc.Find(".idea-list").Text(), "Pumptrack") {
			t.Fatal("idea missing from the list")
		}
		// The locality's feed tells of the idea and its answer.
		feed := s.browser().get("/orter/bettna/flode.atom").Body
		if !strings.Contains(feed, "Ny idé: Pumptrack vid skolan") || !strings.Contains(feed, "Svar på idén: Pumptrack vid skolan") {
			t.Error("the feed lacks the idea or its answer")
		}
		// Personal data: the residents' e-mails are never public.
		for _, path := range []string{ideaPath, "/orter/bettna/ideer"} {
			if body := s.browser().get(path).Body; strings.Contains(body, "anna@example.se") || strings.Contains(body, "bo@example.se") {
				t.Errorf("%s shows a resident's e-mail", path)
			}
		}
		if n := s.web.Catalog().Missing.Load(); n != 0 {
			t.Fatalf("%d missing translations", n)
		}
	})
}

func TestIdeaWithThemeAndPhoto(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	dir := t.TempDir()
	store, _ := media.NewDirStorage(dir)
	s := newSite(t, db, func(c *web.Config, _ *web.Services) { c.Storage = store })
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
	anna := residentBrowser(t, s, "anna@example.se", "Anna")
	r := anna.get("/orter/bettna/ideer")
	theme := r.Doc.Find(`#f-theme option`).Eq(1).AttrOr("value", "")
	if theme == "" {
		t.Fatal("no theme to choose")
	}
	photo := media.Generate(4, 900, 600)
	fields := map[string]string{"title": "Blommor vid skylten", "body": "Plantera blommor.", "theme": theme}
	r = anna.uploadAs("/orter/bettna/ideer", "photo_file", fields, "blommor.jpg", photo)
	wantStatus(t, r, http.StatusBadRequest)
	if r.Doc.Find("#f-photo_alt-error").Length() != 1 || countFiles(t, dir) != 0 {
		t.Fatal("a photo without alt text was stored or not reported")
	}
	fields["photo_alt"] = "Rabatt med gula blommor vid ortens skylt."
	r = anna.uploadAs("/orter/bettna/ideer", "photo_file", fields, "blommor.jpg", photo)
	wantStatus(t, r, http.StatusSeeOther)
	r = s.browser().get(r.Header.Get("Location"))
	checkShell(t, r, "sv")
	img := r.Doc.Find("main img")
	if img.AttrOr("alt", "") != fields["photo_alt"] || !strings.Contains(r.Body, "Del av handlingsplanen") {
		t.Fatalf("idea photo or theme missing: alt %q", img.AttrOr("alt", ""))
	}
	photoURL := img.AttrOr("src", "")
	r = s.browser().get(photoURL)
	wantStatus(t, r, 200)
	// Not cached as immutable: once the idea is hidden, its photo is gone for everyone.
	if cc := r.Header.Get("Cache-Control"); strings.Contains(cc, "immutable") || !strings.Contains(cc, "no-cache") {
		t.Errorf("idea photo Cache-Control %q", cc)
	}
	id, _ := strconv.ParseInt(strings.Split(photoURL, "/")[2], 10, 64)
	if err := db.Hide(sqltest.System(), ortsplan.Moderation{IdeaID: id, Kind: "idea", TargetID: id, Reason: "Reklam"}); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, s.browser().get(photoURL), http.StatusNotFound)
}

// TestAnswerToADeletedAccountSendsNoMail: answering the idea of a resident
// who has deleted the account queues no e-mail, and the page says so; an
// answer to a live account says the proposer was told, and is mailed.
func TestAnswerToADeletedAccountSendsNoMail(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		idea := func(b *browser, title string) int64 {
			r := b.post("/orter/bettna/ideer", url.Values{"title": {title}, "body": {"Det behövs."}})
			wantStatus(t, r, http.StatusSeeOther)
			id, ok := strings.CutPrefix(r.Header.Get("Location"), "/ideer/")
			n, err := strconv.ParseInt(strings.SplitN(id, "?", 2)[0], 10, 64)
			if !ok || err != nil {
				t.Fatalf("new idea at %q", r.Header.Get("Location"))
			}
			return n
		}
		anna := residentBrowser(t, s, "anna@example.se", "Anna")
		kept := idea(anna, "Bänkar vid badet")
		bo := residentBrowser(t, s, "bo@example.se", "Bo")
		gone := idea(bo, "Ny lekplats")
		wantStatus(t, bo.post("/mina-uppgifter/radera", url.Values{"confirm": {"1"}}), http.StatusOK)

		s.user("samordnare@example.se", ortsplan.RoleCoordinator)
		staff := s.browser()
		staff.login("samordnare@example.se", testPassword)
		before, _ := db.ListMessages(sqltest.System(), 500)
		for _, c := range []struct {
			id      int64
			done    string
			mailsTo string
		}{{gone, "svar-utan-mejl", ""}, {kept, "svar", "anna@example.se"}} {
			r := staff.post(fmt.Sprintf("/ideer/%d/svar", c.id), url.Values{"status": {"mottagen"}, "answer": {"Tack, vi tittar på det."}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/ideer/%d?klart=%s", c.id, c.done) {
				t.Fatalf("answer %d: %d to %q, want ?klart=%s", c.id, r.StatusCode, r.Header.Get("Location"), c.done)
			}
			page := staff.get(r.Header.Get("Location"))
			want := s.web.Catalog().For("sv").T("ideas.done." + c.done)
			if !strings.Contains(page.Body, want) {
				t.Errorf("idea %d: the page does not say %q", c.id, want)
			}
			after, _ := db.ListMessages(sqltest.System(), 500)
			var to []string
			for _, m := range after[:len(after)-len(before)] {
				to = append(to, m.To)
			}
			if c.mailsTo == "" && len(to) != 0 || c.mailsTo != "" && (len(to) != 1 || to[0] != c.mailsTo) {
				t.Errorf("answer to idea %d queued mail to %v, want %q", c.id, to, c.mailsTo)
			}
			before = after
		}
	})
}

// TestIdeaListPages: a locality's ideas come a page at a time, every idea
// on exactly one page, in the chosen order, with links between the pages.
func TestIdeaListPages(t *testing.T) {
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := sqltest.System()
		s := newSite(t, db)
		db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
		residentBrowser(t, s, "many@example.se", "Idérik")
		var resID int64
		if err := db.SQL().QueryRow("SELECT id FROM residents WHERE email = $1", "many@example.se").Scan(&resID); err != nil {
			t.Fatal(err)
		}
		bettna := mustLocality(t, db, "bettna")
		for n := range 31 {
			i := &ortsplan.Idea{LocalityID: bettna.ID, Title: fmt.Sprintf("Förslag nummer %02d", n), Body: "Beskrivning."}
			if err := db.CreateIdea(sqltest.AsResident(ctx, resID), i); err != nil {
				t.Fatal(err)
			}
			if n == 17 { // the best supported, so first when sorted by support
				if err := db.Support(sqltest.AsResident(ctx, resID), i.ID, true, ortsplan.IdeaThreshold{Supports: 100, Within: time.Hour}); err != nil {
					t.Fatal(err)
				}
			}
		}
		all, err := db.Ideas(ctx, bettna.ID, ortsplan.SortNewest)
		if err != nil {
			t.Fatal(err)
		}
		v := s.browser()
		titles := func(r *response) []string {
			var ts []string
			r.Doc.Find("ul.idea-list > li > a").Each(func(_ int, a *goquery.Selection) { ts = append(ts, a.Text()) })
			return ts
		}
		r := v.get("/orter/bettna/ideer")
		wantStatus(t, r, 200)
		first := titles(r)
		if len(first) != 25 {
			t.Fatalf("the first page lists %d ideas, want 25 of %d", len(first), len(all))
		}
		if got, want := r.Doc.Find("main ul.pager").Parent().Prev().Text(), fmt.Sprintf("Idé 1–25 av %d.", len(all)); !strings.HasPrefix(got, want) {
			t.Errorf("the list says %q, want it to begin %q", got, want)
		}
		next, _ := r.Doc.Find(`ul.pager a[rel="next"]`).Attr("href")
		if next != "/orter/bettna/ideer?sida=2" {
			t.Fatalf("the next page is %q", next)
		}
		r = v.get(next)
		wantStatus(t, r, 200)
		second := titles(r)
		if len(second) != len(all)-25 {
			t.Fatalf("the second page lists %d ideas, want %d", len(second), len(all)-25)
		}
		for n, title := range append(first, second...) {
			if title != all[n].Title {
				t.Fatalf("idea %d of the pages is %q, want %q (the newest first)", n, title, all[n].Title)
			}
		}
		if r.Doc.Find(`ul.pager a[rel="next"]`).Length() != 0 || r.Doc.Find(`ul.pager a[aria-current="page"]`).Text() != "Sida 2" {
			t.Error("the last page links on, or does not mark itself current")
		}
		// A page beyond the last is the last; a page that is no number is refused.
		if r := v.get("/orter/bettna/ideer?sida=40"); r.StatusCode != 200 || len(titles(r)) != len(second) {
			t.Errorf("page 40: %d with %d ideas, want the last page", r.StatusCode, len(titles(r)))
		}
		for _, bad := range []string{"0", "-1", "x", "9999999"} {
			r := v.get("/orter/bettna/ideer?sida=" + bad)
			wantStatus(t, r, http.StatusBadRequest)
			if !strings.Contains(text(r, "main"), "Sidnumret ska vara ett heltal") {
				t.Errorf("sida=%s: the refusal says %q", bad, text(r, "main"))
			}
		}
		// Sorted by support, the pages keep the sort.
		r = v.get("/orter/bettna/ideer?sortera=stod")
		wantStatus(t, r, 200)
		bySupport, err := db.Ideas(ctx, bettna.ID, ortsplan.SortSupported)
		if err != nil {
			t.Fatal(err)
		}
		if ts := titles(r); len(ts) != 25 || ts[0] != bySupport[0].Title || ts[24] != bySupport[24].Title || ts[0] == all[0].Title {
			t.Errorf("sorted by support the list begins %v, want %q", ts[:min(3, len(ts))], bySupport[0].Title)
		}
		if href, _ := r.Doc.Find(`ul.pager a[rel="next"]`).Attr("href"); href != "/orter/bettna/ideer?sida=2&sortera=stod" {
			t.Errorf("the next page sorted by support is %q", href)
		}
	})
}
