package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
	"github.com/ortsplan/ortsplan/web/hydratest"
)

// The tests in this file drive the real router through the real OpenID
// Connect flows against Ory Hydra (hydratest): the browser follows every
// redirect between the site, Hydra and Hydra's login and consent steps.

// testPersonKey is the eID tests' secret key of the person hash.
var testPersonKey = []byte("ortsplan-test-person-key-0123456789")

// skew moves the ID-token verifier's clock, for the expired token.
type skew struct{ d atomic.Int64 }

func (k *skew) now() time.Time           { return time.Now().Add(time.Duration(k.d.Load())) }
func (k *skew) set(d time.Duration)      { k.d.Store(int64(d)) }
func (k *skew) config() func() time.Time { return k.now }

// oidcSite serves the demo with the staff login through p (groups mapped
// as in the README's example) and, when eid is set, the residents' eID
// login through a second client of p that sends the personnummer as ssn.
func oidcSite(t *testing.T, db *sqlstore.DB, p *hydratest.Provider, clock *skew, eid bool, more ...func(*web.Config, *web.Services)) *site {
	t.Helper()
	mutate := append([]func(*web.Config, *web.Services){func(c *web.Config, _ *web.Services) {
		id, secret := p.Client(t, c.BaseURL+"/logga-in/oidc/callback", c.BaseURL+"/")
		o, err := web.NewOIDC(context.Background(), web.OIDCConfig{Issuer: p.Issuer + "/", ClientID: id, ClientSecret: secret,
			RedirectURL: c.BaseURL + "/logga-in/oidc/callback", Claim: "groups", Now: clock.config(),
			Rules: []ortsplan.ClaimRule{
				{Value: "ortsutveckling-admin", Role: ortsplan.RoleAdmin},
				{Value: "ortsutveckling-sparreholm", Role: ortsplan.RoleOfficial, Localities: []string{"sparreholm"}},
				{Value: "ortsutveckling-bettna", Role: ortsplan.RoleOfficial, Localities: []string{"bettna"}},
			}})
		if err != nil {
			t.Fatal(err)
		}
		c.OIDC = o
		if eid {
			id, secret := p.Client(t, c.BaseURL+"/logga-in/eid/callback", c.BaseURL+"/")
			e, err := web.NewOIDC(context.Background(), web.OIDCConfig{Issuer: p.Issuer + "/", ClientID: id, ClientSecret: secret,
				RedirectURL: c.BaseURL + "/logga-in/eid/callback", Scopes: []string{"openid"}, PNRClaim: "ssn", Now: clock.config()})
			if err != nil {
				t.Fatal(err)
			}
			c.EID, c.PersonSecret = e, testPersonKey
		}
	}}, more...)
	return newSite(t, db, mutate...)
}

// walk fetches start (a path on the site or an address) and follows every
// redirect, across the site, Hydra and its login app, with the browser's
// cookies. It stops before a URL for which stop says so (returning it
// unfetched as next), or at the first answer that is not a redirect.
func (b *browser) walk(start string, stop func(*url.URL) bool) (last *response, next *url.URL) {
	b.s.t.Helper()
	u, err := url.Parse(b.s.srv.URL)
	if err != nil {
		b.s.t.Fatal(err)
	}
	if u, err = u.Parse(start); err != nil {
		b.s.t.Fatal(err)
	}
	for range 20 {
		if stop != nil && stop(u) {
			return last, u
		}
		req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
		last = b.do(req)
		if last.StatusCode < 300 || last.StatusCode > 399 {
			return last, nil
		}
		loc, err := last.Location()
		if err != nil {
			b.s.t.Fatalf("redirect from %s without a Location: %v", u, err)
		}
		u = loc
	}
	b.s.t.Fatalf("more than 20 redirects from %s", start)
	return nil, nil
}

// atSite stops a walk at a path of the site.
func (b *browser) atSite(path string) func(*url.URL) bool {
	site, _ := url.Parse(b.s.srv.URL)
	return func(u *url.URL) bool { return u.Host == site.Host && u.Path == path }
}

// oidcLogin signs in through the provider as id and returns the answer of
// the site's callback.
func (b *browser) oidcLogin(p *hydratest.Provider, id hydratest.Identity) *response {
	b.s.t.Helper()
	p.SetIdentity(id)
	_, cb := b.walk("/logga-in/oidc", b.atSite("/logga-in/oidc/callback"))
	if cb == nil {
		b.s.t.Fatal("the flow never came back to the callback")
	}
	req, _ := http.NewRequest(http.MethodGet, cb.String(), nil)
	return b.do(req)
}

func staffIdentity(sub, email string, groups ...string) hydratest.Identity {
	g := make([]any, len(groups))
	for i, v := range groups {
		g[i] = v
	}
	return hydratest.Identity{Subject: sub, Claims: map[string]any{"email": email, "name": "Test " + sub, "groups": g}}
}

