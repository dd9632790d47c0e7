// Package hydratest runs a real OpenID Provider for tests: Ory Hydra v2,
// whose binary ORTSPLAN_TEST_HYDRA names (scripts/tools.sh hydra builds it),
// with an in-memory database on free loopback ports. Hydra leaves the login
// and consent screens to an application of the site's own; here that is a
// small server in the test process that accepts each step through Hydra's
// admin API as the identity the test chose, with the claims the test wants
// in the ID token (groups, a personnummer). Without the variable the tests
// that need it skip, except under CI=true, where that is a failure.
package hydratest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// EnvHydra is the variable naming the hydra binary.
const EnvHydra = "ORTSPLAN_TEST_HYDRA"

const startTimeout = 60 * time.Second

// Identity is who the provider's login step says the person is, and the
// extra claims its consent step puts in the ID token.
type Identity struct {
	Subject string
	Claims  map[string]any
}

// Login is one login request the provider's login step answered.
type Login struct {
	Subject string
	// Skip is true when Hydra still had a session for the browser, so the
	// person was not asked to log in again.
	Skip bool
}

// Provider is a running Hydra with its login and consent application.
type Provider struct {
	// Issuer is the public address (the OpenID issuer), Admin the admin API's.
	Issuer, Admin string

	app    *httptest.Server
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}

	mu      sync.Mutex
	next    Identity
	claims  map[string]map[string]any // by subject, for the consent step
	logins  []Login
	logouts int
}

// Hydra returns the path of the hydra binary, or skips the test without one
// (fails it under CI=true).
func Hydra(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(EnvHydra)
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is not set: the OpenID Connect login must be tested against a real provider (bash scripts/tools.sh hydra)", EnvHydra)
		}
		t.Skipf("%s is not set; build Hydra with bash scripts/tools.sh hydra to run the OpenID Connect tests", EnvHydra)
	}
	if fi, err := os.Stat(bin); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
		t.Fatalf("%s=%s is not an executable file: %v", EnvHydra, bin, err)
	}
	return bin
}

// Start starts a provider for the test and stops it when the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	bin := Hydra(t)
	p := &Provider{log: &lockedBuffer{}, exited: make(chan struct{}), claims: map[string]map[string]any{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", p.login)
	mux.HandleFunc("GET /consent", p.consent)
	mux.HandleFunc("GET /logout", p.logout)
	p.app = httptest.NewServer(mux)
	t.Cleanup(p.app.Close)

	ports, err := freePorts(2)
	if err != nil {
		t.Fatal(err)
	}
	p.Issuer = "http://127.0.0.1:" + strconv.Itoa(ports[0])
	p.Admin = "http://127.0.0.1:" + strconv.Itoa(ports[1])
	dir := t.TempDir()
	p.cmd = exec.Command(bin, "serve", "all", "--dev", "--sqa-opt-out")
	p.cmd.Dir = dir
	p.cmd.Env = []string{
		"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TMPDIR=" + dir,
		"DSN=memory",
		"SECRETS_SYSTEM=" + randomHex(24),
		"URLS_SELF_ISSUER=" + p.Issuer + "/",
		"URLS_LOGIN=" + p.app.URL + "/login",
		"URLS_CONSENT=" + p.app.URL + "/consent",
		"URLS_LOGOUT=" + p.app.URL + "/logout",
		"SERVE_PUBLIC_HOST=127.0.0.1", "SERVE_PUBLIC_PORT=" + strconv.Itoa(ports[0]),
		"SERVE_ADMIN_HOST=127.0.0.1", "SERVE_ADMIN_PORT=" + strconv.Itoa(ports[1]),
		"LOG_LEVEL=warn", "LOG_LEAK_SENSITIVE_VALUES=false",
	}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	p.cmd.SysProcAttr = procAttr()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(p.stop)
	if err := p.waitReady(); err != nil {
		t.Fatalf("hydra: %v\n--- hydra's output:\n%s", err, p.log.String())
	}
	return p
}

func (p *Provider) waitReady() error {
	deadline := time.Now().Add(startTimeout)
	for {
		res, err := http.Get(p.Admin + "/health/ready")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				if res, err := http.Get(p.Issuer + "/.well-known/openid-configuration"); err == nil {
					res.Body.Close()
					if res.StatusCode == http.StatusOK {
						return nil
					}
				}
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("hydra exited: %v", p.cmd.ProcessState)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer from %s within %s: %v", p.Admin, startTimeout, err)
		}
	}
}

