package web_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"

	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

const testLogo = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><circle cx="20" cy="20" r="18" fill="#005a9c"/></svg>`

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, h/2, color.RGBA{0, 90, 156, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The organisation's accent colour, logo and home picture come from the
// configuration and reach every page: the colour through a stylesheet of
// its own (the policy allows no inline style), the logo in the header, the
// picture at the top of the home page.
func TestBrandFromConfiguration(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	s := newSite(t, db, func(c *web.Config, _ *web.Services) {
		c.Brand = web.Brand{Accent: "#005A9C", Logo: []byte(testLogo), HomePicture: testPNG(t, 300, 100), HomePictureAlt: "Sjön vid bruket."}
	})
	b := s.browser()
	r := b.get("/")
	wantStatus(t, r, http.StatusOK)
	theme := r.Doc.Find(`link[rel=stylesheet][href^="/static/brand-theme."]`).AttrOr("href", "")
	if theme == "" {
		t.Fatal("the page links no theme stylesheet")
	}
	css := b.get(theme)
	wantStatus(t, css, http.StatusOK)
	if !strings.Contains(css.Body, "--accent: #005a9c;") || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") {
		t.Fatalf("the theme stylesheet is %q (%s), want the accent #005a9c", css.Body, css.Header.Get("Content-Type"))
	}
	logo := r.Doc.Find(`.site-header .brand img.brand-logo`)
	if src := logo.AttrOr("src", ""); !strings.HasPrefix(src, "/static/brand-logo.") || !strings.HasSuffix(src, ".svg") {
		t.Fatalf("the header's logo is %q", src)
	} else if alt, ok := logo.Attr("alt"); !ok || alt != "" {
		t.Errorf("the logo's alt is %q, want empty (the name stands beside it)", alt)
	} else if got := b.get(src); got.Body != testLogo || got.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("the logo is served as %q (%s)", truncate(got.Body, 60), got.Header.Get("Content-Type"))
	}
	if !strings.Contains(r.Doc.Find(".brand").Text(), "Flens kommun") {
		t.Errorf("the brand no longer names the organisation beside the logo")
	}
	hero := r.Doc.Find("main img.hero")
	if hero.AttrOr("alt", "") != "Sjön vid bruket." || hero.AttrOr("width", "") != "300" || hero.AttrOr("height", "") != "100" {
		t.Fatalf("the home picture is %v", hero.Nodes)
	}
	if got := b.get(hero.AttrOr("src", "")); got.Header.Get("Content-Type") != "image/png" {
		t.Errorf("the home picture is served as %s", got.Header.Get("Content-Type"))
	}

	// Without configuration there is neither a theme nor a logo nor a picture.
	plain := newSite(t, sqltest.Open(t, sqlstore.SQLite)).browser().get("/")
	if n := plain.Doc.Find(`link[href^="/static/brand-theme."], img.brand-logo, img.hero`).Length(); n != 0 {
		t.Errorf("an unconfigured site shows %d brand elements", n)
	}
}

// A colour without contrast, a logo with a script and a picture without a
// description stop the server being made, with the reason.
func TestBrandRefusesWhatFails(t *testing.T) {
	for _, tc := range []struct {
		name  string
		brand web.Brand
		want  string
	}{
		{"pale accent", web.Brand{Accent: "#ffcc00"}, "contrast of 1.5"},
		{"not a colour", web.Brand{Accent: "red"}, "not a colour"},
		{"script in the logo", web.Brand{Logo: []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)}, "<script>"},
		{"picture without alt", web.Brand{HomePicture: testPNG(t, 10, 10)}, "describes it"},
		{"picture that is a logo", web.Brand{HomePicture: []byte(testLogo), HomePictureAlt: "x"}, "neither a readable PNG nor JPEG"},
	} {
		_, err := web.New(web.Services{}, web.Config{Brand: tc.brand})
		if err == nil {
			t.Errorf("%s: web.New accepted it", tc.name)
		}
		// web.New checks the services first; check the brand alone too.
		if err := web.CheckBrand(tc.brand); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: CheckBrand = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}

// The accessibility statement and the privacy page state what is configured
// and what the binary applies, and nothing else.
func TestStatementsAreTrue(t *testing.T) {
	db := sqltest.Open(t, sqlstore.SQLite)
	plain := newSite(t, db).browser()
	a := plain.get("/tillganglighet")
	wantStatus(t, a, http.StatusOK)
	if got := text(a, "#a11y-method"); !strings.Contains(got, "har ännu inte gjort någon egen granskning") {
		t.Errorf("without a configured assessment the statement says %q", got)
	}
	if strings.Contains(a.Body, "granskades senast") {
		t.Errorf("without a date the statement names an assessment date")
	}
	p := plain.get("/personuppgifter")
	wantStatus(t, p, http.StatusOK)
	if got := text(p, "#log-retention"); !strings.Contains(got, "bestäms av kommunens it-avdelning") {
		t.Errorf("without a configured log retention the page says %q", got)
	}
	kept := p.Doc.Find("#kept tbody tr")
	if kept.Length() < 9 {
		t.Fatalf("the page lists %d kinds of personal data", kept.Length())
	}
	body := text(p, "#kept")
	for _, want := range []string{"inom 48 timmar", "7 dagar efter det", "72 timmar", "60 minuter", "Tas inte bort automatiskt", "Raderas inte automatiskt från utkorgen"} {
		if !strings.Contains(body, want) {
			t.Errorf("the retention table lacks %q:\n%s", want, body)
		}
	}

	s := newSite(t, sqltest.Open(t, sqlstore.SQLite), func(c *web.Config, _ *web.Services) {
		c.Statements = web.Statements{A11yMethod: "Granskat med skärmläsaren NVDA.", A11yAssessed: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC),
			LogRetentionDays: 14, SignUpRetentionMonths: 18, MailRetentionDays: 1}
	}).browser()
	a = s.get("/tillganglighet")
	if got := text(a, "#a11y-method"); got != "Granskat med skärmläsaren NVDA." {
		t.Errorf("the configured method shows as %q", got)
	}
	if !strings.Contains(a.Body, `datetime="2026-10-05"`) {
		t.Errorf("the assessment date is not on the statement")
	}
	p = s.get("/personuppgifter")
	if got := text(p, "#log-retention"); !strings.Contains(got, "i högst 14 dagar") {
		t.Errorf("the log retention shows as %q", got)
	}
	body = text(p, "#kept")
	for _, want := range []string{"bort 18 månader efter anmälan", "Raderas 1 dag efter att det skickats"} {
		if !strings.Contains(body, want) {
			t.Errorf("the retention table lacks %q:\n%s", want, body)
		}
	}
}
