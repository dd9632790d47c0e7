package web_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/demo/demotest"
	"github.com/ortsplan/ortsplan/media"
	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

const testPassword = "ett-bra-testlösenord"

// site is a running test server with its database.
type site struct {
	t   testing.TB
	db  *sqlstore.DB
	srv *httptest.Server
	web *web.Server
	// storage is where the site keeps uploaded files.
	storage media.Storage
}

// TestMain drops the demo template (see demotest) when the tests end.
func TestMain(m *testing.M) { demotest.Main(m) }

// newSite serves the real router over the given empty database, with the
// demo loaded. The demo comes as a copy of one loaded once per process
// (demotest): db, fresh from sqltest, is turned into that copy in place, so
// the test's db and the site's are one, keeping db's clock and composer.
func newSite(t testing.TB, db *sqlstore.DB, mutate ...func(*web.Config, *web.Services)) *site {
	t.Helper()
	loaded, _ := demotest.Open(t, db.Dialect)
	loaded.Now, loaded.Composer, loaded.PublicURL = db.Now, db.Composer, db.PublicURL
	empty := *db
	*db = *loaded
	if err := empty.Close(); err != nil {
		t.Fatalf("close the empty database: %v", err)
	}
	return serveSite(t, db, mutate...)
}

// serveSite serves the real router over the database as it is.
func serveSite(t testing.TB, db *sqlstore.DB, mutate ...func(*web.Config, *web.Services)) *site {
	t.Helper()
	s := &site{t: t, db: db}
	var h http.Handler
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(s.srv.Close)
	cfg := web.Config{BaseURL: s.srv.URL, ContactEmail: "ortsutveckling@ortsplan.example", ContactPhone: "0157-00 00 00",
		Logger: discardLogger(), Storage: mustStorage(t), StoreCache: db.CacheStats, OutboxStats: db.OutboxCounts}
	svc := web.Services{Users: db, Residents: db, Localities: db, Plans: db, Meetings: db, Files: db, SignUps: db, Ideas: db, Follows: db,
		PersonalData: db, Search: db, OpenData: db, Outbox: db, Effects: db, Work: db, Exports: db, Surveys: db, Quickfixes: db, Editions: db, Matters: db, Facts: db, Ping: db.Ping, PageVersion: db.PageVersion}
	for _, m := range mutate {
		m(&cfg, &svc)
	}
	db.PublicURL = s.srv.URL
	s.storage = cfg.Storage
	ws, err := web.New(svc, cfg)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	s.web, h = ws, ws
	return s
}

// user creates a staff account with testPassword.
func (s *site) user(email string, role ortsplan.Role, localities ...string) *ortsplan.User {
	s.t.Helper()
	u, err := s.db.CreateUser(sqltest.System(), ortsplan.NewUser{Email: email, Name: "Test " + string(role),
		Role: role, Password: testPassword, Localities: localities})
	if err != nil {
		s.t.Fatalf("create user: %v", err)
	}
	return u
}

// browser is an HTTP client with its own cookie jar that does not follow redirects.
type browser struct {
	s      *site
	c      *http.Client
	header http.Header
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, header: http.Header{}, c: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type response struct {
	*http.Response
	Body string
	Doc  *goquery.Document
}

func (b *browser) do(req *http.Request) *response {
	b.s.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	r := &response{Response: res, Body: string(body)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		r.Doc, err = goquery.NewDocumentFromReader(strings.NewReader(r.Body))
		if err != nil {
			b.s.t.Fatalf("parse HTML of %s: %v", req.URL, err)
		}
	}
	return r
}

func (b *browser) get(path string) *response {
	b.s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	return b.do(req)
}

// post submits a form, adding the CSRF token from the browser's cookie.
func (b *browser) post(path string, form url.Values) *response {
	b.s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf") == "" {
		form.Set("csrf", b.csrf())
	}
	return b.postRaw(path, form)
}

func (b *browser) postRaw(path string, form url.Values) *response {
	b.s.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// csrf returns the CSRF token, loading a page first if the browser has none.
func (b *browser) csrf() string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "csrf" {
			return c.Value
		}
	}
	// Pages for anonymous visitors carry none (see pagecache.go): then
	// this is empty, and the server asks none.
	res := b.get("/")
	v, _ := res.Doc.Find(`input[name="csrf"]`).Attr("value")
	return v
}

// login logs in through the real form and fails the test unless it works.
func (b *browser) login(email, password string) {
	b.s.t.Helper()
	form := b.get("/logga-in").Doc
	token, _ := form.Find(`form[action="/logga-in"] input[name="csrf"]`).Attr("value")
	res := b.post("/logga-in", url.Values{"email": {email}, "password": {password}, "csrf": {token}})
	if res.StatusCode != http.StatusSeeOther {
		b.s.t.Fatalf("login as %s: status %d, want 303; page says %q", email, res.StatusCode, text(res, ".error-summary"))
	}
}

func text(r *response, sel string) string {
	if r.Doc == nil {
		return ""
	}
	return strings.TrimSpace(r.Doc.Find(sel).Text())
}

func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d\n%s", r.Request.Method, r.Request.URL.Path, r.StatusCode, want, truncate(r.Body, 2000))
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// mustStorage returns file storage in a fresh temporary folder.
func mustStorage(t testing.TB) *media.DirStorage {
	t.Helper()
	st, err := media.NewDirStorage(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}