// TestOIDCStaffLogin: the login page offers the municipality's account; a
// person in a mapped group lands on the staff home with the mapped role and
// localities, the account page says how they signed in, and the audit log
// has the login.
func TestOIDCStaffLogin(t *testing.T) {
	p := hydratest.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := oidcSite(t, db, p, &skew{}, false)
		b := s.browser()
		r := b.get("/logga-in")
		wantStatus(t, r, http.StatusOK)
		if got := strings.TrimSpace(r.Doc.Find(`a[href="/logga-in/oidc"]`).Text()); got != "Logga in med Flens kommuns konto" {
			t.Fatalf("the login button says %q", got)
		}
		r = b.oidcLogin(p, staffIdentity("sub-karin", "karin@flen.se", "ortsutveckling-sparreholm", "some-other-group"))
		wantStatus(t, r, http.StatusSeeOther)
		if loc := r.Header.Get("Location"); loc != "/admin" {
			t.Fatalf("login went to %q, want /admin", loc)
		}
		wantStatus(t, b.get("/admin"), http.StatusOK)
		u, err := db.FindUserByEmail(sqltest.System(), "karin@flen.se")
		if err != nil {
			t.Fatal(err)
		}
		if u.Role != ortsplan.RoleOfficial || len(u.Localities) != 1 || u.Localities[0].Slug != "sparreholm" {
			t.Fatalf("account %+v, want an official for Sparreholm", u)
		}
		r = b.get("/konto")
		wantStatus(t, r, http.StatusOK)
		facts := r.Doc.Find("dl.facts").Text()
		for _, want := range []string{"Flens kommuns konto", "Sparreholm", "karin@flen.se"} {
			if !strings.Contains(facts, want) {
				t.Errorf("the account page lacks %q: %q", want, facts)
			}
		}
		if r.Doc.Find(`form[action="/konto/losenord"]`).Length() != 0 {
			t.Error("the account page offers a password change to an account without a password")
		}
		// The claims decide again at the next login: now also admin.
		b2 := s.browser()
		wantStatus(t, b2.oidcLogin(p, staffIdentity("sub-karin", "karin@flen.se", "ortsutveckling-sparreholm", "ortsutveckling-admin")), http.StatusSeeOther)
		if u, _ := db.FindUserByEmail(sqltest.System(), "karin@flen.se"); u.Role != ortsplan.RoleAdmin {
			t.Fatalf("second login: role %s, want admin", u.Role)
		}
		if n := auditCount(t, db, "oidc:login"); n != 2 {
			t.Errorf("%d oidc:login entries in the audit log, want 2", n)
		}
	})
}

// TestOIDCRefusals: an unmapped person and a deactivated account get a
// page that says why, no session, and an oidc:refused line in the audit log.
func TestOIDCRefusals(t *testing.T) {
	p := hydratest.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := oidcSite(t, db, p, &skew{}, false)
		b := s.browser()
		r := b.oidcLogin(p, staffIdentity("sub-olle", "olle@flen.se", "ekonomi"))
		wantStatus(t, r, http.StatusForbidden)
		if got := text(r, "main"); !strings.Contains(got, "ger ingen behörighet i Ortsplan") {
			t.Fatalf("unmapped person's page says %q", got)
		}
		if sessionCookieOf(b) != "" {
			t.Fatal("an unmapped person got a session")
		}
		if _, err := db.FindUserByEmail(sqltest.System(), "olle@flen.se"); ortsplan.ErrorCode(err) != ortsplan.ENOTFOUND {
			t.Fatalf("an unmapped person got an account: %v", err)
		}
		// Deactivation in Ortsplan wins over the provider.
		wantStatus(t, s.browser().oidcLogin(p, staffIdentity("sub-eva", "eva@flen.se", "ortsutveckling-bettna")), http.StatusSeeOther)
		eva, err := db.FindUserByEmail(sqltest.System(), "eva@flen.se")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserActive(sqltest.System(), eva.ID, false); err != nil {
			t.Fatal(err)
		}
		b = s.browser()
		r = b.oidcLogin(p, staffIdentity("sub-eva", "eva@flen.se", "ortsutveckling-bettna"))
		wantStatus(t, r, http.StatusForbidden)
		if got := text(r, "main"); !strings.Contains(got, "Ditt konto i Ortsplan är avstängt") {
			t.Fatalf("deactivated person's page says %q", got)
		}
		if sessionCookieOf(b) != "" {
			t.Fatal("a deactivated account got a session")
		}
		if n := auditCount(t, db, "oidc:refused"); n != 2 {
			t.Errorf("%d oidc:refused entries in the audit log, want 2", n)
		}
	})
}

