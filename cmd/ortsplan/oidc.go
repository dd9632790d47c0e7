package main

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/web"
)

// loginFlags are the serve flags of the staff login through the
// municipality's identity provider, password login, and the residents'
// verified login through an eID broker. Secrets come from the environment
// (ORTSPLAN_OIDC_CLIENT_SECRET, ORTSPLAN_EID_CLIENT_SECRET,
// ORTSPLAN_PERSON_KEY), like every flag's value can.
type loginFlags struct {
	issuer, clientID, clientSecret, redirectURL string
	scopes                                      stringList
	claim                                       string
	rules                                       claimRules
	matchEmail                                  bool
	label                                       string

	passwordLogin bool
	breakGlass    string

	eidIssuer, eidClientID, eidClientSecret, eidRedirectURL string
	eidScopes                                               stringList
	eidPNRClaim                                             string
	personKey                                               string
	requireVerified                                         bool
}

func (f *loginFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.issuer, "oidc-issuer", "", "staff login through the municipality's identity provider: its OpenID issuer URL, e.g. https://login.microsoftonline.com/TENANT-ID/v2.0")
	fs.StringVar(&f.clientID, "oidc-client-id", "", "the client (application) id registered with the identity provider")
	fs.StringVar(&f.clientSecret, "oidc-client-secret", "", "the client secret (give it in the environment variable, not on the command line)")
	fs.StringVar(&f.redirectURL, "oidc-redirect-url", "", "the redirect URI registered with the provider (default BASE-URL/logga-in/oidc/callback)")
	fs.Var(&f.scopes, "oidc-scopes", "scopes to ask for, comma-separated (default openid,profile,email)")
	fs.StringVar(&f.claim, "oidc-claim", "groups", "the ID token claim whose values --oidc-map maps to roles, e.g. groups or roles")
	fs.Var(&f.rules, "oidc-map", "a claim value's role and localities: VALUE=ROLE or VALUE=ROLE:SLUG,SLUG (repeat the flag, or separate rules with ';'); roles: admin, coordinator, official, group_leader")
	fs.BoolVar(&f.matchEmail, "oidc-match-email", false, "let a person's first login through the provider take over an existing account with the same e-mail address")
	fs.StringVar(&f.label, "oidc-label", "", "the login button's text (default \"Logga in med ORGs konto\")")
	fs.BoolVar(&f.passwordLogin, "password-login", true, "let staff log in with e-mail and password (false needs --oidc-issuer; see --break-glass-admin)")
	fs.StringVar(&f.breakGlass, "break-glass-admin", "", "with --password-login=false: the e-mail of the one admin who may still log in with a password, at /logga-in?reserv=1 (every use is audited)")
	fs.StringVar(&f.eidIssuer, "eid-issuer", "", "verified login for residents through an eID broker (BankID, Freja eID): its OpenID issuer URL")
	fs.StringVar(&f.eidClientID, "eid-client-id", "", "the client id registered with the eID broker")
	fs.StringVar(&f.eidClientSecret, "eid-client-secret", "", "the eID broker's client secret (give it in the environment variable)")
	fs.StringVar(&f.eidRedirectURL, "eid-redirect-url", "", "the redirect URI registered with the eID broker (default BASE-URL/logga-in/eid/callback)")
	fs.Var(&f.eidScopes, "eid-scopes", "scopes to ask the eID broker for, comma-separated (default openid)")
	fs.StringVar(&f.eidPNRClaim, "eid-pnr-claim", "", "the ID token claim with the personnummer, e.g. ssn (empty: the broker's subject stands for the person)")
	fs.StringVar(&f.personKey, "person-key", "", "secret key (at least 32 bytes, as hex, base64 or text) of the keyed hash that stands for a verified person; give it in the environment variable")
	fs.BoolVar(&f.requireVerified, "support-requires-verified", false, "only residents verified through the eID broker may support ideas (needs --eid-issuer)")
}

