package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// client is a visitor without a browser: an HTTP client with its own cookies,
// which follows redirects as a browser does.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 20 * time.Second}}
}

// do sends a request, following redirects, and returns the final status and body.
func (c *client) do(method, path string, form url.Values) (int, []byte) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// csrf returns the CSRF token that the site set as a cookie; the forms carry
// the same value. A page for someone signed in sets it; an anonymous
// visitor's pages carry none, and their forms need none (empty).
func (c *client) csrf() string {
	u, _ := url.Parse(c.base)
	cookie := func() string {
		for _, ck := range c.http.Jar.Cookies(u) {
			if ck.Name == "csrf" {
				return ck.Value
			}
		}
		return ""
	}
	if v := cookie(); v != "" {
		return v
	}
	c.do(http.MethodGet, "/", nil)
	return cookie()
}

// post sends a form with the CSRF token, as the page's form would.
func (c *client) post(path string, form url.Values) (int, []byte) {
	c.t.Helper()
	f := url.Values{"csrf": {c.csrf()}}
	for k, v := range form {
		f[k] = v
	}
	return c.do(http.MethodPost, path, f)
}

// logInAs logs the client in as role r: staff with the login form, a
// resident with a one-time link; a visitor stays logged out.
func (c *client) logInAs(s *site, r role) {
	c.t.Helper()
	switch r {
	case visitor:
	case resident:
		link := "/inloggning/" + s.nextResidentToken(c.t)
		c.do(http.MethodGet, link, nil) // the page that asks before it logs in
		status, body := c.post(link, url.Values{})
		if status != http.StatusOK || !bytes.Contains(body, []byte(`action="/logga-ut/boende"`)) {
			c.t.Fatalf("log in as a resident: status %d and no log-out form", status)
		}
	default:
		c.logIn(s.loginFor(r))
	}
}

func (c *client) logIn(l login) {
	c.t.Helper()
	c.do(http.MethodGet, "/logga-in", nil) // sets the CSRF cookie
	status, body := c.post("/logga-in", url.Values{"email": {l.Email}, "password": {l.Password}})
	if status != http.StatusOK || !bytes.Contains(body, []byte(`action="/logga-ut"`)) {
		c.t.Fatalf("log in as %s: status %d and no log-out form", l.Email, status)
	}
}

// vnuMessage is one message of the Nu HTML checker's JSON output.
type vnuMessage struct {
	Type      string `json:"type"`
	SubType   string `json:"subType"`
	URL       string `json:"url"`
	LastLine  int    `json:"lastLine"`
	FirstCol  int    `json:"firstColumn"`
	Message   string `json:"message"`
	Extract   string `json:"extract"`
	FirstLine int    `json:"firstLine"`
}

// testHTMLValid fetches the HTML of every page kind in both languages, as the
// server sends it, and the stylesheets, and checks them all in one run of the
// Nu HTML checker.
func testHTMLValid(t *testing.T, s *site) {
	dir := t.TempDir()

	var files []string
	for _, r := range roles {
		kinds := s.kindsFor(t, r)
		c := newClient(t, s.URL)
		c.logInAs(s, r)
		for _, lang := range languages {
			// The language link in the header sets the language cookie.
			if status, _ := c.do(http.MethodGet, "/sprak?lang="+lang+"&till=/", nil); status != http.StatusOK {
				t.Fatalf("switch to %s: status %d", lang, status)
			}
			for _, k := range kinds {
				var status int
				var body []byte
				if k.submit != nil {
					_, page := c.do(http.MethodGet, k.path, nil)
					form := formValues(t, page, k.action())
					for name, v := range k.submit {
						form[name] = v
					}
					status, body = c.do(http.MethodPost, k.action(), form)
				} else {
					status, body = c.do(http.MethodGet, k.path, nil)
				}
				if status != k.status {
					t.Errorf("%s (%s): status %d, want %d", k.name, lang, status, k.status)
				}
				if want := `<html lang="` + lang + `"`; !bytes.Contains(body, []byte(want)) {
					t.Errorf("%s (%s): no %s in the page", k.name, lang, want)
				}
				f := filepath.Join(dir, lang+"-"+k.name+".html")
				if err := os.WriteFile(f, body, 0o644); err != nil {
					t.Fatal(err)
				}
				files = append(files, f)
			}
		}
	}

	// The stylesheets, as served, are checked in the same run.
	home, err := os.ReadFile(filepath.Join(dir, "sv-home.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(home))
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s.URL)
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, l *goquery.Selection) {
		href := l.AttrOr("href", "")
		status, body := c.do(http.MethodGet, href, nil)
		if status != http.StatusOK {
			t.Errorf("stylesheet %s: status %d", href, status)
			return
		}
		f := filepath.Join(dir, path.Base(href))
		if !strings.HasSuffix(f, ".css") {
			f += ".css"
		}
		if err := os.WriteFile(f, body, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	})

	checkVNU(t, files)
}

// checkVNU runs the Nu HTML checker once (one JVM: it starts slowly) on the
// files (HTML, and CSS) and fails t with every error.
func checkVNU(t *testing.T, files []string) {
	t.Helper()
	java := javaPath(t)
	vnu := nodeModule(t, "vnu-jar/build/dist/vnu.jar")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{"-jar", vnu, "--errors-only", "--also-check-css", "--format", "json"}, files...)
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	// The checker writes its JSON report to standard error, and exits with
	// status 1 when it found errors.
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(stderr.Bytes(), &report); err != nil {
		t.Fatalf("the Nu HTML checker gave no JSON report (%v; run error %v):\n%s%s", err, runErr, stdout.String(), stderr.String())
	}
	var errs []string
	for _, m := range report.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		name := filepath.Base(strings.TrimPrefix(m.URL, "file:"))
		errs = append(errs, fmt.Sprintf("%s:%d:%d: %s\n\t%s", name, m.LastLine, m.FirstCol, m.Message, strings.TrimSpace(m.Extract)))
	}
	for _, e := range errs {
		t.Error(e)
	}
	if len(errs) == 0 && runErr != nil {
		t.Fatalf("the Nu HTML checker failed: %v\n%s", runErr, stderr.String())
	}
	t.Logf("the Nu HTML checker found %d errors in %d files", len(errs), len(files))
}
