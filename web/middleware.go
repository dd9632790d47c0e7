package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/klauspost/compress/gzhttp"

	"github.com/ortsplan/ortsplan"
	"github.com/ortsplan/ortsplan/i18n"
)

// Cookie names.
const (
	sessionCookie = "session"
	csrfCookie    = "csrf"
	csrfField     = "csrf"
)

// contentSecurityPolicy allows nothing but the site's own styles and images:
// the site needs no script at all.
const contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// request is what the middleware learns about a request, shared with handlers.
type request struct {
	ID       string
	Lang     string
	CSRF     string
	User     *ortsplan.User
	Session  string
	Resident *ortsplan.Resident
	// cacheable is set by render for a page the page cache may keep.
	cacheable bool
	// route is the route of a page the page cache sent, for the metrics.
	route string
}

type reqKey struct{}

func reqInfo(r *http.Request) *request {
	if ri, ok := r.Context().Value(reqKey{}).(*request); ok {
		return ri
	}
	return &request{Lang: i18n.Default}
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func newID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// middleware wraps the router: logging and metrics outermost, then security
// headers, cross-origin protection, the refusal of paths and queries that are
// not clean text, per-request context and the CSRF check (which also refuses
// form values that are not clean text).
func (s *Server) middleware(mux *http.ServeMux) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "error.csrf")
	}))
	var h http.Handler = mux
	h = s.checkCSRF(mux, h)
	h = s.pageCache(h)
	h = s.withContext(h)
	h = s.refuseBadInput(h)
	h = cop.Handler(h)
	h = s.securityHeaders(h)
	h = compress(h)
	return s.observe(h)
}

// compressed are the content types sent compressed (gzip, or zstd where the
// browser takes it): text the site writes. Photos and PDFs are compressed
// already and go as they are.
var compressed = []string{"text/html", "text/css", "image/svg+xml", "application/json", "text/csv",
	"application/atom+xml", "text/calendar", "application/xml", "text/plain"}

// compress sends responses of the compressed types compressed when the
// client accepts it and they are over a kilobyte. Pages carry a CSRF token,
// so the compressed length is padded by a few bytes that follow the content
// (the library's jitter), which keeps a BREACH-style attacker from reading
// the token from the lengths of many responses.
func compress(h http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypes(compressed), gzhttp.MinSize(1024), gzhttp.RandomJitter(32, 0, false))
	if err != nil {
		panic(err) // the options are fixed; a wrong one is a programming error
	}
	return wrap(h)
}

// observe assigns a request id, recovers from panics, logs the request and
// records metrics by route.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &request{ID: newID(), Lang: i18n.FromRequest(r)}
		r = r.WithContext(context.WithValue(r.Context(), reqKey{}, ri))
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", ri.ID)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("panic", "request_id", ri.ID, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.renderError(sw, r, http.StatusInternalServerError, "error.internal")
				}
			}
			route := r.Pattern
			if route == "" {
				route = ri.route // a page sent from the page cache
			}
			if route == "" {
				route = "unmatched"
			}
			d := time.Since(start)
			s.metrics.observe(route, r.Method, sw.status, d)
			s.log.Info("request", "request_id", ri.ID, "method", r.Method, "route", route, "path", safeLog(r.URL.Path),
				"status", sw.status, "bytes", sw.bytes, "duration_ms", float64(d.Microseconds())/1000)
		}()
		next.ServeHTTP(sw, r)
	})
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	// The values are made once and shared by every response (a header's
	// slice is replaced, never appended to in place, as they have no room).
	fixed := [][2]string{
		{"Content-Security-Policy", contentSecurityPolicy},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "strict-origin-when-cross-origin"},
		{"X-Frame-Options", "DENY"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"},
	}
	if s.secure {
		fixed = append(fixed, [2]string{"Strict-Transport-Security", "max-age=63072000; includeSubDomains"})
	}
	type header struct {
		key   string
		value []string
	}
	headers := make([]header, len(fixed))
	for i, kv := range fixed {
		headers[i] = header{http.CanonicalHeaderKey(kv[0]), []string{kv[1]}[:1:1]}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for _, kv := range headers {
			h[kv.key] = kv.value
		}
		next.ServeHTTP(w, r)
	})
}

// withContext loads the visitor's language, CSRF token and staff session.
func (s *Server) withContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := reqInfo(r)
		if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
			ri.CSRF = c.Value
		}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
			u, err := s.svc.Users.UserBySession(r.Context(), c.Value)
			switch {
			case err == nil:
				ri.User, ri.Session = u, c.Value
				ctx := ortsplan.NewContextWithUser(r.Context(), u)
				r = r.WithContext(ortsplan.WithSession(ctx, c.Value))
			case ortsplan.ErrorCode(err) == ortsplan.EUNAUTHORIZED:
				s.clearCookie(w, sessionCookie)
			default:
				s.serverError(w, r, err)
				return
			}
		}
		if c, err := r.Cookie(residentCookie); err == nil && c.Value != "" {
			res, err := s.svc.Residents.ResidentBySession(r.Context(), c.Value)
			switch {
			case err == nil:
				ri.Resident = res
				r = r.WithContext(ortsplan.NewContextWithResident(r.Context(), res))
			case ortsplan.ErrorCode(err) == ortsplan.EUNAUTHORIZED:
				s.clearCookie(w, residentCookie)
			default:
				s.serverError(w, r, err)
				return
			}
		}
		w.Header().Add("Vary", "Cookie, Accept-Language")
		next.ServeHTTP(w, r)
	})
}