func (p *Provider) stop() {
	if p.cmd.Process == nil {
		return
	}
	p.cmd.Process.Kill()
	<-p.exited
}

// Log returns what hydra has printed so far.
func (p *Provider) Log() string { return p.log.String() }

// Client creates an OAuth2 client for the authorization code flow that may
// come back to redirectURI and, after logout, to postLogoutURI, and
// returns its id and secret.
func (p *Provider) Client(t testing.TB, redirectURI, postLogoutURI string) (id, secret string) {
	t.Helper()
	var out struct {
		ID     string `json:"client_id"`
		Secret string `json:"client_secret"`
	}
	err := p.call(http.MethodPost, "/admin/clients", map[string]any{
		"client_name":                "Ortsplan test",
		"grant_types":                []string{"authorization_code", "refresh_token"},
		"response_types":             []string{"code"},
		"scope":                      "openid profile email offline_access",
		"redirect_uris":              []string{redirectURI},
		"post_logout_redirect_uris":  []string{postLogoutURI},
		"token_endpoint_auth_method": "client_secret_basic",
	}, &out)
	if err != nil || out.ID == "" || out.Secret == "" {
		t.Fatalf("hydra: create client: %v (%+v)\n--- hydra's output:\n%s", err, out, p.log.String())
	}
	return out.ID, out.Secret
}

// SetIdentity makes the next login that asks (one without a remembered
// session) sign in as id, with its claims in the ID token.
func (p *Provider) SetIdentity(id Identity) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next = id
	p.claims[id.Subject] = id.Claims
}

// Logins returns the login requests answered so far, oldest first.
func (p *Provider) Logins() []Login {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Login(nil), p.logins...)
}

// Logouts returns how many logout requests the provider accepted.
func (p *Provider) Logouts() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logouts
}

// login is Hydra's login step: it accepts the request as the chosen
// identity, or as the remembered subject when Hydra says it may skip.
func (p *Provider) login(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("login_challenge")
	var req struct {
		Skip    bool   `json:"skip"`
		Subject string `json:"subject"`
	}
	if err := p.call(http.MethodGet, "/admin/oauth2/auth/requests/login?login_challenge="+url.QueryEscape(ch), nil, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	subject := p.next.Subject
	if req.Skip {
		subject = req.Subject
	}
	p.logins = append(p.logins, Login{Subject: subject, Skip: req.Skip})
	p.mu.Unlock()
	p.accept(w, r, "login", ch, map[string]any{"subject": subject, "remember": true, "remember_for": 3600})
}

// consent grants what was asked and puts the subject's claims in the ID token.
func (p *Provider) consent(w http.ResponseWriter, r *http.Request) {
	ch := r.URL.Query().Get("consent_challenge")
	var req struct {
		Subject  string   `json:"subject"`
		Scope    []string `json:"requested_scope"`
		Audience []string `json:"requested_access_token_audience"`
	}
	if err := p.call(http.MethodGet, "/admin/oauth2/auth/requests/consent?consent_challenge="+url.QueryEscape(ch), nil, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	claims := p.claims[req.Subject]
	p.mu.Unlock()
	if claims == nil {
		claims = map[string]any{}
	}
	p.accept(w, r, "consent", ch, map[string]any{"grant_scope": req.Scope, "grant_access_token_audience": req.Audience,
		"session": map[string]any{"id_token": claims}})
}

// logout accepts the logout request: Hydra ends its session and goes on to
// the client's post_logout_redirect_uri.
func (p *Provider) logout(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	p.logouts++
	p.mu.Unlock()
	p.accept(w, r, "logout", r.URL.Query().Get("logout_challenge"), nil)
}

func (p *Provider) accept(w http.ResponseWriter, r *http.Request, step, challenge string, body any) {
	var out struct {
		RedirectTo string `json:"redirect_to"`
	}
	path := "/admin/oauth2/auth/requests/" + step + "/accept?" + step + "_challenge=" + url.QueryEscape(challenge)
	if err := p.call(http.MethodPut, path, body, &out); err != nil || out.RedirectTo == "" {
		http.Error(w, fmt.Sprintf("accept %s: %v", step, err), http.StatusBadGateway)
		return
	}
	http.Redirect(w, r, out.RedirectTo, http.StatusFound)
}

// call sends a JSON request to the admin API and reads the JSON answer.
func (p *Provider) call(method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, p.Admin+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, res.Status, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// freePorts returns n distinct loopback ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
