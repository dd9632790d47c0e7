package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/web"
	"github.com/ortsplan/ortsplan/web/hydratest"
)

// TestFlowOIDC signs in with the real Chromium through a real OpenID
// Provider (Ory Hydra, hydratest): an official of Sparreholm by the login
// page's "Logga in med Flens kommuns konto" and out again, which ends the
// provider's session too; a person whose groups map to nothing gets the
// refusal page; and a resident verifies with the eID (a second client that
// sends a personnummer) to support an idea where supports need that. The
// login page with its button and the refusal page pass axe-core and the Nu
// HTML checker.
func TestFlowOIDC(t *testing.T) {
	p := hydratest.Start(t)
	s := startSiteWith(t, func(c *web.Config) {
		id, secret := p.Client(t, c.BaseURL+"/logga-in/oidc/callback", c.BaseURL+"/")
		o, err := web.NewOIDC(context.Background(), web.OIDCConfig{Issuer: p.Issuer + "/", ClientID: id, ClientSecret: secret,
			RedirectURL: c.BaseURL + "/logga-in/oidc/callback", Claim: "groups",
			Rules: []ortsplan.ClaimRule{{Value: "ortsutveckling-sparreholm", Role: ortsplan.RoleOfficial, Localities: []string{"sparreholm"}}}})
		if err != nil {
			t.Fatal(err)
		}
		id, secret = p.Client(t, c.BaseURL+"/logga-in/eid/callback", c.BaseURL+"/")
		e, err := web.NewOIDC(context.Background(), web.OIDCConfig{Issuer: p.Issuer + "/", ClientID: id, ClientSecret: secret,
			RedirectURL: c.BaseURL + "/logga-in/eid/callback", Scopes: []string{"openid"}, PNRClaim: "ssn"})
		if err != nil {
			t.Fatal(err)
		}
		c.OIDC, c.EID, c.PersonSecret = o, e, []byte("e2e-person-key-0123456789abcdefghij")
		c.IdeaThreshold.VerifiedOnly = true
	})
	axeBytes, err := os.ReadFile(nodeModule(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	axe := string(axeBytes)
	dir := t.TempDir()
	var pages []string
	keep := func(tb tab, name string) {
		t.Helper()
		html := eval[string](tb, `'<!DOCTYPE html>\n' + document.documentElement.outerHTML`)
		f := filepath.Join(dir, name+".html")
		if err := os.WriteFile(f, []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, f)
	}
	browser := startBrowser(t)

	// An official signs in through the municipality's account.
	tb := newTab(t, browser)
	tb.load("open the login page", chromedp.Navigate(s.URL+"/logga-in"))
	button := `section[aria-labelledby="login-staff"] a.button-link[href="/logga-in/oidc"]`
	if got := partText(tb, button); got != "Logga in med Flens kommuns konto" {
		t.Fatalf("the login button says %q", got)
	}
	keep(tb, "login-oidc")
	checkAxe(tb, axe, "the login page with the municipality's button")
	p.SetIdentity(hydratest.Identity{Subject: "e2e-karin", Claims: map[string]any{"email": "karin.e2e@flen.se", "name": "Karin Kommunsdotter",
		"groups": []any{"ortsutveckling-sparreholm"}}})
	resp := tb.load("press Logga in med Flens kommuns konto", chromedp.Click(chromedp.CSS(button)))
	if resp.Status != 200 || partPath(tb) != "/admin" {
		t.Fatalf("the login ended at %s with status %d", partPath(tb), resp.Status)
	}
	tb.load("open the account page", chromedp.Navigate(s.URL+"/konto"))
	if got := partText(tb, "dl.facts"); !strings.Contains(got, "Flens kommuns konto") || !strings.Contains(got, "Sparreholm") {
		t.Errorf("the account page says %q", got)
	}
	// Logout shows the login page, signed out, which goes on at once to the
	// provider's logout and from there back to the home page.
	resp = tb.load("press Logga ut", chromedp.Click(chromedp.CSS(`form[action="/logga-ut"] button`)))
	if resp.Status != 200 {
		t.Fatalf("logout answered %d", resp.Status)
	}
	waitFor(tb, "come back from the provider's logout", `location.href === `+flowQuote(s.URL+"/")+` && document.readyState === "complete"`)
	if p.Logouts() != 1 {
		t.Fatalf("%d provider logouts, want 1", p.Logouts())
	}
	if eval[bool](tb, `!!document.querySelector('form[action="/logga-ut"] button')`) {
		t.Error("still signed in after logout")
	}
	flowNoProblems(tb)
	// The provider's session ended: the next login asks again.
	tb.load("open the login page", chromedp.Navigate(s.URL+"/logga-in"))
	tb.load("press Logga in med Flens kommuns konto", chromedp.Click(chromedp.CSS(button)))
	if l := p.Logins(); len(l) != 2 || l[1].Skip {
		t.Errorf("after logout the provider's login step saw %+v, want a second login that is not skipped", l)
	}

	// Someone whose groups give no role.
	tb = newTab(t, browser)
	p.SetIdentity(hydratest.Identity{Subject: "e2e-olle", Claims: map[string]any{"email": "olle.e2e@flen.se", "groups": []any{"ekonomi"}}})
	tb.load("open the login page", chromedp.Navigate(s.URL+"/logga-in"))
	resp = tb.load("press Logga in med Flens kommuns konto", chromedp.Click(chromedp.CSS(button)))
	if resp.Status != 403 || !strings.Contains(partText(tb, "main"), "ger ingen behörighet i Ortsplan") {
		t.Fatalf("an unmapped person got status %d: %q", resp.Status, partText(tb, "main"))
	}
	keep(tb, "oidc-refused")
	checkAxe(tb, axe, "the refusal page")
	tb.takeProblems() // the 403 is the answer wanted

	// A resident verifies with the eID to support an idea.
	var ideaID int64
	if err := s.db.SQL().QueryRow("SELECT MIN(id) FROM ideas WHERE hidden_at IS NULL").Scan(&ideaID); err != nil {
		t.Fatal(err)
	}
	idea := "/ideer/" + strconv.FormatInt(ideaID, 10)
	before, err := s.db.FindIdea(context.Background(), ideaID)
	if err != nil {
		t.Fatal(err)
	}
	tb = newTab(t, browser)
	tb.logInResident(s.URL, s.nextResidentToken(t))
	tb.load("open an idea", chromedp.Navigate(s.URL+idea))
	if eval[bool](tb, `!!document.querySelector('form[action="`+idea+`/stod"]')`) {
		t.Fatal("a resident not verified is offered the support button")
	}
	p.SetIdentity(hydratest.Identity{Subject: "e2e-bankid", Claims: map[string]any{"ssn": "199001012385"}})
	tb.load("press Verifiera dig med e-legitimation", chromedp.Click(chromedp.CSS(`main a.button-link[href^="/logga-in/eid"]`)))
	if got := partPath(tb); got != idea {
		t.Fatalf("after the eID the resident is at %s, want back at %s", got, idea)
	}
	resp = tb.load("press Stöd idén", chromedp.Click(chromedp.CSS(`form[action="`+idea+`/stod"] button[type=submit]`)))
	want := strconv.Itoa(before.Supports+1) + " stöd · varav 1 verifierat med e-legitimation"
	if got := partText(tb, "main"); resp.Status != 200 || !strings.Contains(got, want) {
		t.Fatalf("after supporting (status %d) the idea page lacks %q", resp.Status, want)
	}
	flowNoProblems(tb)
	checkVNU(t, pages)
}

// waitFor waits until expr is true in the tab, through navigations that
// replace the page while it asks (tab.poll fails on those).
func waitFor(tb tab, what, expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.t.Fatalf("%s: timed out waiting for %s", what, expr)
}
