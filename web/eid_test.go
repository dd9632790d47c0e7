package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/i18n"
	"github.com/ortsplan/ortsplan/notify"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
	"github.com/ortsplan/ortsplan/web/hydratest"
)

// eidVerify sends a signed-in resident through the eID broker as the person
// with the personnummer (as the broker writes it), coming back to till, and
// returns the site's last answer.
func (b *browser) eidVerify(p *hydratest.Provider, sub, pnr, till string) *response {
	b.s.t.Helper()
	claims := map[string]any{}
	if pnr != "" {
		claims["ssn"] = pnr
	}
	p.SetIdentity(hydratest.Identity{Subject: sub, Claims: claims})
	_, cb := b.walk("/logga-in/eid?till="+url.QueryEscape(till), b.atSite("/logga-in/eid/callback"))
	if cb == nil {
		b.s.t.Fatal("the eID flow never came back to the callback")
	}
	req, _ := http.NewRequest(http.MethodGet, cb.String(), nil)
	return b.do(req)
}

// eidSite is oidcSite with the eID login and --support-requires-verified.
func eidSite(t *testing.T, db *sqlstore.DB, p *hydratest.Provider) *site {
	t.Helper()
	s := oidcSite(t, db, p, &skew{}, true, func(c *web.Config, _ *web.Services) { c.IdeaThreshold.VerifiedOnly = true })
	db.Composer = &notify.Composer{Cat: i18n.MustLoad(), BaseURL: s.srv.URL, Org: "Flens kommun"}
	return s
}

// newIdea proposes an idea in Bettna through the form and returns its path.
func newIdea(t *testing.T, s *site) string {
	t.Helper()
	author := residentBrowser(t, s, "forfattare@example.se", "Författaren")
	r := author.post("/orter/bettna/ideer", url.Values{"title": {"Nya badbryggor i sjön"}, "body": {"Bryggorna är trasiga."}})
	wantStatus(t, r, http.StatusSeeOther)
	path, _, _ := strings.Cut(r.Header.Get("Location"), "?")
	return path
}

