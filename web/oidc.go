package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/ortsplan/ortsplan"
)

// OIDC is a login through an OpenID Provider: the authorization code flow
// with PKCE, state and nonce. The staff login uses the municipality's
// identity provider (Claim and Rules map the person to a role); the
// residents' verified login uses an eID broker (PNRClaim names the claim
// with the personnummer).
type OIDC struct {
	Issuer     string
	OAuth2     oauth2.Config
	Verifier   *oidc.IDTokenVerifier
	EndSession string // the provider's end_session_endpoint, "" when it has none
	// Claim names the ID token claim (such as groups or roles) whose values
	// Rules map to roles and localities.
	Claim      string
	Rules      []ortsplan.ClaimRule
	MatchEmail bool
	// PNRClaim names the eID broker's claim with the personnummer ("" when
	// it sends none: the person's key is then made of issuer and subject).
	PNRClaim string
}

// OIDCConfig is what NewOIDC needs; Now is the verifier's clock (tests move it).
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret, RedirectURL string
	Scopes                                      []string
	Claim                                       string
	Rules                                       []ortsplan.ClaimRule
	MatchEmail                                  bool
	PNRClaim                                    string
	Now                                         func() time.Time
}

// NewOIDC discovers the issuer's endpoints and keys.
func NewOIDC(ctx context.Context, c OIDCConfig) (*OIDC, error) {
	p, err := oidc.NewProvider(ctx, c.Issuer)
	if err != nil {
		return nil, fmt.Errorf("oidc: discover %s: %w", c.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&meta); err != nil {
		return nil, fmt.Errorf("oidc: read discovery: %w", err)
	}
	scopes := c.Scopes
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	return &OIDC{
		Issuer: c.Issuer,
		OAuth2: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: scopes},
		Verifier:   p.Verifier(&oidc.Config{ClientID: c.ClientID, Now: c.Now}),
		EndSession: meta.EndSession,
		Claim:      c.Claim, Rules: c.Rules, MatchEmail: c.MatchEmail, PNRClaim: c.PNRClaim,
	}, nil
}

const (
	oidcCookie = "oidc"
	eidCookie  = "eid"
	// idTokenCookie keeps the staff login's ID token for logout's
	// id_token_hint; only the logout route receives it.
	idTokenCookie = "oidc_id"
	logoutPath    = "/logga-ut"
)

// oidcFlow is one provider's routes: where it starts, where it comes back
// and the cookie that carries state, nonce and PKCE verifier in between.
type oidcFlow struct {
	o      *OIDC
	cookie string
	path   string // the start route; the callback is path + "/callback"
}

func (s *Server) staffFlow() oidcFlow { return oidcFlow{s.cfg.OIDC, oidcCookie, "/logga-in/oidc"} }
func (s *Server) eidFlow() oidcFlow   { return oidcFlow{s.cfg.EID, eidCookie, "/logga-in/eid"} }

// begin sends the browser to the provider, keeping state, nonce and the
// PKCE verifier in a short-lived cookie bound to this browser.
func (s *Server) begin(w http.ResponseWriter, r *http.Request, f oidcFlow) {
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: f.cookie, Value: state + "." + nonce + "." + verifier,
		Path: f.path, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, f.o.OAuth2.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

// finish checks state, exchanges the code, and validates the ID token and
// its nonce. The state cookie is cleared first, so a replayed callback finds
// none. On failure it has answered with an error page and returns ok false.
func (s *Server) finish(w http.ResponseWriter, r *http.Request, f oidcFlow) (idt *oidc.IDToken, raw string, claims map[string]any, ok bool) {
	http.SetCookie(w, &http.Cookie{Name: f.cookie, Value: "", Path: f.path, HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	c, err := r.Cookie(f.cookie)
	var parts []string
	if err == nil {
		parts = strings.Split(c.Value, ".")
	}
	q := r.URL.Query()
	if len(parts) != 3 || q.Get("state") == "" || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(q.Get("state"))) != 1 {
		s.log.Info("oidc: state refused", "request_id", reqInfo(r).ID, "flow", f.path, "has_cookie", err == nil)
		s.renderError(w, r, http.StatusBadRequest, "oidc.state_invalid")
		return nil, "", nil, false
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		s.renderError(w, r, http.StatusBadRequest, "oidc.provider_error")
		return nil, "", nil, false
	}
	tok, err := f.o.OAuth2.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(parts[2]))
	if err != nil {
		s.log.Info("oidc: exchange", "request_id", reqInfo(r).ID, "err", err)
		s.renderError(w, r, http.StatusBadRequest, "oidc.provider_error")
		return nil, "", nil, false
	}
	raw, _ = tok.Extra("id_token").(string)
	idt, err = f.o.Verifier.Verify(r.Context(), raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(parts[1])) != 1 {
		s.log.Info("oidc: id token refused", "request_id", reqInfo(r).ID, "err", err)
		s.renderError(w, r, http.StatusBadRequest, "oidc.token_invalid")
		return nil, "", nil, false
	}
	if err := idt.Claims(&claims); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "oidc.token_invalid")
		return nil, "", nil, false
	}
	return idt, raw, claims, true
}

// oidcStart sends staff to the municipality's identity provider.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	if s.cfg.OIDC == nil {
		s.notFound(w, r)
		return
	}
	s.begin(w, r, s.staffFlow())
}

