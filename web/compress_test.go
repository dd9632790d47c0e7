package web_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/ortsplan/ortsplan/sqlstore"
	"github.com/ortsplan/ortsplan/sqlstore/sqltest"
	"github.com/ortsplan/ortsplan/web"
)

// Text the site writes goes compressed to a browser that takes gzip, and
// uncompressed to one that does not; photos go as they are.
func TestResponsesCompressed(t *testing.T) {
	s := newSite(t, sqltest.Open(t, sqlstore.SQLite), func(c *web.Config, _ *web.Services) {
		c.Brand = web.Brand{HomePicture: testPNG(t, 400, 300), HomePictureAlt: "En bild."}
	})
	get := func(path, accept string) (*http.Response, []byte) {
		req, err := http.NewRequest(http.MethodGet, s.srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if accept != "" {
			req.Header.Set("Accept-Encoding", accept) // set by hand, the transport does not decompress
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	css := s.browser().get("/orter").Doc.Find(`link[rel=stylesheet]`).First().AttrOr("href", "")
	for _, path := range []string{"/orter", "/api/v1/localities", "/moten.csv", "/flode.atom", "/kalender.ics", css} {
		plainRes, plain := get(path, "")
		if plainRes.StatusCode != http.StatusOK || plainRes.Header.Get("Content-Encoding") != "" {
			t.Fatalf("%s without gzip: %d %q", path, plainRes.StatusCode, plainRes.Header.Get("Content-Encoding"))
		}
		res, body := get(path, "gzip")
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Content-Encoding %q, Vary %q; want gzip and Vary: Accept-Encoding", path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		un, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// Anonymous pages carry no per-visitor token, so they are the same bytes.
		if !bytes.Equal(un, plain) {
			t.Errorf("%s: the gzipped body is not the plain one", path)
		}
		t.Logf("%s: %d bytes, %d gzipped", path, len(plain), len(body))
		if len(body) >= len(plain) {
			t.Errorf("%s: gzipped %d bytes, plain %d", path, len(body), len(plain))
		}
	}
	// A kept page goes as it was gzipped once, to a browser that takes
	// zstd too; a client that takes neither gets it unpacked.
	for _, path := range []string{"/orter", "/orter/flen"} {
		_, plain := get(path, "")
		get(path, "zstd, gzip") // the first keeps it
		res, body := get(path, "br;q=1, zstd;q=0.8, gzip;q=0.5, identity;q=0.1")
		if res.Header.Get("Content-Encoding") != "gzip" || res.Header.Get("ETag") == "" {
			t.Errorf("%s: Content-Encoding %q, ETag %q", path, res.Header.Get("Content-Encoding"), res.Header.Get("ETag"))
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		un, err := io.ReadAll(zr)
		if err != nil || !bytes.Equal(un, plain) {
			t.Errorf("%s gzipped: %v, same as plain: %v", path, err, bytes.Equal(un, plain))
		}
		t.Logf("%s kept: %d bytes, %d gzipped", path, len(plain), len(body))
		if res, again := get(path, "zstd;q=0, gzip;q=0"); res.Header.Get("Content-Encoding") != "" || !bytes.Equal(again, plain) {
			t.Errorf("%s refusing both: Content-Encoding %q, same as plain: %v", path, res.Header.Get("Content-Encoding"), bytes.Equal(again, plain))
		}
	}

	// A picture is compressed already and goes as it is.
	src := s.browser().get("/").Doc.Find("main img.hero").AttrOr("src", "")
	if res, b := get(src, "gzip"); res.StatusCode != http.StatusOK || len(b) < 1024 || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("the photo %s went with Content-Encoding %q", src, res.Header.Get("Content-Encoding"))
	}
}