// TestEIDVerifiedSupport: with supports requiring a verified login, an
// e-mail login is shown the way to verify and its support is refused; after
// the eID broker (a second client of a real provider, sending the
// personnummer) the support counts as verified; the same person through
// another account is refused; the idea page counts verified supports.
func TestEIDVerifiedSupport(t *testing.T) {
	p := hydratest.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := eidSite(t, db, p)
		idea := newIdea(t, s)
		ideaID := strings.TrimPrefix(idea, "/ideer/")

		// A visitor not signed in is sent to the e-mail login first, and back.
		r := s.browser().get("/logga-in/eid?till=" + url.QueryEscape(idea))
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/logga-in/boende?till="+url.QueryEscape("/logga-in/eid?till="+url.QueryEscape(idea)) {
			t.Fatalf("a visitor's eID login went to %q", loc)
		}

		a := residentBrowser(t, s, "a@example.se", "A")
		r = a.get(idea)
		wantStatus(t, r, http.StatusOK)
		if href, _ := r.Doc.Find(`main a[href^="/logga-in/eid"]`).Attr("href"); href != "/logga-in/eid?till=%2fideer%2f"+ideaID && href != "/logga-in/eid?till=%2Fideer%2F"+ideaID {
			t.Fatalf("the idea page's verify link is %q", href)
		}
		if r.Doc.Find(`form[action="`+idea+`/stod"]`).Length() != 0 {
			t.Fatal("an unverified resident is offered the support button")
		}
		r = a.post(idea+"/stod", url.Values{"on": {"1"}})
		wantStatus(t, r, http.StatusForbidden)
		if got := text(r, "main"); !strings.Contains(got, "Bara den som har verifierat sig med e-legitimation") {
			t.Fatalf("refused support says %q", got)
		}
		r = a.get("/mina-uppgifter")
		if got := r.Doc.Find("dl.facts").Text(); !strings.Contains(got, "Länk via e-post") {
			t.Fatalf("my page says %q, want the e-mail link", got)
		}

		// Verified through the broker, back on the idea page.
		r = a.eidVerify(p, "eid-a-"+string(db.Dialect), "19121212-1212", idea)
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != idea {
			t.Fatalf("after the eID went to %q, want %q", loc, idea)
		}
		if got := a.get("/mina-uppgifter").Doc.Find("dl.facts").Text(); !strings.Contains(got, "E-legitimation (verifierad)") {
			t.Fatalf("my page says %q, want the verified mark", got)
		}
		wantStatus(t, a.post(idea+"/stod", url.Values{"on": {"1"}}), http.StatusSeeOther)
		if got := text(a.get(idea), "main"); !strings.Contains(got, "1 stöd · varav 1 verifierat med e-legitimation") {
			t.Fatalf("idea page says %q", got)
		}

		// The same person (the number written another way) through another account.
		b := residentBrowser(t, s, "b@example.se", "B")
		wantStatus(t, b.eidVerify(p, "eid-b-"+string(db.Dialect), "191212121212", idea), http.StatusSeeOther)
		r = b.post(idea+"/stod", url.Values{"on": {"1"}})
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r, "main"); !strings.Contains(got, "Du har redan stött idén med ett annat konto") {
			t.Fatalf("the second account's support says %q", got)
		}
		// Another person counts.
		c := residentBrowser(t, s, "c@example.se", "C")
		wantStatus(t, c.eidVerify(p, "eid-c-"+string(db.Dialect), "20121212-1212", idea), http.StatusSeeOther)
		wantStatus(t, c.post(idea+"/stod", url.Values{"on": {"1"}}), http.StatusSeeOther)
		if got := text(s.browser().get(idea), "main"); !strings.Contains(got, "2 stöd · varav 2 verifierade med e-legitimation") {
			t.Fatalf("idea page says %q", got)
		}
		// A broker that sends no personnummer: refused, not verified.
		d := residentBrowser(t, s, "d@example.se", "D")
		r = d.eidVerify(p, "eid-d-"+string(db.Dialect), "", idea)
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r, "main"); !strings.Contains(got, "inget giltigt personnummer") {
			t.Fatalf("no personnummer says %q", got)
		}
		wantStatus(t, d.post(idea+"/stod", url.Values{"on": {"1"}}), http.StatusForbidden)
		if got, _ := db.FindIdea(sqltest.System(), mustID(t, ideaID)); got.Supports != 2 || got.VerifiedSupports != 2 {
			t.Fatalf("idea has %d supports, %d verified; want 2, 2", got.Supports, got.VerifiedSupports)
		}
		// The open data says so too.
		var api struct {
			Supports         int `json:"supports"`
			VerifiedSupports int `json:"verified_supports"`
		}
		r = s.browser().get("/api/v1/ideas/" + ideaID)
		wantStatus(t, r, http.StatusOK)
		if err := json.Unmarshal([]byte(r.Body), &api); err != nil || api.Supports != 2 || api.VerifiedSupports != 2 {
			t.Fatalf("the API says %+v (%v), want 2 supports, 2 verified", api, err)
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("not an id: %q", s)
		}
		id = id*10 + int64(r-'0')
	}
	return id
}

// TestPrivacyPageNamesTheEIDData: with the logins through a provider
// configured, the privacy page lists their cookies and the kept person key.
func TestPrivacyPageNamesTheEIDData(t *testing.T) {
	p := hydratest.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := eidSite(t, db, p)
		r := s.browser().get("/personuppgifter")
		wantStatus(t, r, http.StatusOK)
		page := r.Doc.Find("main").Text()
		for _, want := range []string{"oidc_id", "eid_till", "en nyckelad kontrollsumma av personnumret"} {
			if !strings.Contains(page, want) {
				t.Errorf("the privacy page lacks %q", want)
			}
		}
		plain := newSite(t, sqltest.Open(t, db.Dialect))
		if got := plain.browser().get("/personuppgifter").Doc.Find("main").Text(); strings.Contains(got, "oidc_id") || strings.Contains(got, "kontrollsumma av personnumret") {
			t.Error("without the logins the privacy page lists their data")
		}
	})
}
