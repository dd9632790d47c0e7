package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/ortsplan/ortsplan/cache"
	"github.com/ortsplan/ortsplan/i18n"
)

// The page cache keeps the pages anonymous visitors are shown, rendered,
// per address and language, under the page counter (Services.PageVersion):
// a counter the database moves in the same transaction as every change to
// what a public page shows. Each request for a page reads the counter, one
// indexed read; a page kept under the current value is sent as it is, and a
// commit anywhere moves the counter on, so no server sends a page older than
// the data, however many run. Pages that also depend on the clock (a
// meeting that has begun, a survey that has closed) are kept at most
// pageMaxAge.
//
// Each kept page has an ETag, the hash of its bytes, so a browser or a
// shared cache asks again with If-None-Match and gets 304 Not Modified; and
// Cache-Control lets a shared cache (nginx, Varnish, a CDN) keep it for
// Config.SharedCacheMaxAge and serve it stale while it asks again for
// Config.SharedCacheStale.
//
// Only GET requests without cookies other than the language and the old
// CSRF token are answered from it, and only pages rendered for an anonymous
// visitor (render marks them) and the open data API's answers are kept. A
// signed-in person always gets a fresh page. Pages for anonymous visitors
// carry no CSRF token, so one rendering serves everyone: their forms are
// protected by the cross-origin check instead (see checkCSRF).

// pageMaxAge bounds how long a page is kept even when nothing changed.
const pageMaxAge = 2 * time.Minute

// DefaultPageCacheBytes is the page cache's budget unless Config says otherwise.
const DefaultPageCacheBytes = 16 << 20

// pageKey names a kept page.
type pageKey struct {
	uri, lang string
	version   int64
}

// keptPage is a rendered page and what is sent with it. A page of a
// kilobyte or more is kept gzipped only (at the best level, once), a tenth
// of its size: every browser takes gzip, and the rare client that does not
// gets it unpacked as it is sent. It carries no token, so compressing it
// tells an eavesdropper nothing secret (no BREACH).
type keptPage struct {
	body, gzip []byte
	// header is what the handler set (the type, the language, an API's
	// links and its own ETag), sent again with the page.
	header http.Header
	etag   string
	at     time.Time
	// route is the pattern the page was served under, for the metrics.
	route string
}

func newPageCache(maxBytes int64) *cache.Cache[pageKey, *keptPage] {
	return cache.New(maxBytes, func(k pageKey, p *keptPage) int {
		n := 160 + len(k.uri) + len(p.body) + len(p.gzip) + len(p.etag)
		for k, vs := range p.header {
			n += len(k) + 16
			for _, v := range vs {
				n += len(v) + 16
			}
		}
		return n
	})
}

// pageCacheControl is the Cache-Control of a kept page: a browser asks again
// each time (and gets 304 while nothing changed); a shared cache may keep it
// for maxAge and serve it stale while it asks again for stale.
func pageCacheControl(maxAge, stale time.Duration) string {
	if maxAge <= 0 {
		return "public, no-cache"
	}
	cc := fmt.Sprintf("public, max-age=0, s-maxage=%d", int(maxAge.Seconds()))
	if stale > 0 {
		cc += fmt.Sprintf(", stale-while-revalidate=%d", int(stale.Seconds()))
	}
	return cc
}

// cacheableRequest reports whether a request may be answered with a kept
// page: a GET or HEAD whose cookies, if any, change nothing on the page but
// its language.
func cacheableRequest(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	for _, c := range r.Cookies() {
		if c.Name != i18n.CookieName && c.Name != csrfCookie {
			return false
		}
	}
	return r.Header.Get("Authorization") == ""
}