// checkCSRF requires the form's token to match the CSRF cookie on every
// state-changing request. Cross-site requests were already refused. Ordinary
// forms are read here, at most maxFormBytes. A multipart body is refused
// with 415, unread, unless the route is an upload route, which checks the
// login and then the token itself as it reads the body (upload.go).
func (s *Server) checkCSRF(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A mail program's one-click unsubscribe (RFC 8058) has no CSRF token:
		// the secret token in the address is the proof, and it only
		// unsubscribes. RFC 8058 asks for a multipart body; it is never read.
		if r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/avregistrera/") {
			r.Body = http.MaxBytesReader(w, r.Body, 1024)
			next.ServeHTTP(w, r)
			return
		}
		if isMultipart(r) {
			if _, pattern := mux.Handler(r); !s.uploadPatterns[pattern] {
				s.renderError(w, r, http.StatusUnsupportedMediaType, "error.multipart_refused")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		ri := reqInfo(r)
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		token := r.PostFormValue(csrfField)
		if !cleanValues(r.PostForm, true) {
			s.badInput(w, r, "form")
			return
		}
		normalizeNewlines(r)
		if ri.User == nil && ri.Resident == nil {
			// An anonymous visitor's form came from a page that may be
			// cached and shared, so it carries no token: the cross-origin
			// check has already refused it if a browser sent it from another
			// site, and no one's account is signed in for a forged form to
			// act as.
			next.ServeHTTP(w, r)
			return
		}
		if ri.CSRF == "" || subtle.ConstantTimeCompare([]byte(token), []byte(ri.CSRF)) != 1 {
			s.log.Warn("csrf token missing or wrong", "request_id", ri.ID, "path", safeLog(r.URL.Path))
			s.renderError(w, r, http.StatusForbidden, "error.csrf")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxFormBytes bounds an ordinary (non-upload) form body.
const maxFormBytes = 64 << 10

// ensureCSRF makes sure the visitor has a CSRF cookie before a form is shown.
func (s *Server) ensureCSRF(w http.ResponseWriter, r *http.Request) string {
	ri := reqInfo(r)
	if ri.CSRF == "" {
		ri.CSRF = randomToken()
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: ri.CSRF, Path: "/", HttpOnly: true,
			Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	}
	return ri.CSRF
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, Expires: expires})
}

func (s *Server) clearCookie(w http.ResponseWriter, name string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// clientAddr is the visitor's address as a rate-limit key. Behind
// TrustProxy reverse proxies it is the address that many hops from the right
// of X-Forwarded-For: each proxy appends the address it was connected from,
// so entries further left were written by the client and are not believed.
// IPv6 addresses are keyed per /64, the block one household or host gets.
func (s *Server) clientAddr(r *http.Request) string {
	return clientKey(r, s.cfg.TrustProxy)
}

func clientKey(r *http.Request, proxies int) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if proxies > 0 {
		var hops []string
		for _, h := range r.Header.Values("X-Forwarded-For") {
			for _, part := range strings.Split(h, ",") {
				if part = strings.TrimSpace(part); part != "" {
					hops = append(hops, part)
				}
			}
		}
		if len(hops) > 0 {
			i := max(0, len(hops)-proxies)
			if p := net.ParseIP(hops[i]); p != nil {
				ip = p
			}
		}
	}
	if ip == nil {
		return host
	}
	if ip.To4() != nil {
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// staff lets through requests with a staff session: it authenticates, and
// the services decide what the account may do. Others are sent to log in
// (GET) or refused with 401.
func (s *Server) staff(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if reqInfo(r).User == nil {
			s.loginRequired(w, r)
			return
		}
		h(w, r)
	})
}

// residentRequired refuses a request that needs a resident login with 401,
// and a link to log in that comes back to back.
func (s *Server) residentRequired(w http.ResponseWriter, r *http.Request, back string) {
	s.renderErrorLink(w, r, http.StatusUnauthorized, "resident.login_required", "/logga-in/boende?till="+urlQueryEscape(back))
}

// loginRequired answers a request that needs a staff login: a GET is sent to
// the login form (and back afterwards), anything else refused with 401.
func (s *Server) loginRequired(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		http.Redirect(w, r, "/logga-in?till="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	s.renderError(w, r, http.StatusUnauthorized, "login.required")
}

// normalizeNewlines turns the CRLF line breaks browsers send from textareas
// into LF, so a text saved unchanged stays the same text.
func normalizeNewlines(r *http.Request) {
	for _, vals := range []url.Values{r.PostForm, r.Form} {
		for k, vs := range vals {
			for i, v := range vs {
				if strings.Contains(v, "\r") {
					vs[i] = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
				}
			}
			vals[k] = vs
		}
	}
}