// check refuses settings that do not go together, before anything starts.
func (f *loginFlags) check() error {
	if err := validURL("--oidc-issuer", f.issuer); err != nil {
		return err
	}
	if err := validURL("--eid-issuer", f.eidIssuer); err != nil {
		return err
	}
	if f.issuer != "" && (f.clientID == "" || f.clientSecret == "") {
		return fmt.Errorf("--oidc-issuer needs --oidc-client-id and the secret in ORTSPLAN_OIDC_CLIENT_SECRET")
	}
	if f.issuer != "" && len(f.rules) == 0 {
		return fmt.Errorf("--oidc-issuer needs at least one --oidc-map rule: without one everyone is refused")
	}
	if !f.passwordLogin && f.issuer == "" {
		return fmt.Errorf("--password-login=false needs --oidc-issuer: otherwise no staff member could log in")
	}
	if f.breakGlass != "" && f.passwordLogin {
		return fmt.Errorf("--break-glass-admin is for --password-login=false")
	}
	if f.eidIssuer != "" && (f.eidClientID == "" || f.eidClientSecret == "") {
		return fmt.Errorf("--eid-issuer needs --eid-client-id and the secret in ORTSPLAN_EID_CLIENT_SECRET")
	}
	if f.eidIssuer != "" {
		if _, err := decodeKey(f.personKey); err != nil {
			return err
		}
	}
	if f.requireVerified && f.eidIssuer == "" {
		return fmt.Errorf("--support-requires-verified needs --eid-issuer")
	}
	return nil
}

// apply discovers the providers and sets the web configuration.
func (f *loginFlags) apply(ctx context.Context, baseURL string, c *web.Config) error {
	base := strings.TrimRight(baseURL, "/")
	c.PasswordLoginOff, c.BreakGlassAdmin, c.OIDCLabel = !f.passwordLogin, f.breakGlass, f.label
	c.IdeaThreshold.VerifiedOnly = f.requireVerified
	if f.issuer != "" {
		redirect := f.redirectURL
		if redirect == "" {
			redirect = base + "/logga-in/oidc/callback"
		}
		o, err := web.NewOIDC(ctx, web.OIDCConfig{Issuer: f.issuer, ClientID: f.clientID, ClientSecret: f.clientSecret,
			RedirectURL: redirect, Scopes: f.scopes, Claim: f.claim, Rules: f.rules, MatchEmail: f.matchEmail})
		if err != nil {
			return fmt.Errorf("--oidc-issuer: %w", err)
		}
		c.OIDC = o
	}
	if f.eidIssuer != "" {
		redirect := f.eidRedirectURL
		if redirect == "" {
			redirect = base + "/logga-in/eid/callback"
		}
		scopes := f.eidScopes
		if len(scopes) == 0 {
			scopes = []string{"openid"}
		}
		o, err := web.NewOIDC(ctx, web.OIDCConfig{Issuer: f.eidIssuer, ClientID: f.eidClientID, ClientSecret: f.eidClientSecret,
			RedirectURL: redirect, Scopes: scopes, PNRClaim: f.eidPNRClaim})
		if err != nil {
			return fmt.Errorf("--eid-issuer: %w", err)
		}
		c.EID = o
		if c.PersonSecret, err = decodeKey(f.personKey); err != nil {
			return err
		}
	}
	return nil
}

// decodeKey reads --person-key as hex, base64 or plain text, at least
// ortsplan.MinPersonKeyBytes long.
func decodeKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("--eid-issuer needs a secret key in ORTSPLAN_PERSON_KEY (at least %d bytes; e.g. openssl rand -hex 32)", ortsplan.MinPersonKeyBytes)
	}
	key := []byte(s)
	if b, err := hex.DecodeString(s); err == nil {
		key = b
	} else if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		key = b
	}
	if len(key) < ortsplan.MinPersonKeyBytes {
		return nil, fmt.Errorf("ORTSPLAN_PERSON_KEY is %d bytes, want at least %d (e.g. openssl rand -hex 32)", len(key), ortsplan.MinPersonKeyBytes)
	}
	return key, nil
}

// claimRules is --oidc-map: repeatable, and ';' separates rules in one value
// (the form the environment variable takes).
type claimRules []ortsplan.ClaimRule

func (c *claimRules) String() string {
	if c == nil {
		return ""
	}
	var out []string
	for _, r := range *c {
		s := r.Value + "=" + string(r.Role)
		if len(r.Localities) > 0 {
			s += ":" + strings.Join(r.Localities, ",")
		}
		out = append(out, s)
	}
	return strings.Join(out, ";")
}

func (c *claimRules) Set(v string) error {
	for part := range strings.SplitSeq(v, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		r, err := ortsplan.ParseClaimRule(part)
		if err != nil {
			return err
		}
		*c = append(*c, r)
	}
	return nil
}

// validURL is a small check of the issuers, so a typo stops the start with
// the flag's name.
func validURL(flagName, s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s: want an https address, not %q", flagName, s)
	}
	return nil
}