// pageCache answers anonymous page requests from the cache and keeps what
// render marked cacheable. It runs inside withContext, which has set the
// language and found no one signed in.
func (s *Server) pageCache(next http.Handler) http.Handler {
	if s.pages == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := reqInfo(r)
		if !cacheableRequest(r) || ri.User != nil || ri.Resident != nil {
			next.ServeHTTP(w, r)
			return
		}
		version, err := s.pageVersion.Version(r.Context())
		if err != nil && r.Context().Err() != nil {
			s.clientGone(w, r, err)
			return
		}
		if err != nil {
			s.log.Warn("page counter", "request_id", ri.ID, "err", err)
			next.ServeHTTP(w, r)
			return
		}
		key := pageKey{uri: r.URL.RequestURI(), lang: ri.Lang, version: version}
		if p, ok := s.pages.Get(key); ok && s.cfg.Now().Sub(p.at) < pageMaxAge {
			s.metrics.pageCache.WithLabelValues("hit").Inc()
			ri.route = p.route
			s.sendPage(w, r, p)
			return
		}
		if r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			// The open data is the same for everyone: a 200 is kept too.
			ri.cacheable = true
		}
		rec := &pageRecorder{ResponseWriter: w, ri: ri}
		next.ServeHTTP(rec, r)
		if rec.buf == nil {
			s.metrics.pageCache.WithLabelValues("pass").Inc()
			return
		}
		s.metrics.pageCache.WithLabelValues("miss").Inc()
		body := bytes.Clone(rec.buf.Bytes())
		sum := sha256.Sum256(body)
		p := &keptPage{body: body, header: rec.header, at: s.cfg.Now(), route: r.Pattern,
			etag: `W/"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
		if own := rec.header.Get("ETag"); own != "" {
			p.etag = own // the API's own, strong one
		}
		rec.header.Del("ETag")
		if rec.header.Get("Cache-Control") == "no-cache" {
			rec.header.Del("Cache-Control") // the default: the cache's own goes instead
		}
		if len(body) >= 1024 {
			var gz bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
			zw.Write(body)
			zw.Close()
			p.gzip, p.body = bytes.Clone(gz.Bytes()), nil
		}
		s.pages.Set(key, p)
		s.sendPage(w, r, p)
	})
}

// sendPage sends a kept page, or 304 when the client holds it already.
func (s *Server) sendPage(w http.ResponseWriter, r *http.Request, p *keptPage) {
	h := w.Header()
	h.Set("ETag", p.etag)
	h.Set("Cache-Control", s.pageCC)
	for k, vs := range p.header {
		h[k] = vs // kept pages are never changed, so the slices are shared
	}
	if etagMatches(r.Header.Get("If-None-Match"), p.etag) {
		h.Del("Content-Type")
		h.Del("Content-Language")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := p.body
	if p.gzip != nil {
		h.Add("Vary", "Accept-Encoding")
		if !acceptsCoding(r.Header.Get("Accept-Encoding"), "gzip") {
			// The rare client that takes no gzip gets it unpacked, as it goes.
			h.Del("Content-Length")
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				if zr, err := gzip.NewReader(bytes.NewReader(p.gzip)); err == nil {
					io.Copy(w, zr)
				}
			}
			return
		}
		body = p.gzip
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// acceptsCoding reports whether an Accept-Encoding value accepts a coding:
// named (or *) without q=0.
func acceptsCoding(header, coding string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), coding) && strings.TrimSpace(name) != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// etagMatches is If-None-Match's weak comparison (RFC 9110, 13.1.2): any
// listed tag, or *, equal to etag when the W/ prefixes are ignored.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(etag, "W/")
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == want {
			return true
		}
	}
	return false
}

// pageRecorder keeps a response that render marked cacheable instead of
// sending it; any other response goes through untouched, streamed as before.
type pageRecorder struct {
	http.ResponseWriter
	ri     *request
	buf    *bytes.Buffer
	header http.Header // what the handler set, for a kept page
	wrote  bool
}

func (w *pageRecorder) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if code == http.StatusOK && w.ri.cacheable && len(w.Header().Values("Set-Cookie")) == 0 {
		w.buf = new(bytes.Buffer)
		w.header = w.Header().Clone()
		for _, k := range []string{"Content-Length", "Date", "Vary", "X-Request-Id"} {
			w.header.Del(k)
		}
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *pageRecorder) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if w.buf != nil {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *pageRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// sharedRead reads the page counter for many requests at once. A request
// takes the value of a read that began after it arrived, never of one that
// was already under way, so it sees every change committed before it came,
// as its own read would. While one read runs, the requests that arrive wait
// for the next, which starts when it ends; so under load one round trip to
// the database serves all the requests that came during the one before,
// and a quiet server still reads once per request.
type sharedRead struct {
	read func(context.Context) (int64, error)
	// timeout bounds a read, which serves several requests and so runs
	// under none of their contexts.
	timeout time.Duration

	mu      sync.Mutex
	running bool
	next    *versionRead // the read the requests arriving now wait for
}

// versionRead is one read of the counter and the requests waiting for it.
type versionRead struct {
	done    chan struct{}
	version int64
	err     error
}

func newSharedRead(read func(context.Context) (int64, error)) *sharedRead {
	return &sharedRead{read: read, timeout: 5 * time.Second}
}

// Version returns the counter as read after the call began.
func (s *sharedRead) Version(ctx context.Context) (int64, error) {
	s.mu.Lock()
	v := s.next
	if v == nil {
		v = &versionRead{done: make(chan struct{})}
		s.next = v
	}
	if !s.running {
		s.running, s.next = true, nil
		go s.run(v)
	}
	s.mu.Unlock()
	select {
	case <-v.done:
		return v.version, v.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// run reads for v, then for the read the requests that came meanwhile wait
// for, until none is waiting.
func (s *sharedRead) run(v *versionRead) {
	for v != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		v.version, v.err = s.read(ctx)
		cancel()
		close(v.done)
		s.mu.Lock()
		v, s.next = s.next, nil
		s.running = v != nil
		s.mu.Unlock()
	}
}