// oidcCallback maps the ID token's claim to a role and signs the person in
// (LoginOIDC refuses the unmapped and the deactivated, and audits both).
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	o := s.cfg.OIDC
	if o == nil {
		s.notFound(w, r)
		return
	}
	idt, raw, claims, ok := s.finish(w, r, s.staffFlow())
	if !ok {
		return
	}
	str := func(k string) string { v, _ := claims[k].(string); return v }
	role, locs, _ := ortsplan.MapClaim(claimValues(claims[o.Claim]), o.Rules)
	u, err := s.svc.Users.LoginOIDC(r.Context(), ortsplan.OIDCLogin{Subject: idt.Subject, Email: str("email"), Name: str("name"),
		Role: role, Localities: locs, MatchEmail: o.MatchEmail})
	if ortsplan.ErrorCode(err) == ortsplan.EFORBIDDEN {
		s.renderError(w, r, http.StatusForbidden, ortsplan.ErrorKey(err))
		return
	} else if err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.svc.Users.StartSession(r.Context(), u.ID, ortsplan.LoginOIDC)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
	if o.EndSession != "" && len(raw) < 3000 {
		http.SetCookie(w, &http.Cookie{Name: idTokenCookie, Value: raw, Path: logoutPath, HttpOnly: true,
			Secure: s.secure, SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
	}
	s.log.Info("login", "request_id", reqInfo(r).ID, "user_id", u.ID, "method", "oidc")
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// endSessionURL is where logout sends a person who signed in through the
// provider, so that the provider's session ends too; "" when there is none.
func (s *Server) endSessionURL(r *http.Request) string {
	o, u := s.cfg.OIDC, reqInfo(r).User
	if o == nil || o.EndSession == "" || u == nil || u.LoginMethod != ortsplan.LoginOIDC {
		return ""
	}
	v := url.Values{"client_id": {o.OAuth2.ClientID}, "post_logout_redirect_uri": {s.cfg.BaseURL + "/"}}
	if c, err := r.Cookie(idTokenCookie); err == nil && c.Value != "" {
		v.Set("id_token_hint", c.Value)
	}
	sep := "?"
	if strings.Contains(o.EndSession, "?") {
		sep = "&"
	}
	return o.EndSession + sep + v.Encode()
}

// eidStart sends a signed-in resident to the eID broker to verify who they
// are; a visitor not signed in signs in by e-mail first and comes back here.
func (s *Server) eidStart(w http.ResponseWriter, r *http.Request) {
	if s.cfg.EID == nil {
		s.notFound(w, r)
		return
	}
	till := redirectTarget(r.URL.Query().Get("till"))
	if reqInfo(r).Resident == nil {
		back := "/logga-in/eid"
		if till != "/" {
			back += "?till=" + url.QueryEscape(till)
		}
		http.Redirect(w, r, "/logga-in/boende?till="+url.QueryEscape(back), http.StatusSeeOther)
		return
	}
	if till != "/" {
		http.SetCookie(w, &http.Cookie{Name: "eid_till", Value: till, Path: "/logga-in/eid", HttpOnly: true,
			Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	}
	s.begin(w, r, s.eidFlow())
}

// eidCallback marks the resident's session verified with the person's key:
// a keyed hash of the personnummer (never the number itself).
func (s *Server) eidCallback(w http.ResponseWriter, r *http.Request) {
	o := s.cfg.EID
	if o == nil {
		s.notFound(w, r)
		return
	}
	idt, _, claims, ok := s.finish(w, r, s.eidFlow())
	if !ok {
		return
	}
	c, err := r.Cookie(residentCookie)
	if err != nil || reqInfo(r).Resident == nil {
		s.renderErrorLink(w, r, http.StatusUnauthorized, "resident.login_required", "/logga-in/boende")
		return
	}
	pnr := ""
	if o.PNRClaim != "" {
		raw, _ := claims[o.PNRClaim].(string)
		if raw == "" {
			s.log.Info("eid: no personnummer claim", "request_id", reqInfo(r).ID, "claim", o.PNRClaim)
			s.renderError(w, r, http.StatusBadRequest, "eid.no_pnr")
			return
		}
		var valid bool
		if pnr, valid = ortsplan.NormalizePersonnummer(raw, s.cfg.Now()); !valid {
			s.renderError(w, r, http.StatusBadRequest, "eid.no_pnr")
			return
		}
	}
	key := ortsplan.PersonKey(s.cfg.PersonSecret, pnr, o.Issuer, idt.Subject)
	if err := s.svc.Residents.VerifySession(r.Context(), c.Value, key); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("resident verified", "request_id", reqInfo(r).ID, "resident_id", reqInfo(r).Resident.ID)
	next := "/mina-uppgifter?verifierad=1"
	if t, err := r.Cookie("eid_till"); err == nil && redirectTarget(t.Value) != "/" {
		next = redirectTarget(t.Value)
		http.SetCookie(w, &http.Cookie{Name: "eid_till", Path: "/logga-in/eid", MaxAge: -1})
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// refreshAttr is the content attribute of a meta refresh that goes on at
// once to u, an address the server made (the provider's end_session_endpoint).
func refreshAttr(u string) template.HTMLAttr {
	return template.HTMLAttr(`content="0; url=` + html.EscapeString(u) + `"`)
}

// claimValues reads a claim that is a list of strings or one string.
func claimValues(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// possessive is the organisation's name as the owner of an account, for the
// login button: "Flens kommuns" in Swedish (no s after s, x or z), the name
// itself in English ("your Flens kommun account").
func possessive(lang, name string) string {
	if lang != "sv" {
		return name
	}
	if n := strings.ToLower(name); strings.HasSuffix(n, "s") || strings.HasSuffix(n, "x") || strings.HasSuffix(n, "z") {
		return name
	}
	return name + "s"
}
