package web

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/ortsplan/ortsplan"
)

// OIDC is the staff login through the municipality's identity provider:
// the authorization code flow with PKCE, state and nonce.
type OIDC struct {
	OAuth2     oauth2.Config
	Verifier   *oidc.IDTokenVerifier
	EndSession string // the provider's end_session_endpoint, "" when it has none
	// Claim names the ID token claim (such as groups or roles) whose values
	// Rules map to roles and localities.
	Claim      string
	Rules      []ortsplan.ClaimRule
	MatchEmail bool
}

// OIDCConfig is what NewOIDC needs; Now is the verifier's clock (tests move it).
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret, RedirectURL string
	Scopes                                      []string
	Claim                                       string
	Rules                                       []ortsplan.ClaimRule
	MatchEmail                                  bool
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
		OAuth2: oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL,
			Endpoint: p.Endpoint(), Scopes: scopes},
		Verifier:   p.Verifier(&oidc.Config{ClientID: c.ClientID, Now: c.Now}),
		EndSession: meta.EndSession,
		Claim:      c.Claim, Rules: c.Rules, MatchEmail: c.MatchEmail,
	}, nil
}

const (
	oidcCookie      = "oidc"
	oidcLoginCookie = "inloggning"
)

// oidcStart sends the browser to the provider, keeping state, nonce and the
// PKCE verifier in a short-lived cookie bound to this browser.
func (s *Server) oidcStart(w http.ResponseWriter, r *http.Request) {
	o := s.cfg.OIDC
	if o == nil {
		s.notFound(w, r)
		return
	}
	state, nonce, verifier := randomToken(), randomToken(), oauth2.GenerateVerifier()
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: state + "." + nonce + "." + verifier,
		Path: "/logga-in/oidc", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 600})
	http.Redirect(w, r, o.OAuth2.AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), http.StatusSeeOther)
}

// oidcCallback checks state, exchanges the code, validates the ID token and
// its nonce, maps the claim to a role and signs the person in. The state
// cookie is cleared first, so a replayed callback finds none.
func (s *Server) oidcCallback(w http.ResponseWriter, r *http.Request) {
	o := s.cfg.OIDC
	if o == nil {
		s.notFound(w, r)
		return
	}
	s.clearOIDCCookie(w)
	c, err := r.Cookie(oidcCookie)
	var parts []string
	if err == nil {
		parts = strings.Split(c.Value, ".")
	}
	q := r.URL.Query()
	if len(parts) != 3 || subtle.ConstantTimeCompare([]byte(parts[0]), []byte(q.Get("state"))) != 1 {
		s.renderError(w, r, http.StatusBadRequest, "oidc.state_invalid")
		return
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		s.renderError(w, r, http.StatusBadRequest, "oidc.provider_error")
		return
	}
	tok, err := o.OAuth2.Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(parts[2]))
	if err != nil {
		s.log.Info("oidc: exchange", "request_id", reqInfo(r).ID, "err", err)
		s.renderError(w, r, http.StatusBadRequest, "oidc.provider_error")
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := o.Verifier.Verify(r.Context(), raw)
	if err != nil || subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(parts[1])) != 1 {
		s.log.Info("oidc: id token refused", "request_id", reqInfo(r).ID, "err", err)
		s.renderError(w, r, http.StatusBadRequest, "oidc.token_invalid")
		return
	}
	var claims map[string]any
	if err := idt.Claims(&claims); err != nil {
		s.renderError(w, r, http.StatusBadRequest, "oidc.token_invalid")
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
	sess, err := s.svc.Users.CreateSession(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, sess.Token, sess.ExpiresAt)
	http.SetCookie(w, &http.Cookie{Name: oidcLoginCookie, Value: "oidc", Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, Expires: sess.ExpiresAt})
	s.log.Info("login", "request_id", reqInfo(r).ID, "user_id", u.ID, "method", "oidc")
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

func (s *Server) clearOIDCCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/logga-in/oidc", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// endSessionURL is where logout sends a person who signed in through the
// provider, so that the provider's session ends too; "" when there is none.
func (s *Server) endSessionURL(r *http.Request) string {
	o := s.cfg.OIDC
	if o == nil || o.EndSession == "" {
		return ""
	}
	if c, err := r.Cookie(oidcLoginCookie); err != nil || c.Value != "oidc" {
		return ""
	}
	v := url.Values{"client_id": {o.OAuth2.ClientID}, "post_logout_redirect_uri": {strings.TrimSuffix(s.cfg.BaseURL, "/") + "/"}}
	return o.EndSession + "?" + v.Encode()
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