// TestOIDCStateAndExpiry: a forged state, a replayed callback and an ID
// token that has expired by the verifier's clock are refused.
func TestOIDCStateAndExpiry(t *testing.T) {
	p := hydratest.Start(t)
	clock := &skew{}
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := oidcSite(t, db, p, clock, false)
		id := staffIdentity("sub-lars", "lars@flen.se", "ortsutveckling-bettna")
		p.SetIdentity(id)

		// A forged state: refused, and the flow it interrupted is spent too.
		b := s.browser()
		_, cb := b.walk("/logga-in/oidc", b.atSite("/logga-in/oidc/callback"))
		forged := *cb
		q := forged.Query()
		q.Set("state", "forged-"+q.Get("state"))
		forged.RawQuery = q.Encode()
		r, _ := b.walk(forged.String(), nil)
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r, "main"); !strings.Contains(got, "för gammal eller redan använd") {
			t.Fatalf("forged state page says %q", got)
		}
		r, _ = b.walk(cb.String(), nil)
		wantStatus(t, r, http.StatusBadRequest)

		// A callback replayed after it signed in: refused, in this browser
		// and in another.
		b = s.browser()
		_, cb = b.walk("/logga-in/oidc", b.atSite("/logga-in/oidc/callback"))
		r, _ = b.walk(cb.String(), b.atSite("/admin"))
		wantStatus(t, r, http.StatusSeeOther)
		r, _ = b.walk(cb.String(), nil)
		wantStatus(t, r, http.StatusBadRequest)
		r, _ = s.browser().walk(cb.String(), nil)
		wantStatus(t, r, http.StatusBadRequest)

		// An ID token that has expired when it is checked.
		clock.set(3 * time.Hour)
		defer clock.set(0)
		b = s.browser()
		r = b.oidcLogin(p, id)
		wantStatus(t, r, http.StatusBadRequest)
		if got := text(r, "main"); !strings.Contains(got, "Inloggningen gick inte att kontrollera") {
			t.Fatalf("expired token page says %q", got)
		}
		if sessionCookieOf(b) != "" {
			t.Fatal("an expired ID token gave a session")
		}
	})
}

// TestOIDCLogoutEndsProviderSession: logout of a person who signed in
// through the provider goes on to its end_session_endpoint, which ends the
// provider's session: the next login asks again instead of skipping.
func TestOIDCLogoutEndsProviderSession(t *testing.T) {
	p := hydratest.Start(t)
	sqltest.ForEach(t, func(t *testing.T, db *sqlstore.DB) {
		s := oidcSite(t, db, p, &skew{}, false)
		b := s.browser()
		id := staffIdentity("sub-maj-"+string(db.Dialect), "maj@flen.se", "ortsutveckling-admin")
		wantStatus(t, b.oidcLogin(p, id), http.StatusSeeOther)
		// While the provider remembers the person, a new login skips its step.
		wantStatus(t, b.oidcLogin(p, id), http.StatusSeeOther)
		if l := p.Logins(); !l[len(l)-1].Skip {
			t.Fatal("the provider asked again while it had a session: the test cannot show logout")
		}
		logouts := p.Logouts()
		// Logout answers a page, signed out, that goes on at once to the
		// provider's end_session_endpoint (browsers hold a form's redirects
		// to the site, by form-action).
		r := b.post("/logga-ut", nil)
		wantStatus(t, r, http.StatusOK)
		if r.Doc.Find(`form[action="/logga-ut"]`).Length() != 0 {
			t.Fatal("the page after logout still shows the logout button")
		}
		refresh, _ := r.Doc.Find(`head meta[http-equiv="refresh"]`).Attr("content")
		end, _ := r.Doc.Find(`main .notice a`).Attr("href")
		loc, err := url.Parse(end)
		if err != nil || refresh != "0; url="+end || !strings.HasPrefix(end, p.Issuer+"/oauth2/sessions/logout?") || loc.Query().Get("id_token_hint") == "" {
			t.Fatalf("logout goes on to %q (refresh %q), want the provider's end_session_endpoint with an id_token_hint", end, refresh)
		}
		r, _ = b.walk(loc.String(), nil)
		wantStatus(t, r, http.StatusOK)
		if r.Request.URL.String() != s.srv.URL+"/" || p.Logouts() != logouts+1 {
			t.Fatalf("logout ended at %s after %d provider logouts", r.Request.URL, p.Logouts()-logouts)
		}
		if wantStatus(t, b.get("/konto"), http.StatusSeeOther); sessionCookieOf(b) != "" {
			t.Fatal("the session cookie survived logout")
		}
		wantStatus(t, b.oidcLogin(p, id), http.StatusSeeOther)
		if l := p.Logins(); l[len(l)-1].Skip {
			t.Fatal("after logout the provider still had the session")
		}
		// A password login's logout stays on the site.
		s.user("losen@flen.se", ortsplan.RoleOfficial)
		pw := s.browser()
		pw.login("losen@flen.se", testPassword)
		if r := pw.post("/logga-ut", nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Fatalf("a password login's logout went to %q", r.Header.Get("Location"))
		}
	})
}

// auditCount counts the audit log's entries with the action, read as an admin.
func auditCount(t *testing.T, db *sqlstore.DB, action string) int {
	t.Helper()
	const email = "granskare@ortsplan.example"
	admin, err := db.FindUserByEmail(sqltest.System(), email)
	if ortsplan.ErrorCode(err) == ortsplan.ENOTFOUND {
		admin, err = db.CreateUser(sqltest.System(), ortsplan.NewUser{Email: email, Name: "Granskare", Role: ortsplan.RoleAdmin, Password: testPassword})
	}
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := db.AuditLog(sqltest.AsUser(sqltest.System(), admin), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(slices.DeleteFunc(entries, func(e *ortsplan.AuditEntry) bool { return e.Action != action }))
}
