package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/web/hydratest"
)

// TestLoginFlags: the identity provider's, password login's and the eID's
// flags are read from the command line and the environment, and settings
// that do not go together stop the start with the flag named.
func TestLoginFlags(t *testing.T) {
	parse := func(args ...string) (*Main, error) {
		m := NewMain(io.Discard, io.Discard)
		return m, m.ParseServe(args)
	}
	if m, err := parse(); err != nil || !m.login.passwordLogin || m.login.claim != "groups" {
		t.Fatalf("defaults: %v %+v", err, m.login)
	}
	t.Setenv("ORTSPLAN_OIDC_CLIENT_SECRET", "hemligt")
	t.Setenv("ORTSPLAN_OIDC_MAP", "g-admin=admin; g-sparreholm=official:sparreholm,bettna")
	m, err := parse("--oidc-issuer", "https://login.microsoftonline.com/tenant/v2.0", "--oidc-client-id", "app",
		"--oidc-map", "g-extra=coordinator", "--password-login=false", "--break-glass-admin", "reserv@flen.se")
	if err != nil {
		t.Fatal(err)
	}
	// A flag on the command line wins over the variable.
	if m.login.clientSecret != "hemligt" || len(m.login.rules) != 1 || m.login.rules[0].Role != ortsplan.RoleCoordinator || m.login.passwordLogin {
		t.Fatalf("parsed %+v", m.login)
	}
	m, err = parse("--oidc-issuer", "https://idp.example", "--oidc-client-id", "app")
	if err != nil || len(m.login.rules) != 2 || m.login.rules[1].Localities[1] != "bettna" {
		t.Fatalf("rules from the environment: %v %+v", err, m.login.rules)
	}
	t.Setenv("ORTSPLAN_OIDC_MAP", "")
	t.Setenv("ORTSPLAN_PERSON_KEY", "")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--password-login=false"}, "--password-login"},
		{[]string{"--oidc-issuer", "https://idp.example", "--oidc-client-id", "app"}, "--oidc-map"},
		{[]string{"--oidc-issuer", "idp.example", "--oidc-client-id", "app", "--oidc-map", "g=admin"}, "--oidc-issuer"},
		{[]string{"--oidc-map", "g=chef"}, "unknown role"},
		{[]string{"--break-glass-admin", "a@flen.se"}, "--break-glass-admin"},
		{[]string{"--support-requires-verified"}, "--support-requires-verified"},
		{[]string{"--eid-issuer", "https://eid.example", "--eid-client-id", "x"}, "ORTSPLAN_EID_CLIENT_SECRET"},
		{[]string{"--eid-issuer", "https://eid.example", "--eid-client-id", "x", "--eid-client-secret", "s"}, "ORTSPLAN_PERSON_KEY"},
		{[]string{"--eid-issuer", "https://eid.example", "--eid-client-id", "x", "--eid-client-secret", "s", "--person-key", "kort"}, "at least 32"},
	} {
		if _, err := parse(tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: %v, want a refusal naming %s", tt.args, err, tt.want)
		}
	}
	if _, err := parse("--eid-issuer", "https://eid.example", "--eid-client-id", "x", "--eid-client-secret", "s",
		"--person-key", strings.Repeat("ab", 32), "--support-requires-verified"); err != nil {
		t.Errorf("a whole eID configuration: %v", err)
	}
}

// TestServeWithOIDC starts the binary's serve against a real provider: the
// login page offers the municipality's account and, with password login
// off, no password form; the eID route leads on to the e-mail login.
func TestServeWithOIDC(t *testing.T) {
	p := hydratest.Start(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	base := "http://" + addr
	id, secret := p.Client(t, base+"/logga-in/oidc/callback", base+"/")
	eidID, eidSecret := p.Client(t, base+"/logga-in/eid/callback", base+"/")
	t.Setenv("ORTSPLAN_OIDC_CLIENT_SECRET", secret)
	t.Setenv("ORTSPLAN_EID_CLIENT_SECRET", eidSecret)
	t.Setenv("ORTSPLAN_PERSON_KEY", strings.Repeat("0f", 32))
	m := NewMain(io.Discard, io.Discard)
	if err := m.ParseServe([]string{"--addr", addr, "--data", t.TempDir(), "--drain", "0",
		"--oidc-issuer", p.Issuer + "/", "--oidc-client-id", id, "--oidc-map", "g=admin", "--password-login=false",
		"--eid-issuer", p.Issuer + "/", "--eid-client-id", eidID, "--eid-pnr-claim", "ssn", "--support-requires-verified"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	res, err := http.Get(base + "/logga-in")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := goquery.NewDocumentFromReader(res.Body)
	res.Body.Close()
	if got := strings.TrimSpace(doc.Find(`a[href="/logga-in/oidc"]`).Text()); got != "Logga in med Flens kommuns konto" {
		t.Errorf("the login button says %q", got)
	}
	if doc.Find(`form[action="/logga-in"]`).Length() != 0 {
		t.Error("the password form shows with --password-login=false")
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]string{"/logga-in/oidc": p.Issuer + "/oauth2/auth?", "/logga-in/eid": "/logga-in/boende?till="} {
		res, err := noFollow.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, want) {
			t.Errorf("%s: %d to %q, want a 303 to %s…", path, res.StatusCode, loc, want)
		}
	}
}
